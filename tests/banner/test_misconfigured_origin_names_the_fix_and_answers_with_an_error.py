"""A page on an origin the site does not list in its allowed origins gets no banner configuration
(the browser refuses the answer: CORS). The banner then says on the console what to fix (the site
key, the page's origin and the "Allowed origins" setting), and __tcfapi answers every caller, the
ones queued by the stub included, with cmpStatus "error" and success false, as the IAB reference
CMP API does once disabled, so that ad stacks stop waiting (docs/BANNER.md, §4)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html lang="en"><head><title>Publisher</title><script>{stub}</script>
<script>
  window.__answers = [];
  const keep = name => (data, success) => __answers.push({{name, success, status: data && data.cmpStatus}});
  __tcfapi('addEventListener', 2, keep('queued listener'));
  __tcfapi('getTCData', 2, keep('queued getTCData'));
</script>
<script src="{cmp}/static/consent/cmp.js" data-site="demo" {extra} async></script>
</head><body><h1>Publisher</h1></body></html>"""
LATER = """() => new Promise(resolve => {
  const out = {};
  __tcfapi('ping', 2, (p, ok) => { out.ping = {ok, status: p.cmpStatus, loaded: p.cmpLoaded}; });
  __tcfapi('getTCData', 2, (d, ok) => { out.get = {ok, status: d.cmpStatus}; });
  __tcfapi('addEventListener', 2, (d, ok) => { out.listener = {ok, status: d.cmpStatus}; resolve(out); });
})"""


def open_page(page, other_origin, stub_source, cmp_server, host, extra=""):
    """Opens the page and returns the banner's console error (the browser's own CORS message is
    not the banner's)."""
    root, port = other_origin
    (root / "misconfigured.html").write_text(PAGE.format(stub=stub_source, cmp=cmp_server, extra=extra))
    banners = lambda m: m.type == "error" and m.text.startswith("CMP:")  # noqa: E731
    with page.expect_console_message(banners) as message:
        page.goto(f"http://{host}:{port}/misconfigured.html")
    page.wait_for_function("() => window.__answers.length === 2")
    return message.value.text


def answered_with_an_error(page):
    assert sorted(page.evaluate("window.__answers"), key=lambda a: a["name"]) == [
        {"name": "queued getTCData", "success": False, "status": "error"},
        {"name": "queued listener", "success": False, "status": "error"},
    ]
    assert page.evaluate(LATER) == {
        "ping": {"ok": True, "status": "error", "loaded": True},
        "get": {"ok": False, "status": "error"},
        "listener": {"ok": False, "status": "error"},
    }
    expect(page.locator(".cmp-bar")).to_have_count(0)


def test_an_origin_missing_from_allowed_origins(page, demo_site, other_origin, stub_source, cmp_server):
    origin = f"http://localhost:{other_origin[1]}"
    assert origin not in demo_site.allowed_origins
    message = open_page(page, other_origin, stub_source, cmp_server, "localhost")
    answered_with_an_error(page)
    assert '"demo"' in message
    assert origin in message
    assert "Allowed origins" in message
    assert f"{cmp_server}/admin/" in message


def test_an_api_that_cannot_be_reached_is_told_apart(page, other_origin, stub_source, cmp_server):
    unreachable = "http://127.0.0.1:9"
    message = open_page(
        page, other_origin, stub_source, cmp_server, "127.0.0.1", extra=f'data-api="{unreachable}"'
    )
    answered_with_an_error(page)
    assert f"could not reach the API at {unreachable}" in message
    assert "Allowed origins" not in message

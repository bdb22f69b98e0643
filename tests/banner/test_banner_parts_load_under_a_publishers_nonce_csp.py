"""A publisher page whose CSP allows scripts by nonce alone (no host, no 'self') gives the nonce to
the stub and to cmp.js; the parts cmp.js loads later (gpp.js for a GPP reader, prefs.js for the
preferences) carry that nonce too, so they run where an injected script would not."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NONCE = "cHVibGlzaGVyLW5vbmNl"


@pytest.fixture
def nonce_publisher(cmp_server, other_origin, stub_source, demo_site):
    root, port = other_origin
    (root / "nonce-publisher.html").write_text(
        f"""<!doctype html><html lang="en"><head><title>Publisher with a nonce CSP</title>
<meta http-equiv="Content-Security-Policy" content="script-src 'nonce-{NONCE}'">
<script nonce="{NONCE}">{stub_source}</script>
<script nonce="{NONCE}">__gpp("addEventListener", function () {{}});</script>
<script nonce="{NONCE}" src="{cmp_server}/static/consent/cmp.js" data-site="demo" async></script></head>
<body><h1>Publisher</h1></body></html>"""
    )
    return f"http://127.0.0.1:{port}/nonce-publisher.html"


def test_gpp_and_prefs_parts_run_with_the_nonce_cmp_js_was_given(page, nonce_publisher, gpp_ready):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and violations.append(message.text),
    )
    page.goto(nonce_publisher)
    expect(page.locator(".cmp-bar [data-cmp=accept]")).to_be_visible()
    # A GPP reader asked before cmp.js came: cmp.js loads gpp.js, which answers as loaded.
    ping = gpp_ready(page)
    assert ping["cmpId"] > 0
    page.click(".cmp-bar [data-cmp=customise]")
    expect(page.locator(".cmp-dlg")).to_be_visible()
    assert violations == []

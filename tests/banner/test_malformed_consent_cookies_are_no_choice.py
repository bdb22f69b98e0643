"""A consent cookie the banner cannot read (garbled, or written under the same name by another
script, for example on a sibling subdomain sharing the cookie domain) is no choice: the first layer
shows, __tcfapi answers as for a first visit, nothing throws, and the next choice is recorded as a
new visitor's, without anything from the bad cookie (docs/BANNER.md, §3)."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TCDATA = """() => new Promise(resolve => {
  const answers = {};
  const seen = (d, ok) => ({ok, status: d && d.cmpStatus, tc: d && d.tcString});
  __tcfapi('getTCData', 2, (d, ok) => { answers.get = seen(d, ok); });
  __tcfapi('addEventListener', 2, (d, ok) => {
    if (d.eventStatus === 'cmpuishown') resolve({...answers, event: seen(d, ok)});
  });
})"""

META = {
    "v": 1,
    "user_id": "a" * 40,
    "consent_id": "00000000-0000-0000-0000-000000000000",
    "categories": {"necessary": True, "analytics": True},
    "created_at": "2026-12-01T10:00:00+00:00",
}
GARBLED_META = [
    "%E0%A4%A",  # not percent-encoding: decodeURIComponent throws
    "%7Bnot%20json",  # not JSON
    quote(json.dumps(["a", "list"])),
    quote(json.dumps("a string")),
    quote(json.dumps(None)),
    quote(json.dumps({**META, "user_id": 5})),
    quote(json.dumps({**META, "categories": "all"})),
    quote(json.dumps({"v": 1})),
]


def visit_with(page, context, cmp_server, values):
    context.clear_cookies()
    context.add_cookies([{"name": n, "value": v, "url": cmp_server} for n, v in values.items()])
    page.goto(cmp_server + "/demo/")
    expect(page.locator(".cmp-bar")).to_be_visible()
    answers = page.evaluate(TCDATA)
    assert answers["get"] == {"ok": True, "status": "loaded", "tc": ""}, values
    assert answers["event"] == {"ok": True, "status": "loaded", "tc": ""}, values
    # Nothing of the bad cookie was applied: no blocked script ran.
    assert page.evaluate("window.__analyticsRan || 0") == 0, values


def next_choice_body(page):
    with page.expect_request(lambda r: r.url.endswith("/consents") and r.method == "POST") as sent:
        page.click(".cmp-bar [data-cmp=accept]")
    return json.loads(sent.value.post_data)


def test_a_garbled_or_foreign_cmp_consent_cookie_is_no_choice(page, context, cmp_server):
    for value in GARBLED_META:
        visit_with(page, context, cmp_server, {"cmp_consent": value})
    body = next_choice_body(page)
    assert "user_id" not in body
    assert "write_token" not in body
    assert page.js_errors == []


def test_a_tc_string_that_does_not_decode_undoes_the_whole_choice(page, context, cmp_server, cookies):
    # A real choice first, so that the other two cookies are this banner's own.
    page.goto(cmp_server + "/demo/")
    page.click(".cmp-bar [data-cmp=reject]")
    page.wait_for_function("() => document.cookie.includes('cmp_consent=')")
    mine = {name: c["value"] for name, c in cookies()["raw"].items() if name != "euconsent-v2"}
    real_tc = cookies()["tc"]
    for bad_tc in (
        "not base64 at all!",  # characters outside base64url
        "CQ",  # too short to hold a core segment
        "B" + real_tc[1:],  # decodes, but as TC string version 1
        real_tc.replace(".", ".!"),  # a broken DisclosedVendors segment
    ):
        visit_with(page, context, cmp_server, {**mine, "euconsent-v2": quote(bad_tc)})
    foreign_ac = {**mine, "euconsent-v2": quote(real_tc), "addtl_consent": "garbage"}
    visit_with(page, context, cmp_server, foreign_ac)
    body = next_choice_body(page)
    assert "user_id" not in body, "the id of a choice that cannot be read is not reused"
    assert page.js_errors == []

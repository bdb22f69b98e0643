"""Chromium: the banner's __gpp answers every command as the IAB reference CMP API (@iabgpp/cmpapi
3.2.0, loaded as ES modules from node_modules into a page of its own) answers for the same GPP
string, applicable sections and statuses: ping, getSection, getField, hasSection, the listener
commands, malformed parameters and unknown commands."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

CALLS = [
    ["ping"],
    ["getSection", "usnat"],
    ["getSection", "usca"],
    ["getSection", "usva"],
    ["getSection", "tcfeuv2"],
    ["getSection", ""],
    ["getField", "usnat.SaleOptOut"],
    ["getField", "usnat.SensitiveDataProcessing"],
    ["getField", "usca.KnownChildSensitiveDataConsents"],
    ["getField", "usnat.Gpc"],
    ["getField", "usnat.NoSuchField"],
    ["getField", "usnat"],
    ["getField", "usva.SaleOptOut"],
    ["hasSection", "usnat"],
    ["hasSection", "usca"],
    ["hasSection", "usva"],
    ["noSuchCommand"],
    ["addEventListener"],
    ["removeEventListener", 1000],
    ["removeEventListener", 4242],
]
ASK = """calls => calls.map(([command, parameter]) => {
  let answer = 'no callback';
  __gpp(command, (value, success) => (answer = JSON.parse(JSON.stringify([value, success]))), parameter);
  return answer;
})"""
REFERENCE_PAGE = """<!doctype html><html><head><title>Reference</title>
<script type="module">
import { CmpApi } from "./iabgpp/index.js";
window.__reference = new CmpApi(%d, 1);
</script></head><body></body></html>"""
SET_UP = """state => {
  const api = window.__reference;
  api.setSupportedAPIs(state.supportedAPIs);
  api.setApplicableSections(state.applicableSections);
  api.setGppString(state.gppString);
  api.setCmpStatus(state.cmpStatus);
  api.setCmpDisplayStatus(state.cmpDisplayStatus);
  api.setSignalStatus(state.signalStatus);
}"""


@pytest.fixture
def reference_page(context, other_origin, repo_root, demo_site):
    root, port = other_origin
    library = root / "iabgpp"
    if not library.exists():
        library.symlink_to(repo_root / "node_modules" / "@iabgpp" / "cmpapi" / "lib" / "mjs")
    (root / "gpp-reference.html").write_text(REFERENCE_PAGE % 2)
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{port}/gpp-reference.html")
    page.wait_for_function("() => !!window.__reference")
    yield page
    page.close()


@pytest.mark.parametrize("gpc", [False, True], ids=["before-choice", "gpc-opt-out"])
def test_gpp_answers_match_the_reference(
    page, reference_page, cmp_server, cloudflare, gpp_ready, gpc_on, gpc
):
    if gpc:
        page.add_init_script(
            "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
        )
    page.context.set_extra_http_headers({"CF-IPCountry": "US", "CF-Region-Code": "CA"})
    page.goto(cmp_server + "/demo/")
    gpp_ready(page)
    ours = page.evaluate(ASK, CALLS)
    assert ours[0][0]["applicableSections"] == [7, 8]
    assert ours[0][0]["parsedSections"]["usnat"]["Gpc"] is gpc
    reference_page.evaluate(SET_UP, ours[0][0])
    theirs = reference_page.evaluate(ASK, CALLS)
    assert theirs[1][0]["SaleOptOut"] == (1 if gpc else 2), "the reference read the same string"
    assert theirs[17][0]["eventName"] == "listenerRegistered"
    for call, mine, reference in zip(CALLS, ours, theirs, strict=True):
        assert mine == reference, call

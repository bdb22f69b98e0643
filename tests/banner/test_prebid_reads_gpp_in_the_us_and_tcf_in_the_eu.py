"""Chromium, Prebid.js 11 (assembled from node_modules' chunks) on a publisher page of another
origin, with a bidder (AMX, GVL 737) pointed at a local endpoint: for a Californian, Prebid's
consentManagementGpp reads our GPP string through `__gpp` and gppControl_usnat calls the bidder
until the visitor opts out (or while GPC is on); for a German, consentManagementTcf reads our TC
string and tcfControl calls the bidder after Accept All, never after Reject All. What the bidder
endpoint received is what is asserted."""

from __future__ import annotations

import pytest

from consent.models import ConsentRecord
from tests.conftest import CALIFORNIA, GERMANY

from .conftest import TEST_BIDDER, TEST_BIDDER_GVL_ID

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("cloudflare")]


def open_page(page, behind_cdn, url, headers):
    behind_cdn(page, headers)
    page.goto(url)
    page.wait_for_function(
        "() => { let p; __tcfapi('ping', 2, x => (p = x)); return p.cmpStatus === 'loaded'; }"
    )


def auction(page, bidder_endpoint):
    bidder_endpoint.clear()
    outcome = page.evaluate("runAuction()")
    return outcome, bidder_endpoint.received()


def gpp_string(page):
    return page.evaluate("() => { let p; __gpp('ping', x => (p = x)); return p.gppString; }")


def test_californian_is_bid_on_until_opting_out(page, prebid_page, bidder_endpoint, behind_cdn):
    open_page(page, behind_cdn, prebid_page(), CALIFORNIA)
    page.wait_for_function("() => { let p; __gpp('ping', x => (p = x)); return p.signalStatus === 'ready'; }")
    before = gpp_string(page)

    outcome, received = auction(page, bidder_endpoint)
    assert [r["bidder"] for r in outcome["requested"]] == [TEST_BIDDER]
    assert outcome["requested"][0]["gppConsent"]["gppString"] == before
    [request] = received
    assert request["method"] == "POST"
    # The bidder got our GPP string, with usnat (7) and usca (8) applicable, and no TCF scope.
    gpp = request["body"]["gpp"]
    assert (gpp["gppString"], gpp["applicableSections"]) == (before, [7, 8])
    assert gpp["parsedSections"]["usnat"]["SaleOptOut"] == 2
    assert request["body"]["gs"] is False
    [requested] = outcome["requested"]
    assert requested["gdprConsent"]["gdprApplies"] is False

    page.get_by_role("button", name="Do Not Sell or Share My Personal Information").click()
    page.wait_for_function(
        "() => { let v; __gpp('getField', x => (v = x), 'usnat.SaleOptOut'); return v === 1; }"
    )
    after = gpp_string(page)
    assert after != before
    assert after == ConsentRecord.objects.get().gpp_string

    outcome, received = auction(page, bidder_endpoint)
    assert received == [], "gppControl_usnat lets no bid request through after the opt-out"
    assert outcome["requested"] == []


def test_californian_with_gpc_is_never_bid_on(page, prebid_page, bidder_endpoint, behind_cdn, gpc_on):
    gpc_on(page)
    open_page(page, behind_cdn, prebid_page(), {**CALIFORNIA, "Sec-GPC": "1"})
    page.wait_for_function("() => { let p; __gpp('ping', x => (p = x)); return p.signalStatus === 'ready'; }")
    page.wait_for_function(
        "() => { let v; __gpp('getField', x => (v = x), 'usnat.Gpc'); return v === true; }"
    )
    assert ConsentRecord.objects.get().gpc is True
    outcome, received = auction(page, bidder_endpoint)
    assert received == [], "gppControl_usnat lets no bid request through with GPC on"
    assert outcome["requested"] == []


@pytest.mark.parametrize(("button", "bid_on"), [("accept", True), ("reject", False)])
def test_german_is_bid_on_only_after_accept_all(
    page, prebid_page, bidder_endpoint, behind_cdn, button, bid_on
):
    open_page(page, behind_cdn, prebid_page(), GERMANY)
    page.locator(f"[data-cmp={button}]").click()
    page.wait_for_function("() => !!(__cmp.consent().meta || {}).consent_id")
    tc_string = ConsentRecord.objects.select_related("choice").get().tc_string

    outcome, received = auction(page, bidder_endpoint)
    assert outcome["metadata"]["gdpr"]["consentStringSize"] > 0
    if not bid_on:
        assert received == [], "tcfControl lets no bid request through without consent to purpose 2"
        return
    [request] = received
    assert (request["body"]["gs"], request["body"]["gc"]) == (True, tc_string)
    [requested] = outcome["requested"]
    assert requested["gdprConsent"]["vendorData"]["vendor"]["consents"][str(TEST_BIDDER_GVL_ID)] is True

"""Prebid.js 11 from npm (consentManagementTcf and tcfControl) reads the banner's __tcfapi and hands
the TC string to a test bidder with a real GVL id (32, Xandr: consent for purposes 1, 3, 4 and
legitimate interest for 2, 7, 10), whose endpoint this test serves. Whatever the consent API does,
no bid request and no user sync may carry a string the visitor's last click replaced:

* normal: Accept All, then Reject All; each auction carries the string recorded for the last click,
  and only the Accept-All page fires the user sync (purpose 1 consent);
* outage: the consent POST answers 503 when the visitor switches from Accept All to Reject All; the
  bidder gets the Reject-All string the server pre-issued with the banner document at once, also
  after a reload, no user sync fires, and once the API is back the recorded string replaces it;
* a first choice that is still pending answers Prebid's listener on the next page view at once.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from consent.models import ConsentRecord

from .conftest import bid_adapter_script

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MODULES = ("consentManagementTcf", "tcfControl")
GVL_ID = 32
CONSENTS = "**/api/v1/sites/demo/consents"
CONFIG = {
    "consentManagement": {"gdpr": {"cmpApi": "iab", "timeout": 20000, "defaultGdprScope": True}},
    "userSync": {"syncDelay": 0, "filterSettings": {"image": {"bidders": "*", "filter": "include"}}},
}
AD_UNITS = [
    {"code": "slot", "mediaTypes": {"banner": {"sizes": [[300, 250]]}}, "bids": [{"bidder": "cmptest"}]}
]


class Bidder:
    """What the test bidder's endpoint (bidder_endpoint) received: bid requests and user syncs."""

    def __init__(self, endpoint) -> None:
        self.endpoint = endpoint
        self.base = endpoint.url.rsplit("/", 1)[0]

    def bids(self) -> list[dict[str, str]]:
        return [r["query"] for r in self.endpoint.received() if r["path"] == "/bid"]

    def syncs(self) -> list[dict[str, str]]:
        return [r["query"] for r in self.endpoint.received() if r["path"] == "/sync"]


@pytest.fixture
def test_bidder(bidder_endpoint):
    return Bidder(bidder_endpoint)


@pytest.fixture
def publisher(prebid_page, test_bidder):
    return prebid_page(
        CONFIG,
        modules=MODULES,
        name="prebid-tcf.html",
        ad_units=AD_UNITS,
        head=bid_adapter_script("cmptest", GVL_ID, test_bidder.base),
    )


def auction(page, bidder) -> dict[str, str]:
    """Runs one Prebid auction; returns the query of the bid request it sent to the test bidder."""
    before = len(bidder.bids())
    requested = page.evaluate("runAuction()")["requested"]
    assert [r["bidder"] for r in requested] == ["cmptest"], "Prebid called the test bidder"
    bids = bidder.bids()
    assert len(bids) == before + 1
    return bids[-1]


def settled_syncs(page, bidder) -> list[dict[str, str]]:
    """The user syncs received once the page's network is idle (syncDelay 0: fired at auction end)."""
    page.wait_for_load_state("networkidle")
    return bidder.syncs()


def wait_for_sync(bidder) -> dict[str, str]:
    deadline = time.monotonic() + 15
    while not bidder.syncs() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert bidder.syncs(), "the user sync fired"
    return bidder.syncs()[-1]


def tc_cookie(cookies) -> str:
    return cookies()["tc"]


def recorded_choice(cookies) -> ConsentRecord:
    """The record the consent cookie names; its TC string is the cookie's."""
    jar = cookies()
    record = ConsentRecord.objects.get(consent_id=jar["meta"]["consent_id"])
    assert record.tc_string == jar["tc"]
    return record


def reject_from_preferences(page) -> None:
    page.click("[data-cmp=revisit]")
    page.click(".cmp-dlg [data-cmp=reject]")


def test_bidders_get_the_string_of_the_last_recorded_choice(page, publisher, test_bidder, cookies):
    page.goto(publisher)
    page.click(".cmp-bar [data-cmp=accept]")
    page.wait_for_function("() => document.cookie.includes('euconsent-v2=')")
    accepted = tc_cookie(cookies)
    bid = auction(page, test_bidder)
    assert (bid["gdpr"], bid["gdpr_consent"]) == ("1", accepted)
    assert wait_for_sync(test_bidder)["gdpr_consent"] == accepted

    reject_from_preferences(page)
    page.wait_for_function("s => !document.cookie.includes(s)", arg=accepted)
    rejected = tc_cookie(cookies)
    assert recorded_choice(cookies).action == "reject_all"
    # Purpose 2 stands on legitimate interest: the bidder still bids, with the new string.
    assert auction(page, test_bidder)["gdpr_consent"] == rejected

    page.reload()
    syncs_before = len(test_bidder.syncs())
    assert auction(page, test_bidder)["gdpr_consent"] == rejected
    assert settled_syncs(page, test_bidder)[syncs_before:] == [], "no user sync without purpose 1 consent"


def test_an_unrecorded_reject_all_reaches_bidders_at_once_and_after_a_reload(
    page, publisher, test_bidder, cookies, reference_tcdata
):
    page.goto(publisher)
    page.click(".cmp-bar [data-cmp=accept]")
    page.wait_for_function("() => document.cookie.includes('euconsent-v2=')")
    accepted = tc_cookie(cookies)
    assert auction(page, test_bidder)["gdpr_consent"] == accepted
    wait_for_sync(test_bidder)
    syncs_before_outage = len(test_bidder.syncs())
    bids_before_outage = len(test_bidder.bids())

    statuses: list[int] = []
    page.route(CONSENTS, lambda route: (statuses.append(503), route.fulfill(status=503, body="{}")))
    reject_from_preferences(page)
    page.wait_for_function("() => !!localStorage.getItem('cmp_pending_demo')")
    assert statuses == [503]
    assert tc_cookie(cookies) == accepted, "the cookies keep the last recorded choice"
    pre_issued = page.evaluate("JSON.parse(localStorage.getItem('cmp_pending_demo')).tc")
    assert pre_issued
    assert pre_issued != accepted
    assert page.evaluate("new Promise(r => __tcfapi('getTCData', 2, d => r(d.tcString)))") == pre_issued
    assert auction(page, test_bidder)["gdpr_consent"] == pre_issued

    page.reload()
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()
    assert auction(page, test_bidder)["gdpr_consent"] == pre_issued
    assert settled_syncs(page, test_bidder)[syncs_before_outage:] == [], "no user sync after Reject All"
    assert not ConsentRecord.objects.filter(action="reject_all").exists()

    page.unroute(CONSENTS)
    assert page.evaluate("window.__cmp.retryPending()") is True
    recorded = tc_cookie(cookies)
    assert recorded_choice(cookies).action == "reject_all"
    assert auction(page, test_bidder)["gdpr_consent"] == recorded

    after_click = [b["gdpr_consent"] for b in test_bidder.bids()[bids_before_outage:]]
    assert accepted not in after_click, "no bidder received the string the click replaced"
    assert [s["gdpr_consent"] for s in test_bidder.syncs()[syncs_before_outage:]] == []
    # The pre-issued string says what the recorded one says (they differ at most in their dates).
    interim, final = reference_tcdata([pre_issued, recorded])
    for field in ("purpose", "vendor", "specialFeatureOptins", "publisher", "policyVersion"):
        assert interim.get(field) == final.get(field), field


def test_a_pending_first_choice_answers_listeners_on_the_next_page(page, publisher, test_bidder):
    page.route(CONSENTS, lambda route: route.fulfill(status=503, body="{}"))
    page.goto(publisher)
    page.click(".cmp-bar [data-cmp=reject]")
    page.wait_for_function("() => !!localStorage.getItem('cmp_pending_demo')")
    pre_issued = page.evaluate("JSON.parse(localStorage.getItem('cmp_pending_demo')).tc")
    assert pre_issued

    page.reload()
    page.evaluate(
        "() => { window.__heard = []; __tcfapi('addEventListener', 2, d => __heard.push(d.eventStatus)); }"
    )
    assert page.evaluate("window.__heard") == ["tcloaded"], "answered at once"
    bid = auction(page, test_bidder)
    assert (bid["gdpr"], bid["gdpr_consent"]) == ("1", pre_issued)
    assert settled_syncs(page, test_bidder) == []
    expect(page.locator(".cmp-bar")).to_have_count(0)

"""Accept All / Reject All on the first layer: the cookie, the TCData the CMP API reports, the IAB
reference decoding of that cookie and the stored record all agree."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from consent.models import ConsentRecord

pytestmark = pytest.mark.browser

CHROMIUM_MAX_COOKIE_DAYS = 400


@pytest.mark.parametrize(("button", "action"), [("accept", "accept_all"), ("reject", "reject_all")])
def test_first_layer_choice_sets_cookie_equal_to_reported_tcdata(
    open_demo, tcf_events, cookies, reference_tcdata, string_fields, button, action
):
    page = open_demo()
    bar = page.locator(".cmp-bar")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("partners")
    tcf_events()
    shown = tcf_events.wait_for("cmpuishown")
    assert shown["gdprApplies"] is True
    assert shown["tcString"] == ""
    assert page.evaluate("window.__analyticsRan") is None

    page.click(f".cmp-bar [data-cmp={button}]")
    done = tcf_events.wait_for("useractioncomplete")

    jar = cookies()
    assert jar["tc"], "euconsent-v2 was not written"
    assert done["tcString"] == jar["tc"]
    assert done["addtlConsent"] == jar["ac"]
    assert done["cmpStatus"] == "loaded"
    reference = reference_tcdata([jar["tc"]])[0]
    assert string_fields(done) == reference

    # 730 days asked; Chromium caps any cookie at 400 days (cmp.js rewrites it on each visit).
    lifetime = jar["raw"]["euconsent-v2"]["expires"] - time.time()
    assert abs(lifetime - min(730, CHROMIUM_MAX_COOKIE_DAYS) * 86400) < 120
    assert jar["raw"]["euconsent-v2"]["sameSite"] == "Lax"

    record = ConsentRecord.objects.get(consent_id=jar["meta"]["consent_id"])
    assert record.action == action
    assert record.tc_string == jar["tc"]
    assert record.ac_string == jar["ac"]
    assert record.user_id == jar["meta"]["user_id"]

    consents = {int(k) for k, v in reference["purpose"]["consents"].items() if v}
    vendor_consents = {int(k) for k, v in reference["vendor"]["consents"].items() if v}
    consented_atps, _, disclosed_atps = jar["ac"].removeprefix("2~").partition("~dv.")
    if action == "accept_all":
        assert consents == set(range(1, 12))
        assert 755 in vendor_consents
        assert consented_atps
        assert not disclosed_atps
        assert all(jar["meta"]["categories"].values())
    else:
        assert consents == set()
        assert vendor_consents == set()
        assert consented_atps == ""
        assert disclosed_atps
        assert not any(v for k, v in jar["meta"]["categories"].items() if k != "necessary")
    assert reference["vendor"]["disclosedVendors"], "TCF 2.3 needs the disclosed-vendors segment"

    expect(bar).to_have_count(0)
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()

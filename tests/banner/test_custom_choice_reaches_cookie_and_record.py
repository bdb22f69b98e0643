"""A custom choice made in the three preference tabs ends up exactly in the TC string, the AC
string, the category cookie and the stored consent record."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consent.models import ConsentRecord

pytestmark = pytest.mark.browser

PURPOSES = (2, 4)
OBJECTED_PURPOSE = 7


def _switch(page, key: str, which: int = 0):
    return page.locator(f"[data-key='{key}'] input[role=switch]").nth(which)


def test_custom_choice_in_three_tabs(open_demo, tcf_events, cookies, reference_tcdata, string_fields):
    page = open_demo()
    tcf_events()
    page.click(".cmp-bar [data-cmp=customise]")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()

    # Tab 1: cookie categories.
    expect(page.locator("[data-key='c-necessary']")).to_contain_text("Always Active")
    _switch(page, "c-analytics").check()

    # Tab 2: purposes, with one legitimate-interest objection.
    page.get_by_role("tab", name="Purposes & Features").click()
    for purpose in PURPOSES:
        _switch(page, f"p{purpose}").check()
    li_toggle = _switch(page, f"p{OBJECTED_PURPOSE}", 1)
    expect(li_toggle).to_be_checked()
    li_toggle.uncheck()

    # Tab 3: three TCF vendors and one Google ATP.
    page.get_by_role("tab", name="Vendors").click()
    expect(page.locator("[data-key='v755']")).to_be_visible()
    catalogue = page.evaluate("fetch('/api/v1/sites/demo/vendors?lang=en').then(r => r.json())")
    vendor_ids = [755, *[v["id"] for v in catalogue["vendors"] if v["id"] != 755][:2]]
    atp_id = catalogue["atps"][0]["id"]
    google = next(v["name"] for v in catalogue["vendors"] if v["id"] == 755)
    page.get_by_role("searchbox").fill(google.upper())
    expect(page.locator("[data-key='v755']")).to_be_visible()
    expect(page.locator(f"[data-key='v{vendor_ids[1]}']")).to_be_hidden()
    page.get_by_role("searchbox").fill("")
    for vendor_id in vendor_ids:
        _switch(page, f"v{vendor_id}").check()
    _switch(page, f"a{atp_id}").check()

    page.click(".cmp-dlg [data-cmp=save]")
    done = tcf_events.wait_for("useractioncomplete")
    jar = cookies()
    reference = reference_tcdata([jar["tc"]])[0]
    assert string_fields(done) == reference

    def true_ids(vector):
        return {int(k) for k, v in vector.items() if v}

    assert true_ids(reference["purpose"]["consents"]) == set(PURPOSES)
    li_purposes = true_ids(reference["purpose"]["legitimateInterests"])
    assert OBJECTED_PURPOSE not in li_purposes
    assert li_purposes, "the purposes not objected to keep their legitimate interest"
    assert true_ids(reference["vendor"]["consents"]) == set(vendor_ids)
    assert true_ids(reference["specialFeatureOptins"]) == set()
    assert jar["ac"].startswith(f"2~{atp_id}~dv.")
    assert f".{atp_id}." not in jar["ac"] + "."
    assert jar["meta"]["categories"]["analytics"] is True
    assert not any(v for k, v in jar["meta"]["categories"].items() if k not in ("analytics", "necessary"))

    record = ConsentRecord.objects.get(consent_id=jar["meta"]["consent_id"])
    assert record.action == "custom"
    assert sorted(record.purpose_consents) == sorted(PURPOSES)
    assert record.purpose_li_objections == [OBJECTED_PURPOSE]
    assert sorted(record.vendor_consents) == sorted(vendor_ids)
    assert record.atp_consents == [atp_id]
    assert record.categories["analytics"] is True
    assert record.tc_string == jar["tc"]
    assert record.ac_string == jar["ac"]
    assert page.evaluate("window.__analyticsRan") == 1
    # Google's consent without purpose 1 (storage on the device): its tag may not run (docs/BANNER.md §6).
    assert page.evaluate("window.__vendor755Ran") is None


def test_carried_over_choice_drops_vendors_the_site_no_longer_shows(
    open_demo, context, demo_site, tcf_events, cookies
):
    from vendors.models import Vendor

    page = open_demo()
    page.click(".cmp-bar [data-cmp=accept]")
    page.wait_for_function("() => document.cookie.includes('euconsent-v2=')")
    google = Vendor.objects.get(id=755)
    google.enabled = False  # switched off in the admin
    google.save()
    demo_site.save()  # the banner's caches are keyed by the site's last change
    context.new_cdp_session(page).send("Network.clearBrowserCache")

    page.reload()
    expect(page.locator(".cmp-bar")).to_be_visible()  # the vendor set changed: ask again
    tcf_events()
    page.click(".cmp-bar [data-cmp=customise]")
    page.get_by_role("tab", name="Vendors").click()
    expect(page.locator("[data-key='v1']")).to_be_visible()
    expect(page.locator("[data-key='v755']")).to_have_count(0)
    page.click(".cmp-dlg [data-cmp=save]")
    tcf_events.wait_for("useractioncomplete")
    record = ConsentRecord.objects.get(consent_id=cookies()["meta"]["consent_id"])
    assert record.action == "custom"
    assert 755 not in record.vendor_consents
    assert 1 in record.vendor_consents, "the earlier consents are carried over"

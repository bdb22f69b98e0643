"""TCF v2.4 in the banner: a vendor declaring only special purposes is listed among the vendors with
a note and no switch; a consent-only vendor has only a consent switch; an LI vendor has an LI
switch. After Accept All, TCData discloses all three and gives the special-purpose-only vendor no
bit, exactly as @iabtechlabtcf/core decodes the string."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CONSENT_AND_SPECIAL, LI_AND_SPECIAL, SPECIAL_ONLY = 1, 8, 56  # kinds asserted in tests/consent


def test_vendor_kinds_in_the_vendor_list_and_tcdata(open_demo, tcf_events, cookies, reference_tcdata):
    page = open_demo()
    tcf_events()
    page.click(".cmp-bar [data-cmp=customise]")
    page.get_by_role("tab", name="Vendors").click()
    special = page.locator(f"[data-key='v{SPECIAL_ONLY}']")
    expect(special).to_be_visible()
    expect(special.locator("input[role=switch]")).to_have_count(0)
    expect(special.locator("[data-cmp=transparency]")).to_have_text("No choice: special purposes only")
    consent_only = page.locator(f"[data-key='v{CONSENT_AND_SPECIAL}'] input[role=switch]")
    expect(consent_only).to_have_count(1)
    expect(consent_only).to_have_attribute("aria-label", re.compile(r"^Consent: "))
    li_switches = page.locator(f"[data-key='v{LI_AND_SPECIAL}'] input[role=switch]")
    expect(li_switches.last).to_have_attribute("aria-label", re.compile(r"^Legitimate Interest: "))

    page.click(".cmp-dlg [data-cmp=accept]")
    done = tcf_events.wait_for("useractioncomplete")
    vendor = done["vendor"]
    assert vendor["disclosedVendors"][str(SPECIAL_ONLY)] is True
    assert vendor["consents"][str(SPECIAL_ONLY)] is False
    assert vendor["legitimateInterests"][str(SPECIAL_ONLY)] is False
    assert vendor["legitimateInterests"][str(CONSENT_AND_SPECIAL)] is False
    assert vendor["legitimateInterests"][str(LI_AND_SPECIAL)] is True
    assert vendor == reference_tcdata([cookies()["tc"]])[0]["vendor"]

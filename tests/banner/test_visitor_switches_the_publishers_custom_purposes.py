"""Chromium: the publisher's own custom purposes on consent each get a switch in the preferences'
purposes tab, in the publisher's words; what the visitor switches is what the PublisherTC segment's
custom purpose consents say, decoded by the IAB reference library (@iabtechlabtcf/core), and the
switches show the stored choice when the preferences reopen. Custom purposes on legitimate interest
have no consent switch and stay set."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consent.models import ConsentRecord
from sites.restrictions import add_custom_purpose

pytestmark = pytest.mark.browser


def true_ids(vector):
    return sorted(int(k) for k, v in vector.items() if v)


@pytest.fixture
def custom_purposes(demo_site):
    newsletter = add_custom_purpose(
        demo_site, "Personalised newsletter", "We pick articles for you.", "consent"
    )
    events = add_custom_purpose(demo_site, "Event invitations", "We invite you to our events.", "consent")
    fraud = add_custom_purpose(
        demo_site, "Fraud prevention", "We check orders for fraud.", "legitimate_interest"
    )
    return newsletter.number, events.number, fraud.number


CONSENT_ID = "() => (__cmp.consent().meta || {}).consent_id || null"


def wait_for_new_consent(page, previous=None):
    page.wait_for_function(f"p => ({CONSENT_ID})() && ({CONSENT_ID})() !== p", arg=previous)
    return ConsentRecord.objects.select_related("choice").get(consent_id=page.evaluate(CONSENT_ID))


def save_custom_choice(page, tcf_events, switch_on):
    page.get_by_role("tab", name="Purposes & Features").click()
    for name in switch_on:
        page.get_by_role("switch", name=f"Consent: {name}").check()
    page.click(".cmp-dlg [data-cmp=save]")
    return tcf_events.wait_for("useractioncomplete")


def test_custom_purpose_switches_reach_the_publisher_tc_segment(
    open_demo, tcf_events, cookies, reference_tcdata, custom_purposes
):
    newsletter, events, fraud = custom_purposes
    page = open_demo()
    tcf_events()
    page.click(".cmp-bar [data-cmp=customise]")
    page.get_by_role("tab", name="Purposes & Features").click()
    item = page.locator(f"[data-key='cp{newsletter}']")
    expect(item).to_contain_text("Personalised newsletter")
    item.get_by_role("button", name="Personalised newsletter").click()
    expect(item).to_contain_text("We pick articles for you.")
    expect(page.locator(f"[data-key='cp{fraud}']")).to_have_count(0)
    expect(page.get_by_role("switch", name="Consent: Event invitations")).not_to_be_checked()

    done = save_custom_choice(page, tcf_events, ["Personalised newsletter"])
    reference = reference_tcdata([cookies()["tc"]])[0]
    custom = reference["publisher"]["customPurpose"]
    assert true_ids(custom["consents"]) == [newsletter]
    assert true_ids(custom["legitimateInterests"]) == [fraud]
    assert done["publisher"]["customPurpose"] == custom, "__tcfapi says what the string says"
    record = ConsentRecord.objects.select_related("choice").get()
    assert (record.action, record.tc_string) == ("custom", cookies()["tc"])

    # Reopened: the switch shows the stored choice; switching the other one on adds it.
    first = page.evaluate(CONSENT_ID)
    page.click("[data-cmp=revisit]")
    page.get_by_role("tab", name="Purposes & Features").click()
    expect(page.get_by_role("switch", name="Consent: Personalised newsletter")).to_be_checked()
    page.get_by_role("switch", name="Consent: Event invitations").check()
    page.click(".cmp-dlg [data-cmp=save]")
    latest = wait_for_new_consent(page, first)
    again = reference_tcdata([latest.tc_string])[0]["publisher"]["customPurpose"]
    assert true_ids(again["consents"]) == [newsletter, events]
    assert latest.tc_string == cookies()["tc"]


def test_accept_all_consents_to_every_custom_purpose_and_reject_all_to_none(
    open_demo, cookies, reference_tcdata, custom_purposes
):
    newsletter, events, fraud = custom_purposes
    page = open_demo()
    page.click(".cmp-bar [data-cmp=accept]")
    accepted = wait_for_new_consent(page)
    custom = reference_tcdata([accepted.tc_string])[0]["publisher"]["customPurpose"]
    assert true_ids(custom["consents"]) == [newsletter, events]
    page.click("[data-cmp=revisit]")
    page.click(".cmp-dlg [data-cmp=reject]")
    rejected = wait_for_new_consent(page, str(accepted.consent_id))
    custom = reference_tcdata([rejected.tc_string])[0]["publisher"]["customPurpose"]
    assert (true_ids(custom["consents"]), true_ids(custom["legitimateInterests"])) == ([], [fraud])

"""Script blocking by category: nothing runs before consent or after a refusal, the script runs
once Analytics is accepted, at once on the next page view, and a withdrawal from the revisit
button is recorded and stops it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consent.models import ConsentRecord

pytestmark = pytest.mark.browser

ANALYTICS_REFUSED_IN_COOKIE = """() => {
  const raw = (document.cookie.match(/cmp_consent=([^;]*)/) || [])[1];
  return !!raw && JSON.parse(decodeURIComponent(raw)).categories.analytics === false;
}"""


def test_analytics_script_follows_the_analytics_choice(open_demo, cookies, cmp_ping):
    page = open_demo()
    assert page.evaluate("window.__analyticsRan") is None
    page.click(".cmp-bar [data-cmp=reject]")
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()
    assert page.evaluate("window.__analyticsRan") is None
    assert page.evaluate("window.__vendor755Ran") is None

    # Revisit: allow Analytics only.
    page.click("[data-cmp=revisit]")
    page.locator("[data-key='c-analytics'] input[role=switch]").check()
    assert page.evaluate("window.__analyticsRan") is None
    page.click(".cmp-dlg [data-cmp=save]")
    page.wait_for_function("() => window.__analyticsRan === 1")
    expect(page.locator("#analytics-state")).to_have_text("ran")
    assert page.evaluate("window.__vendor755Ran") is None, "Google has no vendor consent"
    user_id = cookies()["meta"]["user_id"]

    # A new page view: the script runs without any click and the banner stays closed.
    page.reload()
    page.wait_for_function("() => window.__analyticsRan === 1")
    cmp_ping.wait_loaded(page)
    expect(page.locator(".cmp-bar")).to_have_count(0)
    # The stored choice applies before the configuration arrives; once it has confirmed that
    # nothing asks again, the CMP says its UI will not be shown on this page.
    page.wait_for_function(
        "() => { let p; __tcfapi('ping', 2, r => (p = r)); return p.displayStatus === 'disabled'; }"
    )
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()

    # Withdrawal from the revisit button.
    page.click("[data-cmp=revisit]")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.click("[data-cmp=withdraw]")
    page.wait_for_function(ANALYTICS_REFUSED_IN_COOKIE)
    actions = list(
        ConsentRecord.objects.filter(user_id=user_id).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["reject_all", "custom", "withdraw"]
    withdrawal = ConsentRecord.objects.filter(user_id=user_id).order_by("-id").first()
    assert withdrawal.purpose_consents == []
    assert withdrawal.vendor_consents == []
    assert cookies()["tc"] == withdrawal.tc_string

    page.reload()
    cmp_ping.wait_loaded(page)
    assert page.evaluate("window.__analyticsRan") is None
    expect(page.locator(".cmp-bar")).to_have_count(0)


def test_banner_returns_when_the_privacy_policy_changes(open_demo, context, demo_site, tcf_events, cmp_ping):
    page = open_demo()
    page.click(".cmp-bar [data-cmp=accept]")
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()
    page.reload()
    cmp_ping.wait_loaded(page)
    expect(page.locator(".cmp-bar")).to_have_count(0)

    demo_site.policy_version = "2"
    demo_site.save()
    # Browsers keep the banner document for CMP_BANNER_MAX_AGE; a visitor arriving later sees the change.
    context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.reload()
    cmp_ping.wait_loaded(page)
    expect(page.locator(".cmp-bar")).to_be_visible()
    tcf_events()
    shown = tcf_events.wait_for("cmpuishown")
    assert shown["tcString"], "the previous signal stays readable until the visitor decides again"
    page.click(".cmp-bar [data-cmp=customise]")
    expect(page.locator("[data-key='c-analytics'] input[role=switch]")).to_be_checked()

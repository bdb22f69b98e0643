"""The vendor list (`GET /vendors`, 600 kB raw) is fetched when the visitor opens the Vendors tab,
not when the preferences open nor when a first choice is saved from another tab; the first layer
and the preferences dialog's own script (prefs.js) load without it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_no_vendor_request_before_the_vendors_tab(open_demo, cookies):
    page = open_demo()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    vendor_requests = lambda: [u for u in requested if "/vendors" in u]  # noqa: E731

    page.click(".cmp-bar [data-cmp=customise]")
    dialog = page.locator(".cmp-dlg")
    expect(dialog).to_be_visible()
    assert any(u.endswith("/static/consent/prefs.js") for u in requested), "the dialog's part loads on use"
    page.get_by_role("tab", name="Purposes & Features").click()
    expect(dialog.locator("[data-key='p1']")).to_be_visible()
    assert vendor_requests() == []

    page.get_by_role("tab", name="Vendors").click()
    expect(dialog.locator("[data-key='v755']")).to_have_count(1)
    assert len(vendor_requests()) == 1


def test_a_first_choice_saved_from_the_purposes_tab_needs_no_vendor_list(open_demo, cookies):
    page = open_demo()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.click(".cmp-bar [data-cmp=customise]")
    page.get_by_role("tab", name="Purposes & Features").click()
    page.locator("[data-key='p1'] input[role=switch]").first.check()
    page.click(".cmp-dlg [data-cmp=save]")
    page.wait_for_function("() => document.cookie.includes('euconsent-v2=')")
    assert cookies()["tc"]
    assert [u for u in requested if "/vendors" in u] == []

"""The preferences dialog is a part of its own (prefs.js): a first layer that is only read or
answered never loads it; pointing at Customise (or focusing it) fetches it ahead of the click,
without opening anything; the click then opens the dialog."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_prefs_part_loads_on_intent_and_not_before(open_demo, cookies):
    page = open_demo()
    loaded = lambda: page.evaluate(  # noqa: E731
        "() => performance.getEntriesByType('resource').some(e => e.name.endsWith('/consent/prefs.js'))"
    )
    assert not loaded(), "the first layer alone does not load the dialog"
    with page.expect_request("**/static/consent/prefs.js"):
        page.hover(".cmp-bar [data-cmp=customise]")
    expect(page.locator(".cmp-dlg")).to_have_count(0)
    page.click(".cmp-bar [data-cmp=customise]")
    expect(page.locator(".cmp-dlg")).to_be_visible()


def test_a_first_layer_choice_never_loads_the_dialog(open_demo, cookies):
    page = open_demo()
    page.click(".cmp-bar [data-cmp=reject]")
    page.wait_for_function("() => document.cookie.includes('euconsent-v2=')")
    assert not page.evaluate(
        "() => performance.getEntriesByType('resource').some(e => e.name.includes('prefs.js'))"
    )

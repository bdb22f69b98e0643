"""Keyboard-only use and an axe-core scan of the first layer and of the preferences dialog.

Documented behaviour (docs/BANNER.md): the first layer does not trap focus and has no close control
(a choice is needed to dismiss it); the preferences dialog traps focus, Escape or its close button
closes it without saving and returns focus to the control that opened it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FOCUSABLES = """sel => Array.from(
    document.querySelector(sel).querySelectorAll('a[href],button,input,select,textarea,[tabindex]'))
  .filter(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length)
  .map((e, i) => { e.dataset.kbd = String(i); return i; }).length"""
ACTIVE = "() => document.activeElement && document.activeElement.dataset.kbd"


def _axe(page, axe_path, context_selector):
    # Evaluated through the DevTools protocol rather than add_script_tag: the demo page's CSP (rightly)
    # refuses inline scripts it did not list, and the banner should be checked under that CSP.
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_path.read_text())
    result = page.evaluate(
        "sel => axe.run(document.querySelector(sel)).then(r => r.violations)", context_selector
    )
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def test_first_layer_keyboard_order_and_axe(open_demo, axe_path):
    page = open_demo()
    expect(page.locator(".cmp-bar")).to_be_visible()
    count = page.evaluate(FOCUSABLES, ".cmp-bar")
    assert count >= 4  # show purposes, customise, reject all, accept all (+ privacy policy link)
    # The banner is first in the document: Tab from the top of the page walks its controls in order.
    seen = []
    for _ in range(count):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(ACTIVE))
    assert seen == [str(i) for i in range(count)]
    texts = page.locator(".cmp-bar .cmp-btns button").all_text_contents()
    assert texts == ["Customise", "Reject All", "Accept All"]

    assert _axe(page, axe_path, "body") == []

    # Enter on Customise opens the preferences with focus inside; Escape returns to the first layer.
    page.locator(".cmp-bar [data-cmp=customise]").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "tab"
    page.keyboard.press("Escape")
    expect(page.locator(".cmp-dlg")).to_have_count(0)
    expect(page.locator(".cmp-bar")).to_be_visible()
    assert page.evaluate("document.activeElement.dataset.cmp") == "customise"


def test_preferences_trap_focus_and_pass_axe(open_demo, axe_path):
    page = open_demo()
    page.locator(".cmp-bar [data-cmp=customise]").focus()
    page.keyboard.press("Enter")
    dialog = page.locator(".cmp-dlg")
    expect(dialog).to_be_visible()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "tab"

    # Arrow keys move between tabs (WAI-ARIA tabs pattern); Tab walks every control in order and wraps.
    for name in ("Purposes & Features", "Vendors", "Cookie Categories"):
        page.keyboard.press("ArrowRight")
        assert page.evaluate("document.activeElement.textContent") == name
        expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")
    for tab in ("Purposes & Features", "Cookie Categories"):
        page.get_by_role("tab", name=tab).click()
        count = page.evaluate(FOCUSABLES, ".cmp-dlg")
        # From the first control of the dialog (the language switch, then the close control).
        page.locator(".cmp-dlg [data-kbd='0']").focus()
        seen = []
        for _ in range(count):
            seen.append(page.evaluate(ACTIVE))
            page.keyboard.press("Tab")
        assert seen == [str(i) for i in range(count)], tab
        assert page.evaluate(ACTIVE) == "0", "Tab from the last control wraps to the first"
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(ACTIVE) == str(count - 1)

    # Space toggles a switch; Enter expands an accordion.
    analytics = page.locator("[data-key='c-analytics'] input[role=switch]")
    analytics.focus()
    page.keyboard.press("Space")
    expect(analytics).to_be_checked()
    page.locator("[data-key='c-analytics'] .cmp-acc").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-key='c-analytics'] .cmp-acc")).to_have_attribute("aria-expanded", "true")

    assert _axe(page, axe_path, ".cmp-dlg") == []
    page.get_by_role("tab", name="Purposes & Features").click()
    page.locator("[data-key='p1'] .cmp-acc").click()
    assert _axe(page, axe_path, ".cmp-dlg") == []
    page.get_by_role("tab", name="Vendors").click()
    expect(page.locator("[data-key='v755']")).to_be_visible()
    page.locator("[data-key='v755'] .cmp-acc").click()
    assert _axe(page, axe_path, ".cmp-dlg") == []

    # The close control behaves like Escape.
    page.click(".cmp-dlg [data-cmp=close]")
    expect(dialog).to_have_count(0)
    assert page.evaluate("document.activeElement.dataset.cmp") == "customise"


def test_site_that_blocks_the_page_until_a_choice(open_demo, demo_site, axe_path):
    demo_site.block_page_until_choice = True
    demo_site.save()
    page = open_demo()
    bar = page.get_by_role("dialog")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("aria-modal", "true")
    assert page.evaluate("!!document.activeElement.closest('.cmp-bar')"), "focus starts in the banner"
    count = page.evaluate(FOCUSABLES, ".cmp-bar")
    first = page.evaluate(ACTIVE)
    for _ in range(count):
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('.cmp-bar')"), "focus stays in the banner"
    assert page.evaluate(ACTIVE) == first
    assert _axe(page, axe_path, "body") == []
    page.keyboard.press("Escape")
    expect(bar).to_be_visible()  # no choice, no way around it
    page.click(".cmp-bar [data-cmp=reject]")
    expect(page.locator(".cmp-ov")).to_have_count(0)

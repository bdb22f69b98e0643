"""WCAG 2.4.3 (focus order): after a choice the banner or dialog that held the focus is gone, and
the focus moves on instead of dropping to <body> (docs/BANNER.md, "Keyboard and accessibility"):
back to what opened the preferences, else to the revisit button that takes the banner's place at
the top of the tab order, else (revisit button switched off) to the page's own data-cmp-open
control. Every choice here is made with the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FOCUSED = "() => { const e = document.activeElement; return e.dataset.cmp || e.textContent.trim(); }"


def press(page, selector):
    page.locator(selector).focus()
    page.keyboard.press("Enter")


def focused_on(page, what):
    page.wait_for_function(f"() => ({FOCUSED})() === {what!r}")
    expect(page.locator(".cmp-bar, .cmp-dlg")).to_have_count(0)


def chosen(page):
    page.wait_for_function("() => document.cookie.includes('cmp_consent=')")


@pytest.mark.parametrize("button", ["accept", "reject"])
def test_a_first_layer_choice_moves_focus_to_the_revisit_button(open_demo, button):
    page = open_demo()
    press(page, f".cmp-bar [data-cmp={button}]")
    focused_on(page, "revisit")
    chosen(page)
    # The revisit button sits where the banner was: the next Tab enters the page itself.
    page.keyboard.press("Tab")
    assert page.evaluate("!document.activeElement.closest('#cmp-root')")


@pytest.mark.parametrize("button", ["accept", "reject", "save"])
def test_a_choice_in_the_dialog_opened_from_the_first_layer_moves_focus_to_the_revisit_button(
    open_demo, button
):
    page = open_demo()
    press(page, ".cmp-bar [data-cmp=customise]")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.locator("[data-key='c-analytics'] input[role=switch]").focus()
    page.keyboard.press("Space")
    press(page, f".cmp-dlg [data-cmp={button}]")
    focused_on(page, "revisit")
    chosen(page)


@pytest.mark.parametrize("button", ["accept", "reject", "save"])
def test_a_dialog_choice_returns_focus_to_what_opened_it(open_demo, button):
    page = open_demo()
    press(page, ".cmp-bar [data-cmp=reject]")
    chosen(page)
    # Reopened with the revisit button, then with the page's own "Cookie settings" link.
    press(page, "[data-cmp=revisit]")
    expect(page.get_by_role("dialog")).to_be_visible()
    press(page, f".cmp-dlg [data-cmp={button}]")
    focused_on(page, "revisit")
    press(page, "a[data-cmp-open]")
    expect(page.get_by_role("dialog")).to_be_visible()
    press(page, f".cmp-dlg [data-cmp={button}]")
    focused_on(page, "Cookie settings")


def test_without_the_revisit_button_focus_goes_to_the_pages_own_settings_link(
    page, cmp_server, other_origin, stub_source
):
    root, port = other_origin
    (root / "no-revisit.html").write_text(
        f"""<!doctype html><html lang="en"><head><title>Publisher</title><script>{stub_source}</script>
<script src="{cmp_server}/static/consent/cmp.js" data-site="demo" data-revisit="off" async></script>
</head><body><main><h1>Publisher</h1><p><a href="#top">Top</a></p>
<footer><a href="#" data-cmp-open>Privacy choices</a></footer></main></body></html>"""
    )
    page.goto(f"http://127.0.0.1:{port}/no-revisit.html")
    press(page, ".cmp-bar [data-cmp=accept]")
    focused_on(page, "Privacy choices")
    expect(page.locator("[data-cmp=revisit]")).to_have_count(0)

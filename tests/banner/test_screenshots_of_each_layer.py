"""Screenshots (to docs/screenshots/ with `make screenshots`): the first layer, each preference tab,
the French first layer and a phone-sized first layer, as a visitor sees them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_screenshots(open_demo, page, context, screenshots_dir):
    page = open_demo()
    expect(page.locator(".cmp-bar")).to_be_visible()
    page.screenshot(path=screenshots_dir / "first-layer.png")

    page.click(".cmp-bar [data-cmp=customise]")
    page.locator("[data-key='c-analytics'] .cmp-acc").click()
    page.wait_for_timeout(300)  # let the chevron finish turning
    page.screenshot(path=screenshots_dir / "tab-cookie-categories.png")

    page.get_by_role("tab", name="Purposes & Features").click()
    page.locator("[data-key='p1'] .cmp-acc").click()
    page.wait_for_timeout(300)
    page.screenshot(path=screenshots_dir / "tab-purposes-features.png")

    page.get_by_role("tab", name="Vendors").click()
    expect(page.locator("[data-key='v755']")).to_be_visible()
    page.screenshot(path=screenshots_dir / "tab-vendors.png")
    page.locator("[data-key='v755'] .cmp-acc").click()
    page.locator("[data-key='v755']").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    page.screenshot(path=screenshots_dir / "vendor-details.png")

    page.keyboard.press("Escape")
    page.click(".cmp-bar [data-cmp=accept]")
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()
    page.screenshot(path=screenshots_dir / "revisit-button.png")

    phone = context.new_page()
    phone.set_viewport_size({"width": 390, "height": 780})
    context.clear_cookies()
    phone.goto(page.url)
    expect(phone.locator(".cmp-bar")).to_be_visible()
    phone.screenshot(path=screenshots_dir / "first-layer-phone.png")
    phone.close()

"""Every control of the first layer and the preferences dialog is visible or reachable by scrolling
on phones (portrait and landscape), on a desktop, and at 400% zoom (a 1280x800 window at zoom 4 is
a 320x200 CSS viewport at 4 device pixels per CSS pixel): each is scrolled to, then must lie inside
the viewport and be the element a click at its centre lands on. The dialog's footer (Reject All,
Save, Accept All) must be there on every tab without any scrolling, and Save must record the choice.
Screenshots of each layer at each size go to the screenshots folder."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORTS = [
    (320, 568, 1),
    (360, 640, 1),
    (375, 667, 1),
    (667, 375, 1),
    (1280, 800, 1),
    (320, 200, 4),  # 400% zoom of a 1280x800 window
]

# Scrolls `el` into view only when asked, then says whether it lies inside the viewport and whether
# a click at its centre reaches it (nothing covers it).
REACHABLE = """([el, scroll]) => {
  if (scroll) el.scrollIntoView({block: 'nearest', inline: 'nearest'});
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {
    inside: r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0
      && r.bottom <= innerHeight + 0.5 && r.right <= innerWidth + 0.5,
    reached: !!hit && (hit === el || el.contains(hit) || (el.control && el.control === hit)),
    rect: [r.left, r.top, r.right, r.bottom], viewport: [innerWidth, innerHeight],
  };
}"""


def assert_reachable(page, selector: str, scroll: bool = True) -> None:
    controls = page.locator(selector)
    count = controls.count()
    assert count, f"nothing matches {selector}"
    for i in range(count):
        handle = controls.nth(i).element_handle()
        if not handle.evaluate("el => el.getClientRects().length > 0"):
            continue  # hidden (a closed tab's panel)
        where = page.evaluate(REACHABLE, [handle, scroll])
        label = handle.evaluate("el => el.outerHTML.slice(0, 120)")
        assert where["inside"], f"{label} lies outside the viewport: {where}"
        assert where["reached"], f"{label} is covered: {where}"


@pytest.fixture
def sized_page(chromium, demo_site):
    contexts = []

    def make(width: int, height: int, scale: int):
        context = chromium.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=scale, locale="en-GB"
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize(("width", "height", "scale"), VIEWPORTS, ids=lambda v: str(v))
def test_first_layer_and_dialog_controls_are_reachable(
    sized_page, cmp_server, screenshots_dir, width, height, scale
):
    page = sized_page(width, height, scale)
    page.goto(cmp_server + "/demo/")
    bar = page.locator(".cmp-bar")
    expect(bar.locator("[data-cmp=accept]")).to_be_visible()
    size = f"{width}x{height}" + (f"@{scale}x" if scale > 1 else "")
    page.screenshot(path=screenshots_dir / f"first-layer-{size}.png")
    assert_reachable(page, ".cmp-bar button, .cmp-bar a, .cmp-bar select")

    bar.locator("[data-cmp=customise]").click()
    dialog = page.locator(".cmp-dlg")
    expect(dialog).to_be_visible()
    for tab in ("Cookie Categories", "Purposes & Features", "Vendors"):
        dialog.get_by_role("tab", name=tab).click()
        if tab == "Vendors":
            expect(dialog.locator("[data-key='v755']")).to_have_count(1)
        # The footer is pinned: all three buttons are there without scrolling, on every tab.
        assert_reachable(page, ".cmp-ft button", scroll=False)
        assert_reachable(page, ".cmp-hd button, .cmp-tab, #cmp-panel-categories:not([hidden]) .cmp-acc")
        page.screenshot(path=screenshots_dir / f"preferences-{tab.split()[0].lower()}-{size}.png")
    # Deep in the vendor list the footer is still there.
    dialog.locator("[data-key='v755'] .cmp-acc").scroll_into_view_if_needed()
    assert_reachable(page, ".cmp-ft button", scroll=False)
    assert_reachable(page, "[data-key='v755'] .cmp-acc, [data-key='v755'] input[role=switch]")

    dialog.locator("[data-cmp=save]").click()
    expect(dialog).to_have_count(0)
    page.wait_for_function("() => document.cookie.includes('euconsent-v2=')")

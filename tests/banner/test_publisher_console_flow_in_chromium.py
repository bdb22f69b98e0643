"""The publisher's console end to end in Chromium: a new staff user signs in, creates a site, picks
five vendors by search, sets a restriction and its own purposes, chooses a theme and a logo, sees
them in the preview at desktop and phone widths, copies the snippet into a page on another origin;
the banner there names five partners and shows the theme and the logo; Accept All gives a TC string
whose restrictions and PublisherTC segment @iabtechlabtcf/core decodes as configured; the dashboard
counts the display and the choice. Screenshots of the landing, appearance and dashboard pages, each
scanned by axe-core with no serious or critical finding."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import load_catalogue

pytestmark = pytest.mark.browser

VENDORS = {"Google Advertising": 755, "Criteo": 91, "Xandr": 32, "Magnite": 52, "Index Exchange": 10}
ACCENT = "#0b5d3b"
ACCENT_RGB = "rgb(11, 93, 59)"


def axe_findings(page, axe_path):
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_path.read_text())
    violations = page.evaluate("() => axe.run(document).then(r => r.violations)")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def wait_for_banner(frame):
    frame.wait_for_selector("#cmp-root .cmp-bar", state="visible")


def test_new_publisher_sets_up_a_site_and_its_banner_works_elsewhere(
    context, cmp_server, other_origin, reference_tcdata, png, screenshots_dir, axe_path, settings
):
    load_catalogue()
    user = get_user_model().objects.create_user(
        username="newpub", password="a-long-test-password", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="sites", codename__in=["add_site", "change_site", "view_site"]
        )
    )
    root, port = other_origin
    shop = f"http://127.0.0.1:{port}"
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # Sign in from the product page.
    page.goto(cmp_server + "/")
    expect(page.get_by_role("heading", name="Consent management you host yourself")).to_be_visible()
    page.get_by_role("link", name="Sign in to your console").click()
    page.fill("#id_username", "newpub")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    expect(page.get_by_role("heading", name="Your sites")).to_be_visible()

    # Create the site in the admin form (lists one per line, languages as checkboxes).
    page.get_by_role("link", name="New site").click()
    page.fill("#id_key", "shop")
    page.fill("#id_name", "Green Grocer")
    page.fill("#id_domains", "127.0.0.1")
    page.fill("#id_allowed_origins", f"{shop}\n{cmp_server}")
    page.select_option("#id_default_language", "en")
    page.check("input[name=languages][value=fr]")
    page.fill("#id_publisher_country_code", "FR")
    page.fill("#id_privacy_policy_url", "https://greengrocer.example/privacy")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # Five vendors by search.
    page.goto(cmp_server + "/console/sites/shop/vendors")
    expect(page.get_by_text("No vendors yet")).to_be_visible()
    for name, vendor_id in VENDORS.items():
        page.fill("#q", name)
        page.get_by_role("button", name="Search").click()
        page.click(f"button[name=add][value='{vendor_id}']")
        expect(page.locator(f"tr[data-selected='{vendor_id}']")).to_be_visible()
    expect(page.locator(".review")).to_contain_text("5 vendors disclosed (5 added, 0 removed)")
    page.get_by_role("button", name="Save vendors").click()
    expect(page.locator(".msg")).to_contain_text("Saved: 5 vendors disclosed.")

    # A restriction, the publisher's own purposes and a custom purpose.
    page.goto(cmp_server + "/console/sites/shop/restrictions")
    page.select_option("#r-vendor", "755")
    page.select_option("#r-purpose", "2")
    page.select_option("#r-type", "1")
    page.get_by_role("button", name="Add restriction").click()
    expect(page.locator("tr[data-restriction='2-755-1']")).to_be_visible()
    page.check("input[name=consent][value='1']")
    page.check("input[name=li][value='2']")
    page.get_by_role("button", name="Save your purposes").click()
    page.fill("#c-name", "Personalised newsletter")
    page.get_by_role("button", name="Add custom purpose").click()
    expect(page.locator("li[data-custom='1']")).to_contain_text("Personalised newsletter")

    # Theme and logo; the preview shows them at desktop and phone widths.
    page.goto(cmp_server + "/console/sites/shop/appearance")
    page.fill("#id_accent", ACCENT)
    page.fill("#id_background", "#fffdf7")
    page.select_option("#id_font", "serif")
    page.check("input[name=position][value=box]")
    page.set_input_files(
        "#id_logo_file", {"name": "logo.png", "mimeType": "image/png", "buffer": png(160, 40, (11, 93, 59))}
    )
    page.get_by_role("button", name="Save appearance").click()
    expect(page.locator(".msg")).to_contain_text("Appearance saved")
    for width in ("desktop", "phone"):
        frame = page.frame_locator(f"iframe[data-preview={width}]")
        expect(frame.locator("#cmp-root .cmp-bar")).to_be_visible()
        expect(frame.locator("#cmp-root .cmp-logo")).to_be_visible()
        assert (
            frame.locator("[data-cmp=accept]").evaluate("b => getComputedStyle(b).backgroundColor")
            == ACCENT_RGB
        )
        assert frame.locator("#cmp-root .cmp-logo").evaluate("i => i.naturalWidth") == 160
    page.wait_for_timeout(300)
    page.screenshot(path=str(screenshots_dir / "console-appearance-preview.png"), full_page=True)
    assert axe_findings(page, axe_path) == []

    # The snippet, copied with the button, pasted into a page on another origin.
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=cmp_server)
    page.goto(cmp_server + "/console/sites/shop/embed")
    page.get_by_role("button", name="Copy snippet").click()
    expect(page.locator("#copied")).to_have_text("Copied to the clipboard.")
    snippet = page.evaluate("navigator.clipboard.readText()")
    assert snippet == page.locator("#snippet").text_content()
    (root / "shop.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Green Grocer</title>"
        f"{snippet}</head><body><h1>Fresh vegetables</h1></body></html>"
    )
    (root / "shop-override.html").write_text(
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Override</title>"
        f"<style>:root{{--cmp-accent:#b00020}}</style>{snippet}</head><body><h1>Override</h1></body></html>"
    )

    visitor = context.browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    try:
        shop_page = visitor.new_page()
        shop_page.on("pageerror", lambda exc: errors.append(str(exc)))
        shop_page.goto(f"{shop}/shop.html")
        wait_for_banner(shop_page)
        expect(shop_page.locator("#cmp-desc")).to_contain_text("5 ")
        assert "5" in shop_page.locator("#cmp-desc").text_content().split("partners")[0]
        assert (
            shop_page.locator("[data-cmp=accept]").evaluate("b => getComputedStyle(b).backgroundColor")
            == ACCENT_RGB
        )
        logo = shop_page.locator("#cmp-root .cmp-logo")
        expect(logo).to_be_visible()
        assert logo.evaluate("i => i.naturalWidth") == 160
        assert (
            shop_page.locator(".cmp-bar")
            .evaluate("b => getComputedStyle(b).fontFamily")
            .startswith("Charter")
        )
        shop_page.screenshot(path=str(screenshots_dir / "console-banner-on-publisher-page.png"))
        shop_page.click("[data-cmp=accept]")
        shop_page.wait_for_function("() => document.cookie.includes('euconsent-v2=')")
        tc = unquote(next(c["value"] for c in visitor.cookies() if c["name"] == "euconsent-v2"))
        decoded = reference_tcdata([tc])[0]
        assert decoded["publisher"]["restrictions"] == {"2": {"755": 1}}
        assert sorted(k for k, v in decoded["publisher"]["consents"].items() if v) == ["1"]
        assert sorted(k for k, v in decoded["publisher"]["legitimateInterests"].items() if v) == ["2"]
        assert decoded["publisher"]["customPurpose"]["consents"] == {"1": True}
        assert sorted(int(k) for k, v in decoded["vendor"]["disclosedVendors"].items() if v) == sorted(
            VENDORS.values()
        )

        override = visitor.new_page()
        override.goto(f"{shop}/shop-override.html")
        override.wait_for_function("() => window.__cmp && window.__cmp.consent().tcString")
        override.evaluate("window.__cmp.open()")
        expect(override.locator("#cmp-root .cmp-dlg")).to_be_visible()
        color = override.locator("#cmp-root .cmp-dlg .cmp-pri").first.evaluate(
            "b => getComputedStyle(b).backgroundColor"
        )
        assert color == "rgb(176, 0, 32)", "the publisher's --cmp-accent wins over the site theme"
    finally:
        visitor.close()

    # The dashboard counts the display and the choice; the landing page shows the site as live.
    call_command("aggregate_consent_stats", stdout=io.StringIO())
    page.goto(cmp_server + "/console/sites/shop/dashboard")
    # One display: on the second page the visitor had chosen already.
    expect(page.locator("[data-kpi=shown]")).to_have_text("1")
    expect(page.locator("[data-kpi=accept_all]")).to_have_text("1")
    page.screenshot(path=str(screenshots_dir / "console-dashboard.png"), full_page=True)
    assert axe_findings(page, axe_path) == []

    page.goto(cmp_server + "/")
    expect(page.locator("[data-status]")).to_contain_text("Banner live")
    page.screenshot(path=str(screenshots_dir / "console-landing.png"), full_page=True)
    assert axe_findings(page, axe_path) == []
    assert errors == []

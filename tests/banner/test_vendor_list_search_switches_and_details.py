"""The Vendors tab with the demo site's 902 vendors and 632 Google ATPs: names arrive decoded
("Mirando GmbH & Co KG", not "&amp;"), search finds by name and by id, "Switch all on" / "Switch
all off" reach every vendor and ATP (rendered yet or not) and the TC string says so as
@iabtechlabtcf/core decodes it, and a vendor's details list what the TCF policy asks: per-purpose
and special-purpose retention, cookie age in days ("session only", "Uses no cookies."), cookie
refresh, non-cookie access, data categories, privacy and LI-claim links, and the device storage
disclosure table where the vendor document carries one."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MIRANDO = 279  # "Mirando GmbH &amp; Co KG" in the bundled GVL v106
BEESWAX = 12  # per-purpose and special-purpose retention, cookie refresh, non-cookie access
NO_COOKIES = 15
SESSION_COOKIES = 531  # usesCookies with cookieMaxAgeSeconds 0


@pytest.fixture
def vendors_tab(open_demo):
    def go():
        page = open_demo()
        page.click(".cmp-bar [data-cmp=customise]")
        page.get_by_role("tab", name="Vendors").click()
        expect(page.locator("[data-key='v755']")).to_have_count(1)
        return page

    return go


def vendors_document(page):
    return page.evaluate("fetch('/api/v1/sites/demo/vendors?lang=en').then(r => r.json())")


def test_names_are_decoded_and_search_finds_by_name_and_id(vendors_tab):
    page = vendors_tab()
    document = vendors_document(page)
    names = {v["id"]: v["name"] for v in document["vendors"]}
    assert names[MIRANDO] == "Mirando GmbH & Co KG"
    assert not [n for n in names.values() if "&amp;" in n or "&#" in n]
    search = page.get_by_role("searchbox")
    search.fill("mirando gmbh & co")
    expect(page.locator(f"[data-key='v{MIRANDO}'] .cmp-acc")).to_have_text("Mirando GmbH & Co KG")
    expect(page.locator(".cmp-vl [data-key]:visible")).to_have_count(1)
    search.fill(str(BEESWAX))
    expect(page.locator(f"[data-key='v{BEESWAX}']")).to_be_visible()
    expect(page.locator(".cmp-vl [data-key^='v']:visible")).to_have_count(1)
    search.fill("")
    expect(page.locator(f"[data-key='v{MIRANDO}']")).to_be_visible()


@pytest.mark.parametrize("switch", ["all-on", "all-off"])
def test_all_on_and_all_off_reach_the_tc_string(vendors_tab, tcf_events, cookies, reference_tcdata, switch):
    page = vendors_tab()
    document = vendors_document(page)
    tcf_events()
    page.click(f".cmp-dlg [data-cmp={switch}]")
    page.click(".cmp-dlg [data-cmp=save]")
    tcf_events.wait_for("useractioncomplete")
    jar = cookies()
    vendor = reference_tcdata([jar["tc"]])[0]["vendor"]
    consented = {int(i) for i, on in vendor["consents"].items() if on}
    with_li = {int(i) for i, on in vendor["legitimateInterests"].items() if on}
    atps = set([*jar["ac"].split("~"), ""][1].split(".")) - {""}
    if switch == "all-on":
        assert consented == {v["id"] for v in document["vendors"] if v["purposes"]}
        assert atps == {str(a["id"]) for a in document["atps"]}
        assert with_li, "vendors claiming LI keep it"
    else:
        assert consented == set()
        assert with_li == set(), "every LI objected to"
        assert atps == set()


def test_vendor_details_as_the_policy_lists_them(vendors_tab):
    page = vendors_tab()
    document = vendors_document(page)
    banner = page.evaluate(
        "fetch('/api/v1/sites/demo/banner?lang=en').then(r => r.json())"
        ".then(b => fetch(b.preferences_url)).then(r => r.json())"
    )
    purposes = {p["id"]: p["name"] for p in banner["purposes"]}
    special = {p["id"]: p["name"] for p in banner["special_purposes"]}
    categories = {c["id"]: c["name"] for c in document["data_categories"]}
    beeswax = next(v for v in document["vendors"] if v["id"] == BEESWAX)

    page.get_by_role("searchbox").fill(str(BEESWAX))
    page.locator(f"[data-key='v{BEESWAX}'] .cmp-acc").click()
    details = page.locator(f"[data-key='v{BEESWAX}'] .cmp-det")
    expect(details).to_be_visible()
    retention = beeswax["data_retention"]
    expect(details).to_contain_text(f"Data retention: {retention['stdRetention']:,} days")
    for pid, days in retention["purposes"].items():
        expect(details).to_contain_text(f"{purposes[int(pid)]}: {days} days")
    for sid, days in retention["specialPurposes"].items():
        expect(details).to_contain_text(f"{special[int(sid)]}: {days} days")
    expect(details).to_contain_text(
        f"Maximum cookie age: {round(beeswax['cookie_max_age_seconds'] / 86400)} days"
    )
    expect(details).not_to_contain_text("seconds")
    expect(details).to_contain_text("The cookie lifetime is renewed on each visit.")
    expect(details).to_contain_text("Also stores or reads information without cookies")
    expect(details).to_contain_text(categories[sorted(beeswax["data_declaration"])[0]])
    expect(details.get_by_role("link", name="Privacy policy")).to_have_attribute(
        "href", beeswax["privacy_url"]
    )
    expect(details.get_by_role("link", name="Legitimate interest claim")).to_have_attribute(
        "href", beeswax["legint_claim_url"]
    )

    for vendor_id, text in (
        (NO_COOKIES, "Uses no cookies."),
        (SESSION_COOKIES, "Maximum cookie age: session only"),
    ):
        page.get_by_role("searchbox").fill(str(vendor_id))
        page.locator(f"[data-key='v{vendor_id}'] .cmp-acc").click()
        expect(page.locator(f"[data-key='v{vendor_id}'] .cmp-det")).to_contain_text(text)


def test_device_storage_disclosure_is_a_table_where_the_document_has_one(open_demo):
    """The vendor document carries a fetched disclosure as `device_storage` rows (vendors/device_storage.py
    `compact`); here one is put into the answer, so the test needs no fetch."""
    page = open_demo()
    disclosures = [
        {
            "identifier": "bx_id",
            "type": "cookie",
            "maxAgeSeconds": 86400 * 30,
            "domain": "*.beeswax.com",
            "purposes": [1, 2],
        },
        {"identifier": "bx_store", "type": "web", "maxAgeSeconds": None, "domain": "*", "purposes": [1]},
    ]

    def with_storage(route):
        body = route.fetch().json()
        for vendor in body["vendors"]:
            if vendor["id"] == BEESWAX:
                vendor["device_storage"] = disclosures
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.route("**/api/v1/sites/demo/vendors*", with_storage)
    page.click(".cmp-bar [data-cmp=customise]")
    page.get_by_role("tab", name="Vendors").click()
    page.get_by_role("searchbox").fill(str(BEESWAX))
    page.locator(f"[data-key='v{BEESWAX}'] .cmp-acc").click()
    table = page.locator(f"[data-key='v{BEESWAX}'] [data-cmp=device-storage] table")
    expect(table.locator("th")).to_have_text(["Cookie", "Type", "Duration", "Domain", "Purposes"])
    expect(table.locator("tbody tr").nth(0).locator("td")).to_have_text(
        [
            "bx_id",
            "cookie",
            "30 days",
            "*.beeswax.com",
            "Store and/or access information on a device, Use limited data to select advertising",
        ]
    )
    expect(table.locator("tbody tr").nth(1).locator("td").nth(0)).to_have_text("bx_store")

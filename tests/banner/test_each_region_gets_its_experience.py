"""Chromium, the demo page behind a CDN that sets CF-IPCountry / CF-Region-Code: a Californian gets
the US opt-out notice with usnat and usca applicable in __gpp, opts out and the GPP string says so;
with Global Privacy Control on, the opt-out is recorded at once and the notice says it was
honoured; a German gets the TCF banner with gdprApplies true (and a __gpp saying no section
applies); a Brazilian gets what the site configured for other regions."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consent.models import ConsentRecord
from sites.jurisdictions import Experience

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("cloudflare")]

GPP_PING = "() => new Promise(r => __gpp('ping', p => r(p)))"
GPP = "([c, p]) => new Promise(r => __gpp(c, (v, ok) => r([v, ok]), p))"


def visit(page, cmp_server, headers):
    page.context.set_extra_http_headers(headers)
    page.goto(cmp_server + "/demo/")
    page.wait_for_function(
        "() => { let p; __tcfapi('ping', 2, x => (p = x)); return p.cmpStatus === 'loaded'; }"
    )


def consent_mode_update(page):
    """The last gtag('consent', 'update', ...) the banner pushed."""
    return page.evaluate(
        "() => window.dataLayer.filter(e => e[0] === 'consent' && e[1] === 'update').slice(-1)[0][2]"
    )


def gpp(page, command, parameter=None):
    return page.evaluate(GPP, [command, parameter])


def test_california_gets_the_opt_out_notice_and_usnat_usca(
    page, cmp_server, cmp_ping, gpp_ready, screenshots_dir
):
    visit(page, cmp_server, {"CF-IPCountry": "US", "CF-Region-Code": "CA"})
    notice = page.locator(".cmp-bar")
    expect(notice.get_by_role("heading", name="Your Privacy Choices")).to_be_visible()
    expect(notice.get_by_role("button", name="Do Not Sell or Share My Personal Information")).to_be_visible()
    expect(
        notice.get_by_role("button", name="Limit the Use of My Sensitive Personal Information")
    ).to_be_visible()
    ping = gpp_ready(page)
    assert ping["applicableSections"] == [7, 8]
    assert ping["sectionList"] == [7, 8]
    assert {"7:usnat", "8:usca"} <= set(ping["supportedAPIs"])
    assert ping["cmpDisplayStatus"] == "visible"
    assert ping["parsedSections"]["usnat"]["SaleOptOut"] == 2
    assert cmp_ping(page)["gdprApplies"] is False
    # Opt-out law: the analytics script runs without waiting for a choice.
    expect(page.locator("#analytics-state")).to_have_text("ran")
    # Google tags are not held back by the stub's denied defaults: the US update grants them.
    assert consent_mode_update(page)["ad_storage"] == "granted"
    page.screenshot(path=str(screenshots_dir / "us-opt-out-notice.png"))

    page.evaluate(
        "() => { window.__gppEvents = []; __gpp('addEventListener', e => __gppEvents.push(e.eventName)); }"
    )
    notice.get_by_role("button", name="Do Not Sell or Share My Personal Information").click()
    page.wait_for_function(
        "() => { let v; __gpp('getField', x => (v = x), 'usnat.SaleOptOut'); return v === 1; }"
    )
    assert gpp(page, "getField", "usca.SharingOptOut") == [1, True]
    assert gpp(page, "hasSection", "usva") == [False, True]
    events = page.evaluate("window.__gppEvents")
    assert events[0] == "listenerRegistered"
    assert events[-3:] == ["sectionChange", "sectionChange", "signalStatus"]
    record = ConsentRecord.objects.select_related("choice").get()
    assert (record.action, record.region, record.experience) == ("opt_out", "US-CA", "us_opt_out")
    assert record.us_opt_outs == ["sale_sharing"]
    assert gpp_ready(page)["gppString"] == record.gpp_string
    # The persistent link: the revisit button is "Your Privacy Choices" and reopens the notice.
    page.get_by_role("button", name="Your Privacy Choices").click()
    expect(page.get_by_role("button", name="Do Not Sell or Share My Personal Information")).to_be_disabled()


def test_gpc_is_recorded_as_an_opt_out_and_the_notice_says_it_was_honoured(
    page, cmp_server, gpp_ready, gpc_on, screenshots_dir
):
    gpc_on(page)
    visit(page, cmp_server, {"CF-IPCountry": "US", "CF-Region-Code": "CA", "Sec-GPC": "1"})
    expect(page.locator("[data-cmp=gpc-honoured]")).to_contain_text("Opt-Out Request Honored")
    ping = gpp_ready(page)
    assert ping["parsedSections"]["usnat"]["Gpc"] is True
    assert ping["parsedSections"]["usnat"]["SaleOptOut"] == 1
    assert ping["parsedSections"]["usca"]["SharingOptOut"] == 1
    record = ConsentRecord.objects.select_related("choice").get()
    assert record.gpc is True
    assert record.categories["advertisement"] is False
    assert consent_mode_update(page)["ad_storage"] == "denied"
    assert ping["gppString"] == record.gpp_string
    page.screenshot(path=str(screenshots_dir / "us-gpc-honoured.png"))
    # A second visit: the choice is current, nothing is posted again, the string is the same.
    page.reload()
    assert gpp_ready(page)["gppString"] == record.gpp_string
    assert ConsentRecord.objects.count() == 1


def test_germany_gets_the_tcf_banner_and_no_gpp_section(page, cmp_server, cmp_ping):
    visit(page, cmp_server, {"CF-IPCountry": "DE"})
    expect(page.locator("[data-cmp=accept]")).to_be_visible()
    assert cmp_ping(page)["gdprApplies"] is True
    ping = page.evaluate(GPP_PING)
    assert (ping["cmpStatus"], ping["signalStatus"], ping["applicableSections"]) == ("loaded", "ready", [-1])
    assert page.evaluate("() => !document.querySelector('script[src*=\"gpp.js\"]')"), "no GPP part loaded"
    expect(page.locator("#analytics-state")).to_have_text("not run")


@pytest.mark.parametrize("configured", [Experience.NOTICE, Experience.NONE, Experience.OPT_IN])
def test_brazil_gets_what_the_site_configured(
    page, cmp_server, cmp_ping, demo_site, screenshots_dir, configured
):
    demo_site.other_regions_experience = configured
    demo_site.save()
    visit(page, cmp_server, {"CF-IPCountry": "BR"})
    if configured == Experience.OPT_IN:
        expect(page.locator("[data-cmp=accept]")).to_be_visible()
        assert cmp_ping(page)["gdprApplies"] is True
        return
    expect(page.locator("#analytics-state")).to_have_text("ran")
    assert cmp_ping(page)["gdprApplies"] is False
    if configured == Experience.NONE:
        page.wait_for_function(
            "() => __tcfapi('ping', 2, p => (window.__p = p)) || window.__p.cmpStatus === 'loaded'"
        )
        expect(page.locator(".cmp-bar")).to_have_count(0)
        expect(page.locator("[data-cmp=revisit]")).to_have_count(0)
    else:
        expect(page.get_by_role("heading", name="Cookies on this site")).to_be_visible()
        page.screenshot(path=str(screenshots_dir / "information-notice.png"))
        page.get_by_role("button", name="OK").click()
        expect(page.locator("[data-cmp=revisit]")).to_be_visible()
        assert ConsentRecord.objects.select_related("choice").get().experience == "notice"


def test_uk_notice_and_objection_runs_statistics_until_the_visitor_objects(
    page, cmp_server, cmp_ping, demo_site, screenshots_dir
):
    demo_site.uk_notice_objection = True
    demo_site.save()
    visit(page, cmp_server, {"CF-IPCountry": "GB"})
    expect(page.locator("[data-cmp=objection]")).to_contain_text("you can object")
    page.screenshot(path=str(screenshots_dir / "uk-notice-and-objection.png"))
    expect(page.locator("#analytics-state")).to_have_text("ran")
    assert cmp_ping(page)["gdprApplies"] is True
    assert page.evaluate("() => __cmp.consent().categories.advertisement") is False
    page.locator("[data-cmp=reject]").click()
    page.wait_for_function("() => !!(__cmp.consent().meta || {}).consent_id")
    record = ConsentRecord.objects.select_related("choice").get()
    assert (record.region, record.categories["analytics"]) == ("GB", False)
    # The same site for an Irish visitor: the EEA gets no such exemption.
    page.context.clear_cookies()
    visit(page, cmp_server, {"CF-IPCountry": "IE"})
    expect(page.locator("[data-cmp=accept]")).to_be_visible()
    expect(page.locator("[data-cmp=objection]")).to_have_count(0)
    expect(page.locator("#analytics-state")).to_have_text("not run")

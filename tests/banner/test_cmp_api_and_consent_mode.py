"""The CMP API beyond the first-layer flows: the stub before cmp.js loads, command versions,
removeEventListener and getTCData, Google Consent Mode v2 signals, the French banner, and a choice
kept in localStorage while the consent API is unreachable."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consent.models import ConsentRecord

pytestmark = pytest.mark.browser

DATA_LAYER = "() => window.dataLayer.map(e => (e && e.event) ? e : Array.prototype.slice.call(e))"


def _publisher_page(other_origin, stub_source, body="", lang="en", cmp_script=""):
    root, port = other_origin
    (root / f"publisher-{lang}.html").write_text(
        f"""<!doctype html><html lang="{lang}"><head><title>Publisher</title>
<script>{stub_source}</script>{cmp_script}</head><body><h1>Publisher</h1>{body}</body></html>"""
    )
    return f"http://127.0.0.1:{port}/publisher-{lang}.html"


def test_stub_answers_ping_and_queues_until_cmp_loads(page, cmp_server, other_origin, stub_source, cmp_ping):
    page.goto(_publisher_page(other_origin, stub_source))
    stub_ping = cmp_ping(page)
    assert stub_ping["cmpStatus"] == "stub"
    assert stub_ping["cmpLoaded"] is False
    assert stub_ping["apiVersion"].startswith("2")
    page.wait_for_function("() => !!window.frames.__tcfapiLocator")
    page.evaluate(
        """() => {
          window.__queued = [];
          __tcfapi('addEventListener', 2, (d, ok) => window.__queued.push([d.eventStatus, ok, d.listenerId]));
        }"""
    )
    assert len(page.evaluate("__tcfapi()")) == 1, "the stub queues the call"
    page.evaluate(
        """src => { const s = document.createElement('script'); s.src = src; s.dataset.site = 'demo';
                    document.head.appendChild(s); }""",
        f"{cmp_server}/static/consent/cmp.js",
    )
    page.wait_for_function("() => window.__queued.length > 0")
    assert page.evaluate("window.__queued")[0] == ["cmpuishown", True, 1]
    loaded = cmp_ping(page)
    assert loaded["cmpStatus"] == "loaded"
    assert loaded["cmpLoaded"] is True
    assert loaded["displayStatus"] == "visible"
    assert loaded["gdprApplies"] is True
    assert loaded["cmpId"] >= 2
    assert loaded["gvlVersion"] == 106
    assert loaded["tcfPolicyVersion"] == 5


def test_versions_listeners_and_get_tcdata(page, open_demo, cmp_ping):
    vendor_list_requests = []
    page.on("request", lambda r: "/vendors" in r.url and vendor_list_requests.append(r.url))
    open_demo()
    assert vendor_list_requests == [], "the first layer does not load the vendor list"
    assert page.evaluate("new Promise(r => __tcfapi('ping', 1, (v, ok) => r([v, ok])))") == [None, False]
    assert page.evaluate("new Promise(r => __tcfapi('getTCData', 3, (v, ok) => r([v, ok])))") == [None, False]
    page.evaluate(
        """() => { window.__calls = 0;
          __tcfapi('addEventListener', 2, (d) => { window.__calls++; window.__lid = d.listenerId; }); }"""
    )
    listener = page.evaluate("window.__lid")
    assert page.evaluate(f"new Promise(r => __tcfapi('removeEventListener', 2, r, {listener}))") is True
    assert page.evaluate(f"new Promise(r => __tcfapi('removeEventListener', 2, r, {listener}))") is False
    page.click(".cmp-bar [data-cmp=accept]")
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()
    assert page.evaluate("window.__calls") == 1, "a removed listener hears nothing more"
    filtered = page.evaluate("new Promise(r => __tcfapi('getTCData', 2, (d, ok) => r([d, ok]), [755, 9999]))")
    assert filtered[1] is True
    assert filtered[0]["vendor"]["consents"] == {"755": True, "9999": False}
    assert filtered[0]["tcString"]
    assert cmp_ping(page)["displayStatus"] == "hidden"


def test_consent_mode_defaults_then_updates(open_demo, cookies, cmp_ping):
    page = open_demo()
    layer = page.evaluate(DATA_LAYER)
    default = next(e for e in layer if isinstance(e, list) and e[:2] == ["consent", "default"])[2]
    assert {k: v for k, v in default.items() if k != "wait_for_update"} == {
        "ad_storage": "denied",
        "ad_user_data": "denied",
        "ad_personalization": "denied",
        "analytics_storage": "denied",
        "functionality_storage": "denied",
        "personalization_storage": "denied",
        "security_storage": "granted",
    }
    assert not [e for e in layer if isinstance(e, list) and e[:2] == ["consent", "update"]]

    page.click(".cmp-bar [data-cmp=accept]")
    page.wait_for_function("() => window.dataLayer.some(e => e.event === 'cmp_consent_update')")
    layer = page.evaluate(DATA_LAYER)
    update = [e for e in layer if isinstance(e, list) and e[:2] == ["consent", "update"]][-1][2]
    record = ConsentRecord.objects.get(consent_id=cookies()["meta"]["consent_id"])
    assert update == record.consent_mode
    assert update["ad_storage"] == "granted"
    assert update["analytics_storage"] == "granted"

    # A return visit derives the same signals from the cookies, before any click.
    page.reload()
    cmp_ping.wait_loaded(page)
    page.wait_for_function("() => window.dataLayer.some(e => e.event === 'cmp_consent_loaded')")
    layer = page.evaluate(DATA_LAYER)
    assert [e for e in layer if isinstance(e, list) and e[:2] == ["consent", "update"]][-1][2] == update


def test_french_banner_and_gvl_texts(
    page, demo_site, other_origin, stub_source, cmp_server, cookies, screenshots_dir
):
    script = f'<script src="{cmp_server}/static/consent/cmp.js" data-site="demo" async></script>'
    page.goto(_publisher_page(other_origin, stub_source, lang="fr", cmp_script=script))
    bar = page.locator(".cmp-bar")
    expect(bar).to_contain_text("Nous respectons votre vie privée")
    expect(bar.locator("[data-cmp=accept]")).to_have_text("Tout accepter")
    # The test page declares no charset: cmp.js must not depend on the page's encoding.
    expect(bar.locator("#cmp-purpose-list li").first).to_contain_text("appareil")
    page.screenshot(path=screenshots_dir / "first-layer-fr.png")
    bar.locator("[data-cmp=customise]").click()
    page.get_by_role("tab", name="Finalités et fonctionnalités").click()
    expect(page.locator("[data-key='p1'] .cmp-acc")).to_contain_text("appareil")
    page.get_by_role("tab", name="Partenaires").click()
    expect(page.locator("[data-key='v755']")).to_be_visible()
    page.click(".cmp-dlg [data-cmp=reject]")
    page.wait_for_function("() => document.cookie.includes('euconsent-v2=')")
    record = ConsentRecord.objects.get(consent_id=cookies()["meta"]["consent_id"])
    assert record.language == "fr"


def test_choice_survives_an_unreachable_api(open_demo, cookies, cmp_ping):
    page = open_demo()
    page.route("**/api/v1/sites/demo/consents", lambda route: route.fulfill(status=503, body="{}"))
    page.click(".cmp-bar [data-cmp=accept]")
    page.wait_for_function("() => !!localStorage.getItem('cmp_pending_demo')")
    assert cookies()["tc"] is None
    assert page.evaluate("window.__analyticsRan") == 1, "the visitor's choice applies on this page already"
    assert not ConsentRecord.objects.exists()

    page.unroute("**/api/v1/sites/demo/consents")
    page.reload()
    cmp_ping.wait_loaded(page)
    page.wait_for_function("() => !localStorage.getItem('cmp_pending_demo')")
    expect(page.locator(".cmp-bar")).to_have_count(0)
    jar = cookies()
    record = ConsentRecord.objects.get(consent_id=jar["meta"]["consent_id"])
    assert record.action == "accept_all"
    assert record.tc_string == jar["tc"]


def test_cookie_domain_carries_the_choice_across_subdomains(
    page, demo_site, other_origin, stub_source, cmp_server, cookies, tcf_events
):
    demo_site.cookie_domain = ".cmp.test"
    demo_site.save()
    script = f'<script src="{cmp_server}/static/consent/cmp.js" data-site="demo" async></script>'
    url = _publisher_page(other_origin, stub_source, cmp_script=script)
    page.goto(url.replace("127.0.0.1", "www.cmp.test"))
    page.click(".cmp-bar [data-cmp=accept]")
    page.wait_for_function("() => document.cookie.includes('euconsent-v2=')")
    jar = cookies()
    assert jar["raw"]["euconsent-v2"]["domain"] == ".cmp.test"
    assert jar["raw"]["cmp_consent"]["domain"] == ".cmp.test"

    page.goto(url.replace("127.0.0.1", "shop.cmp.test"))
    tcf_events()
    loaded = tcf_events.wait_for("tcloaded")
    assert loaded["tcString"] == jar["tc"]
    expect(page.locator(".cmp-bar")).to_have_count(0)

    # A page outside the cookie domain still keeps its visitor's choice, on its own host.
    page.goto(url)
    page.click(".cmp-bar [data-cmp=reject]")
    page.wait_for_function("() => document.cookie.includes('euconsent-v2=')")
    on_host = {c["name"]: c["domain"] for c in page.context.cookies(url)}
    assert on_host["euconsent-v2"] == "127.0.0.1"

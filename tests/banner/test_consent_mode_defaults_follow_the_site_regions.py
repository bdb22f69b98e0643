"""Chromium: the inline stub gives Google Consent Mode one default per group of regions, as the
site's jurisdiction rules say (Google applies the most specific region): denied everywhere under the
opt-in banner (EEA, UK, Switzerland, unknown), granted in the US states with an opt-out law, and
for a site whose other regions get a notice, granted elsewhere with the opt-in regions denied; with
the UK's notice and objection, statistics and preferences granted in GB and ads denied. GPC
keeps the advertising signals denied where defaults are granted. The stub without attributes
assumes the shipped rules."""

from __future__ import annotations

import pytest

from sites.jurisdictions import EEA, SHIPPED_GRANTED_REGIONS, Experience
from sites.models import JurisdictionRule
from sites.views import stub_tag

pytestmark = pytest.mark.browser

DEFAULTS = (
    "() => window.dataLayer.filter(e => e[0] === 'consent' && e[1] === 'default')"
    ".map(e => JSON.parse(JSON.stringify(e[2])))"
)
STORAGE = ("ad_storage", "ad_user_data", "ad_personalization", "analytics_storage")


def defaults_on(page, other_origin, stub_html, name):
    root, port = other_origin
    (root / name).write_text(
        f'<!doctype html><html lang="en"><head><title>Publisher</title>{stub_html}</head>'
        "<body><h1>Publisher</h1></body></html>"
    )
    page.goto(f"http://127.0.0.1:{port}/{name}")
    return page.evaluate(DEFAULTS)


def signals(default):
    return {k: default[k] for k in STORAGE}


def everything(value):
    return dict.fromkeys(STORAGE, value)


def test_the_demo_site_denies_by_default_and_grants_in_us_states_with_a_law(open_demo):
    page = open_demo()
    world, us_states = page.evaluate(DEFAULTS)
    assert "region" not in world
    assert signals(world) == everything("denied")
    assert us_states["region"] == sorted(SHIPPED_GRANTED_REGIONS)
    assert signals(us_states) == everything("granted")
    assert us_states["security_storage"] == "granted"


def test_the_bare_stub_assumes_the_shipped_rules(page, other_origin, stub_source):
    world, us_states = defaults_on(page, other_origin, f"<script>{stub_source}</script>", "bare.html")
    assert signals(world) == everything("denied")
    assert sorted(us_states["region"]) == sorted(SHIPPED_GRANTED_REGIONS)


def test_a_site_with_a_notice_elsewhere_grants_by_default_but_not_in_opt_in_regions(
    page, other_origin, demo_site
):
    demo_site.other_regions_experience = Experience.NOTICE
    demo_site.save()
    JurisdictionRule.objects.create(site=demo_site, region="BR", experience=Experience.OPT_IN)
    world, opt_in = defaults_on(page, other_origin, stub_tag(demo_site), "notice.html")
    assert signals(world) == everything("granted")
    assert set(opt_in["region"]) == EEA | {"GB", "CH", "BR"}
    assert signals(opt_in) == everything("denied")


def test_gpc_keeps_advertising_denied_where_defaults_are_granted(page, other_origin, demo_site, gpc_on):
    gpc_on(page)
    world, us_states = defaults_on(page, other_origin, stub_tag(demo_site), "gpc.html")
    assert signals(world) == everything("denied")
    assert signals(us_states) == {
        "ad_storage": "denied",
        "ad_user_data": "denied",
        "ad_personalization": "denied",
        "analytics_storage": "granted",
    }


def test_uk_notice_and_objection_starts_statistics_granted_and_ads_denied_in_gb(
    page, other_origin, demo_site
):
    demo_site.uk_notice_objection = True
    demo_site.save()
    world, us_states, gb = defaults_on(page, other_origin, stub_tag(demo_site), "uk.html")
    assert signals(world) == everything("denied")
    assert "GB" not in us_states["region"]
    assert gb["region"] == ["GB"]
    assert (gb["analytics_storage"], gb["functionality_storage"]) == ("granted", "granted")
    assert (gb["ad_storage"], gb["ad_user_data"], gb["ad_personalization"]) == ("denied",) * 3

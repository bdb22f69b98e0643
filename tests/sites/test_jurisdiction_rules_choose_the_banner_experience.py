"""Which experience a visitor gets: from the trusted location headers, through the site's ordered
rules, the shipped rules and the site's choice for other regions; the banner document says it and
`gdprApplies` follows it; a rule may not weaken the opt-in banner for the EEA or the UK."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from privacy_signals.gpp import SECTION_IDS, decode
from sites.gpp_signals import section_layouts, us_gpp_string
from sites.jurisdictions import US_STATE_LAWS, Experience, experience_for
from sites.models import JurisdictionRule


def banner(api, site, **headers):
    response = api.get(f"/api/v1/sites/{site.key}/banner", **headers)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("region", "experience", "sections"),
    [
        ("DE", "opt_in", []),
        ("NO", "opt_in", []),
        ("GB", "opt_in", []),
        ("CH", "opt_in", []),
        ("US-CA", "us_opt_out", ["usnat", "usca"]),
        ("US-VA", "us_opt_out", ["usnat", "usva"]),
        ("US-RI", "us_opt_out", ["usnat", "usri"]),
        ("US", "us_opt_out", ["usnat"]),
        ("US-NY", "opt_in", []),  # no comprehensive law: the site's other-regions experience
        ("BR", "opt_in", []),
        ("", "opt_in", []),  # unknown: the strictest
    ],
)
def test_shipped_rules_follow_the_laws(region, experience, sections):
    jurisdiction = experience_for(region, [], Experience.OPT_IN)
    assert (str(jurisdiction.experience), list(jurisdiction.gpp_sections)) == (experience, sections)
    assert jurisdiction.gdpr_applies is (experience == "opt_in")


def test_site_rules_come_first_in_their_order():
    rules = [("US-NY", "notice"), ("US", "us_opt_out"), ("BR", "none")]
    assert experience_for("US-NY", rules, "opt_in").experience == Experience.NOTICE
    assert experience_for("US-WA", rules, "opt_in").gpp_sections == ("usnat",)
    assert experience_for("BR", rules, "opt_in").experience == Experience.NONE
    assert experience_for("JP", rules, "notice").experience == Experience.NOTICE


def test_location_comes_only_from_the_configured_headers(api, site, cloudflare, settings):
    us = banner(api, site, **{"CF-IPCountry": "US", "CF-Region-Code": "CA"}).json()
    assert us["jurisdiction"]["experience"] == "us_opt_out"
    assert us["jurisdiction"]["gpp_sections"] == ["usnat", "usca"]
    assert us["jurisdiction"]["gpc_required"] is True
    assert us["cmp"]["gdpr_applies"] is False
    before_choice = decode(us["jurisdiction"]["gpp_string"])
    assert before_choice["usnat"]["SaleOptOutNotice"] == 1
    assert before_choice["usnat"]["SaleOptOut"] == 2
    assert before_choice["usca"]["SharingOptOut"] == 2

    de = banner(api, site, **{"CF-IPCountry": "DE"})
    assert de.json()["jurisdiction"]["experience"] == "opt_in"
    assert de.json()["cmp"]["gdpr_applies"] is True
    assert "CF-IPCountry" in de["Vary"]
    assert "CF-Region-Code" in de["Vary"]

    # Cloudflare's "unknown" and Tor codes, garbage, and no header at all: the strictest.
    for headers in ({"CF-IPCountry": "XX"}, {"CF-IPCountry": "T1"}, {"CF-IPCountry": "usa"}, {}):
        assert banner(api, site, **headers).json()["jurisdiction"]["experience"] == "opt_in"

    # A header the deployment did not name is the visitor's own word: ignored.
    settings.CMP_LOCATION_COUNTRY_HEADER = ""
    ignored = banner(api, site, **{"CF-IPCountry": "US", "CF-Region-Code": "CA"})
    assert ignored.json()["jurisdiction"]["experience"] == "opt_in"
    assert "CF-IPCountry" not in ignored.get("Vary", "")


def test_region_headers_of_other_cdns(api, site, settings):
    settings.CMP_LOCATION_COUNTRY_HEADER = "CloudFront-Viewer-Country"
    settings.CMP_LOCATION_REGION_HEADER = "CloudFront-Viewer-Country-Region"
    headers = {"CloudFront-Viewer-Country": "US", "CloudFront-Viewer-Country-Region": "co"}
    assert banner(api, site, **headers).json()["jurisdiction"]["gpp_sections"] == ["usnat", "usco"]
    settings.CMP_LOCATION_COUNTRY_HEADER = "X-Vercel-IP-Country"
    settings.CMP_LOCATION_REGION_HEADER = "X-Vercel-IP-Country-Region"
    headers = {"X-Vercel-IP-Country": "US", "X-Vercel-IP-Country-Region": "US-TX"}
    assert banner(api, site, **headers).json()["jurisdiction"]["gpp_sections"] == ["usnat", "ustx"]


def test_what_the_site_configured_elsewhere_reaches_the_banner(api, site, cloudflare):
    brazil = {"CF-IPCountry": "BR"}
    assert banner(api, site, **brazil).json()["jurisdiction"]["experience"] == "opt_in"
    site.other_regions_experience = Experience.NOTICE
    site.save()
    assert banner(api, site, **brazil).json()["jurisdiction"]["experience"] == "notice"
    JurisdictionRule.objects.create(site=site, region="BR", experience=Experience.NONE)
    document = banner(api, site, **brazil).json()
    assert document["jurisdiction"]["experience"] == "none"
    assert document["cmp"]["gdpr_applies"] is False


@pytest.mark.parametrize("region", ["EEA", "FR", "DE-BY", "GB", "*"])
def test_no_rule_weakens_the_opt_in_banner_for_the_eea_or_the_uk(site, region):
    rule = JurisdictionRule(site=site, region=region, experience=Experience.NOTICE)
    with pytest.raises(ValidationError, match="only the opt-in banner"):
        rule.full_clean()
    JurisdictionRule(site=site, region=region, experience=Experience.OPT_IN).full_clean()


@pytest.mark.parametrize("region", ["usa", "U", "US-", "EU", "US-CALI"])
def test_a_rule_names_a_real_region(site, region):
    with pytest.raises(ValidationError, match=r"is not a region|use EEA"):
        JurisdictionRule(site=site, region=region, experience=Experience.OPT_IN).full_clean()


def test_uk_notice_and_objection_is_for_uk_visitors_only(api, site, cloudflare):
    assert experience_for("GB", [], "opt_in", True).objection_categories == (
        "functional",
        "analytics",
        "performance",
    )
    for region in ("DE", "IE", "FR", "US-CA", "CH", ""):
        assert experience_for(region, [], "opt_in", True).objection_categories == ()
    assert experience_for("GB", [], "opt_in", False).objection_categories == ()

    site.uk_notice_objection = True
    site.save()
    uk = banner(api, site, **{"CF-IPCountry": "GB"}).json()
    assert uk["jurisdiction"]["objection_categories"] == ["functional", "analytics", "performance"]
    assert uk["cmp"]["gdpr_applies"] is True, "still the opt-in banner: advertising needs consent"
    ireland = banner(api, site, **{"CF-IPCountry": "IE"}).json()
    assert ireland["jurisdiction"]["objection_categories"] == []


def test_the_admin_shows_the_rules_and_the_shipped_ones(admin_client, site):
    JurisdictionRule.objects.create(site=site, region="BR", experience=Experience.NOTICE)
    page = admin_client.get(f"/admin/sites/site/{site.pk}/change/").content.decode()
    assert 'name="jurisdiction_rules-0-region"' in page
    assert 'value="BR"' in page
    assert "other_regions_experience" in page
    assert "uk_notice_objection" in page
    assert "ePrivacy Directive" in page, "the shipped rules are listed with their legal source"


@pytest.mark.parametrize("state", sorted(US_STATE_LAWS))
def test_every_state_with_a_law_gets_a_gpp_string_of_its_own_section(state):
    jurisdiction = experience_for(f"US-{state}", [], Experience.OPT_IN)
    section = US_STATE_LAWS[state][0]
    assert jurisdiction.gpp_sections == ("usnat", section)
    for opted_out in (False, True):
        model = decode(
            us_gpp_string(jurisdiction.gpp_sections, opted_out=opted_out, limited=False, gpc=False)
        )
        assert model.section_ids == (7, SECTION_IDS[section])
        assert model[section]["SaleOptOut"] == model["usnat"]["SaleOptOut"] == (1 if opted_out else 2)
        assert model[section]["SaleOptOutNotice"] == 1
    assert set(section_layouts(jurisdiction.gpp_sections)) == {"usnat", section}

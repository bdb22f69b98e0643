"""Classification: the site's declarations first, then this CMP's cookies, the Open Cookie Database
and the GVL device storage disclosures (identifier and domain); the match names its source, and
what matches nothing is unclassified. Third-party hosts are matched to GVL vendors and Google ATPs
by the domains they declare."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from scanner.classify import Classifier
from sites.models import CookieDeclaration
from vendors.models import DeviceStorageDisclosure


@pytest.fixture
def pubmatic(catalogue, repo_root):
    call_command(
        "fetch_storage_disclosures",
        "--file",
        f"76={repo_root / 'tests/data/pubmatic.deviceStorage.json'}",
        verbosity=0,
    )
    return DeviceStorageDisclosure.objects.get(vendor_id=76)


def test_declarations_come_first_and_patterns_match_prefixes(site, pubmatic):
    analytics = site.categories.get(slug="analytics")
    CookieDeclaration.objects.create(category=analytics, name="_ga")
    CookieDeclaration.objects.create(
        category=site.categories.get(slug="functional"), name="pref_", is_pattern=True
    )
    CookieDeclaration.objects.create(category=analytics, name="only_there", domain="stats.example")
    classify = Classifier(site)
    ga = classify.cookie("_ga", ".www.alpha.example", True)
    assert (ga.category, ga.source, ga.declared, ga.detail) == (
        "analytics",
        "declaration",
        True,
        "Declared in Analytics",
    )
    assert classify.cookie("pref_theme", "www.alpha.example", True).category == "functional"
    assert classify.storage("pref_theme", "www.alpha.example", True).source == "declaration"
    # A declaration with a domain matches only there.
    assert not classify.cookie("only_there", "www.alpha.example", True).source
    assert classify.cookie("only_there", "eu.stats.example", False).declared


def test_open_cookie_database_exact_and_prefix_rows(site, pubmatic):
    classify = Classifier(site)
    gid = classify.cookie("_gid", "www.alpha.example", True)
    assert (gid.category, gid.source, gid.detail) == ("analytics", "ocd", "Google Analytics: Analytics")
    matomo = classify.cookie("_pk_ses.3.9f1e", "www.alpha.example", True)
    assert (matomo.category, matomo.source) == ("analytics", "ocd")
    assert "prefix _pk_ses" in matomo.detail
    assert classify.cookie("IDE", ".doubleclick.net", False).category == "advertisement"


def test_our_own_consent_cookies_are_necessary_first_party_only(site, pubmatic):
    classify = Classifier(site)
    own = classify.cookie("euconsent-v2", "www.alpha.example", True)
    assert (own.category, own.source) == ("necessary", "cmp")
    # On another site's domain it is another CMP's cookie: the Open Cookie Database names it.
    assert classify.cookie("euconsent-v2", "other.example", False).source == "ocd"


def test_gvl_disclosures_match_identifier_placeholders_and_domain(site, pubmatic):
    classify = Classifier(site)
    krtb = classify.cookie("KRTBCOOKIE_188", ".pubmatic.com", False)
    assert (krtb.category, krtb.source, krtb.vendor_id) == ("advertisement", "gvl", 76)
    assert krtb.detail == "PubMatic, Inc (GVL 76) discloses KRTBCOOKIE_[DSPID]"
    # Same identifier on a domain the vendor does not disclose: not PubMatic's (the community
    # database, which names no domain for it, still knows the name).
    elsewhere = classify.cookie("KRTBCOOKIE_188", "tracker.example", False)
    assert (elsewhere.source, elsewhere.vendor_id) == ("ocd", None)
    web = classify.storage("PubMatic_USP", "eu.ads.pubmatic.com", False)
    assert (web.source, web.vendor_id) == ("gvl", 76)
    # A web (storage) disclosure does not classify a cookie of that name.
    assert not classify.cookie("PubMatic_USP", "eu.ads.pubmatic.com", False).source


def test_unmatched_is_unclassified(site, pubmatic):
    classify = Classifier(site)
    for match in (
        classify.cookie("zz_track", "www.alpha.example", True),
        classify.storage("embed_seen", "x", False),
    ):
        assert (match.category, match.source, match.detail, match.declared) == ("", "", "", False)


def test_hosts_match_gvl_vendors_and_google_atps_by_declared_domains(site, pubmatic):
    classify = Classifier(site)
    assert classify.host("ads.pubmatic.com")[:2] == (76, None)
    vendor, atp, detail = classify.host("platform.adpredictive.com")
    assert (vendor, atp) == (None, 43)
    assert "AdPredictive (Google ATP 43)" in detail
    assert classify.host("cdn.example.org") == (None, None, "")

"""A site's banner in any language it lists: its own texts and category wording per language with
fallback to its default language, the IAB's texts, and ConsentLanguage equal to the language shown."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from privacy_signals.tcf import decode
from sites.admin import language_report
from sites.languages import EU_LANGUAGES, LANGUAGES
from sites.models import CookieCategoryText, CookieDeclaration, CookieDeclarationText, Site, SiteText
from sites.setup import ensure_default_categories
from vendors.management.commands.load_bundled_catalogue import BUNDLED_TRANSLATION_BUNDLE

pytestmark = pytest.mark.django_db

BUNDLE = json.loads(BUNDLED_TRANSLATION_BUNDLE.read_bytes())


@pytest.fixture
def german_site(catalogue):
    site = Site.objects.create(
        key="zeitung",
        name="Zeitung",
        allowed_origins=["https://www.zeitung.example"],
        publisher_country_code="DE",
        languages=["en", "de", "pl", "ga"],
    )
    ensure_default_categories(site)
    return site


def banner(api, site, lang):
    """The configuration as the preferences read it (both documents, merged as cmp.js merges them)."""
    answer = api.get(f"/api/v1/sites/{site.key}/banner?lang={lang}")
    assert answer.status_code == 200, answer.content
    return api.preferences(site.key, lang)


def test_a_site_text_can_be_added_for_every_listed_language(catalogue):
    assert set(EU_LANGUAGES) <= set(LANGUAGES)
    site = Site.objects.create(key="all", name="All", languages=list(LANGUAGES))
    site.full_clean()
    for code in LANGUAGES:
        text = SiteText(site=site, language=code, title=f"title {code}")
        text.full_clean()
        text.save()
    assert site.texts.count() == len(LANGUAGES)
    with pytest.raises(ValidationError):
        Site(key="bad", name="Bad", languages=["en", "xx"]).full_clean()


def test_german_visitor_gets_the_german_site_text_and_the_iab_german_purposes(api, german_site):
    SiteText.objects.create(site=german_site, language="de", title="Ihre Daten bei der Zeitung")
    SiteText.objects.create(
        site=german_site, language="en", title="Your data at Zeitung", body="Our own body."
    )

    german = banner(api, german_site, "de")

    assert german["site"]["language"] == "de"
    assert german["texts"]["title"] == "Ihre Daten bei der Zeitung"
    # A key the German row leaves empty: the project's German, not the site's English.
    assert german["texts"]["accept_all"] == "Alle akzeptieren"
    assert german["texts"]["body"].startswith("Wir und unsere {partners} Partner")
    for purpose in german["purposes"]:
        assert purpose["name"] == BUNDLE["purposes"][str(purpose["id"])]["de"]["name"]
        assert purpose["description"] == BUNDLE["purposes"][str(purpose["id"])]["de"]["description"]
    assert {"code": "de", "name": "Deutsch"} in german["site"]["languages"]


def test_a_language_without_project_strings_falls_back_to_the_sites_default_wording(api, catalogue):
    site = Site.objects.create(key="tr", name="TR", languages=["de", "tr"])
    ensure_default_categories(site)
    SiteText.objects.create(site=site, language="de", title="Datenschutz bei uns", accept_all="Einverstanden")
    SiteText.objects.create(site=site, language="tr", title="Gizliliğiniz")

    turkish = banner(api, site, "tr")

    assert turkish["site"]["language"] == "tr"
    assert turkish["texts"]["title"] == "Gizliliğiniz"
    assert turkish["texts"]["accept_all"] == "Einverstanden"  # the site's own default-language wording
    assert turkish["texts"]["reject_all"] == "Alle ablehnen"  # the built-in wording, in German too
    assert {c["slug"]: c["name"] for c in turkish["categories"]}["necessary"] == "Notwendig"
    assert "project translation" in " ".join(language_report(site))


def test_category_and_cookie_wording_per_language_with_fallback_to_the_sites_own(api, german_site):
    analytics = german_site.categories.get(slug="analytics")
    analytics.name = "Audience measurement"
    analytics.description = "How many people read us."
    analytics.save()
    CookieCategoryText.objects.create(category=analytics, language="de", name="Reichweitenmessung")
    cookie = CookieDeclaration.objects.create(
        category=analytics, name="_ga", duration="2 years", description="Counts visits."
    )
    CookieDeclarationText.objects.create(
        declaration=cookie, language="de", description="Zählt Besuche.", duration="2 Jahre"
    )

    german = {c["slug"]: c for c in banner(api, german_site, "de")["categories"]}
    polish = {c["slug"]: c for c in banner(api, german_site, "pl")["categories"]}

    assert german["analytics"]["name"] == "Reichweitenmessung"
    # The German row has no description: the site's own (default-language) one.
    assert german["analytics"]["description"] == "How many people read us."
    assert german["analytics"]["cookies"][0]["description"] == "Zählt Besuche."
    assert german["analytics"]["cookies"][0]["duration"] == "2 Jahre"
    assert polish["analytics"]["name"] == "Audience measurement"
    assert polish["analytics"]["cookies"][0]["description"] == "Counts visits."
    # Untouched built-in categories speak the visitor's language.
    assert german["necessary"]["name"] == "Notwendig"
    assert polish["necessary"]["name"] == "Niezbędne"


def test_a_new_site_gets_its_categories_in_its_default_language(catalogue):
    site = Site.objects.create(key="gazeta", name="Gazeta", languages=["pl", "en"])
    assert site.categories.get(slug="necessary").name == "Niezbędne"


@pytest.mark.parametrize(("lang", "expected"), [("de", "DE"), ("pl", "PL"), ("en", "EN")])
def test_consent_language_is_the_language_shown(api, german_site, lang, expected):
    shown = banner(api, german_site, lang)["site"]["language"]
    assert shown == lang

    answer = api.consent(german_site.key, {"action": "accept_all", "language": shown})

    assert answer.status_code == 201, answer.content
    assert decode(answer.json()["tc_string"]).consent_language == expected


def test_portuguese_uses_the_iab_pt_pt_file_and_says_pt(api, catalogue):
    site = Site.objects.create(
        key="jornal", name="Jornal", languages=["pt", "en"], allowed_origins=["https://www.jornal.example"]
    )
    ensure_default_categories(site)
    raw = json.loads((BUNDLED_TRANSLATION_BUNDLE.parent / "purposes-pt-pt.json").read_bytes())

    portuguese = banner(api, site, "pt-PT,pt;q=0.9")

    assert portuguese["site"]["language"] == "pt"
    assert portuguese["special_purposes"][2]["name"] == raw["specialPurposes"]["3"]["name"]
    tc = api.consent(site.key, {"action": "reject_all", "language": "pt"}).json()["tc_string"]
    assert decode(tc).consent_language == "PT"


def test_a_language_without_iab_texts_is_shown_in_one_that_has_them(api, german_site):
    irish = banner(api, german_site, "ga")

    assert irish["site"]["language"] == "en"
    assert any("ga: no IAB translation" in line for line in language_report(german_site))
    tc = api.consent(german_site.key, {"action": "accept_all", "language": "ga"}).json()["tc_string"]
    assert decode(tc).consent_language == "EN"


def test_visitor_preferences_are_taken_in_order(api, german_site):
    assert banner(api, german_site, "fr-FR,pl;q=0.8,de;q=0.5")["site"]["language"] == "pl"
    assert banner(api, german_site, "de-AT")["site"]["language"] == "de"
    assert banner(api, german_site, "ja")["site"]["language"] == "en"

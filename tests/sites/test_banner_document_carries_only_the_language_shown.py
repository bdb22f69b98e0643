"""A site with 26 languages, each with its own texts and category wording, still sends a visitor
only the language shown: the document grows by the language list alone (docs/PERFORMANCE.md)."""

from __future__ import annotations

import gzip

import pytest

from sites.models import CookieCategoryText, Site, SiteText
from sites.setup import ensure_default_categories

pytestmark = pytest.mark.django_db

# The 24 official EU languages, Norwegian and Catalan, German first (the site's default).
LANGUAGES = ["de", "en", "fr", "pl", "el", "bg", "cs", "da", "es", "et", "fi", "ga", "hr"]
LANGUAGES += ["hu", "it", "lt", "lv", "mt", "nl", "pt", "ro", "sk", "sl", "sv", "no", "ca"]


def make_site(key: str, languages: list[str]) -> Site:
    site = Site.objects.create(key=key, name=key, languages=languages)
    ensure_default_categories(site)
    for code in languages:
        SiteText.objects.create(site=site, language=code, title=f"marker-title-{code}")
        for category in site.categories.all():
            CookieCategoryText.objects.create(
                category=category, language=code, name=f"marker-{category.slug}-{code}"
            )
    return site


def test_only_the_shown_language_is_carried(api, catalogue):
    assert len(LANGUAGES) == 26
    many = make_site("many", LANGUAGES)
    one = make_site("one", ["de"])

    banner = api.get(f"/api/v1/sites/{many.key}/banner?lang=de")
    body = banner.content
    single = api.get(f"/api/v1/sites/{one.key}/banner?lang=de").content
    # The category names are the preferences', in their own document: the same rule holds there.
    text = body.decode() + api.get(banner.json()["preferences_url"]).content.decode()
    assert "marker-title-de" in text
    assert "marker-analytics-de" in text
    for code in LANGUAGES:
        if code != "de":
            assert f"marker-title-{code}" not in text
            assert f'-{code}"' not in text
    # What the other 25 languages add is their names in the switch, nothing else.
    assert len(body) - len(single) < 1200
    print(
        f"\n26 languages: {len(body)} bytes ({len(gzip.compress(body))} gzipped); "
        f"one language: {len(single)} bytes ({len(gzip.compress(single))} gzipped)"
    )

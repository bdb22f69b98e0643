"""Site set-up helpers: the default cookie categories and the `demo` site that `make run` serves."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from sites.models import CookieCategory, CookieDeclaration, Site, SiteText
from sites.texts import BANNER_TEXTS, DEFAULT_CATEGORIES, OWN_COOKIE_DURATION, OWN_COOKIES, translated

DEMO_SITE_KEY = "demo"
DEMO_ORIGINS = ("http://127.0.0.1:8000", "http://localhost:8000")
DEMO_COOKIES_CSV = Path(__file__).resolve().parent / "data" / "demo-cookies.csv"
COOKIE_SOURCE = "Open Cookie Database"


def ensure_default_categories(site: Site) -> int:
    """Creates the six standard categories the site lacks, worded in the site's default language;
    returns how many were created."""
    created = 0
    language = site.default_language
    for position, (slug, name, description) in enumerate(DEFAULT_CATEGORIES):
        _, was_created = CookieCategory.objects.get_or_create(
            site=site,
            slug=slug,
            defaults={
                "name": translated(name, language),
                "description": translated(description, language),
                "position": position,
            },
        )
        created += was_created
    return created


def _demo_cookie_rows() -> list[dict[str, str]]:
    with DEMO_COOKIES_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def ensure_demo_site() -> tuple[Site, list[str]]:
    """Creates or completes the demo site; never overwrites what an operator changed."""
    done: list[str] = []
    site, created = Site.objects.get_or_create(
        key=DEMO_SITE_KEY,
        defaults={
            "name": "Demo site",
            "domains": ["127.0.0.1", "localhost"],
            "allowed_origins": list(DEMO_ORIGINS),
            "publisher_country_code": "FR",
            "languages": ["en", "fr"],
            "privacy_policy_url": "http://127.0.0.1:8000/demo/#privacy",
            "policy_version": "1",
            "enable_all_vendors": True,
            "enable_all_atps": True,
        },
    )
    if created:
        done.append("created site 'demo'")
    missing_origins = [origin for origin in DEMO_ORIGINS if origin not in site.allowed_origins]
    if missing_origins:
        site.allowed_origins = [*site.allowed_origins, *missing_origins]
        site.save(update_fields=["allowed_origins", "updated_at"])
        done.append(f"allowed origins {', '.join(missing_origins)}")
    categories_created = ensure_default_categories(site)
    if categories_created:
        done.append(f"{categories_created} cookie categories")
    categories = {c.slug: c for c in site.categories.all()}
    cookies_created = 0
    necessary = categories.get("necessary")
    if necessary is not None:
        for name, description in OWN_COOKIES:
            _, was_created = CookieDeclaration.objects.get_or_create(
                category=necessary,
                name=name,
                defaults={
                    "duration": OWN_COOKIE_DURATION.format(days=site.consent_lifetime_days),
                    "description": description,
                    "provider": "This site",
                    "source": "this CMP",
                },
            )
            cookies_created += was_created
    for row in _demo_cookie_rows():
        category = categories.get(row["our_category"])
        if category is None:
            continue
        _, was_created = CookieDeclaration.objects.get_or_create(
            category=category,
            name=row["Cookie / Data Key name"],
            defaults={
                "is_pattern": row["Wildcard match"] == "1",
                "domain": row["Domain"],
                "duration": row["Retention period"],
                "description": row["Description"].strip(),
                "provider": row["Platform"],
                "source": f"{COOKIE_SOURCE} {row['ID']}",
            },
        )
        cookies_created += was_created
    if cookies_created:
        done.append(f"{cookies_created} cookie declarations")
    for language in ("en", "fr"):
        _, was_created = SiteText.objects.get_or_create(
            site=site,
            language=language,
            defaults={
                field: translated(BANNER_TEXTS[key], language)
                for field, key in (
                    ("title", "title"),
                    ("body", "body"),
                    ("accept_all", "accept_all"),
                    ("reject_all", "reject_all"),
                    ("customise", "customise"),
                    ("save_preferences", "save"),
                )
            },
        )
        if was_created:
            done.append(f"{language} texts")
    return site, done

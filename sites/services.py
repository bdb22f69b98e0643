"""Reading a site's configuration on the request path, through the configuration cache."""

from __future__ import annotations

from infra.config import cache
from infra.errors import ApiError
from sites.jurisdictions import Jurisdiction, consent_mode_regions, experience_for
from sites.models import Site


def get_site(site_key: str) -> Site:
    site = cache.get("site", site_key, lambda: Site.objects.filter(key=site_key).first())
    if site is None:
        raise ApiError(404, "unknown_site", f"No site with key {site_key!r}.")
    return site


def category_slugs(site: Site) -> list[str]:
    return cache.get(
        "category-slugs",
        site.pk,
        lambda: list(site.categories.order_by("position", "id").values_list("slug", flat=True)),
    )


def _rules(site: Site) -> list[tuple[str, str]]:
    return cache.get(
        "jurisdiction-rules",
        site.pk,
        lambda: list(site.jurisdiction_rules.order_by("position", "id").values_list("region", "experience")),
    )


def jurisdiction_for(site: Site, region: str) -> Jurisdiction:
    """What applies on `site` to a visitor from `region` ("" when unknown)."""
    rules = _rules(site)
    return cache.get(
        "jurisdictions",
        (site.pk, region),
        lambda: experience_for(region, rules, site.other_regions_experience, site.uk_notice_objection),
        max_entries=4096,
    )


def stub_attributes(site: Site) -> dict[str, str]:
    """The attributes of the inline stub's <script> tag that give Google Consent Mode the site's
    region defaults (static/consent/src/stub.js reads them; docs/BANNER.md, "Consent Mode region
    defaults")."""
    granted, regions, objection = consent_mode_regions(
        _rules(site), site.other_regions_experience, site.uk_notice_objection
    )
    attributes = {
        "data-consent-default": "granted" if granted else "denied",
        "data-consent-regions": " ".join(regions),
    }
    if objection:
        attributes["data-consent-objection-regions"] = " ".join(objection)
    return attributes

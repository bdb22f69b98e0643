"""Reading a site's configuration on the request path, through the configuration cache."""

from __future__ import annotations

from infra.config import cache
from infra.errors import ApiError
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

"""The publisher's console: server-rendered pages over the sites a staff user may see.

Every page that concerns one site goes through `console.access.site_view`, which asks
sites/access.py; the landing page lists `visible_sites` only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from console.status import site_status
from sites.access import has_right, visible_sites

#: The console's pages of one site, in the order of its navigation (URL name, label).
SITE_PAGES: list[tuple[str, str]] = []


def landing(request: HttpRequest) -> HttpResponse:
    """Signed-in staff: their sites with a status line each. Anyone else: what the product is."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return render(request, "console/product.html")
    sites = list(visible_sites(user).order_by("name", "key"))
    statuses = [site_status(site) for site in sites]
    return render(
        request,
        "console/landing.html",
        {
            "statuses": statuses,
            "can_add": user.has_perm("sites.add_site"),
            "editable": {s.pk for s in sites if has_right(user, s, "edit")},
            "site_pages": SITE_PAGES,
        },
    )

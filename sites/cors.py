"""CORS for the public banner API: each site's own allowed origins, nothing else, no credentials.

django-cors-headers does the header work; this receiver tells it, per request, whether the Origin is
one the site in the URL lists. Everything else (admin, downstream API) gets no CORS headers.
"""

from __future__ import annotations

import re

from corsheaders.signals import check_request_enabled
from django.db import DatabaseError
from django.dispatch import receiver
from django.http import HttpRequest

from infra.config import cache
from sites.models import Site

PUBLIC_SITE_PATH = re.compile(
    r"^/api/v1/sites/(?P<site_key>[a-z0-9][a-z0-9_-]{0,62})/(?:banner|requirements|preferences|vendors|consents|users/[A-Za-z0-9_-]+/receipt)$"
)


# The last origins read from the database, per site, in this process. During a database outage the
# CORS check falls back to them, so the banner on a publisher page can still read the 503 (and its
# Retry-After) instead of seeing an opaque network error, and the check itself cannot turn that 503
# into a 500 on the way out.
_last_known_origins: dict[str, frozenset[str]] = {}


def _read_origins(site_key: str) -> frozenset[str]:
    row = Site.objects.filter(key=site_key).values_list("allowed_origins", flat=True).first()
    origins = frozenset(origin.rstrip("/").lower() for origin in (row or []))
    if row is not None:
        _last_known_origins[site_key] = origins
    return origins


def allowed_origins(site_key: str) -> frozenset[str]:
    try:
        return cache.get("site-origins", site_key, lambda: _read_origins(site_key), keep_none=True)
    except DatabaseError:
        # Not kept in the cache: once the database is back, the next request reads it again.
        return _last_known_origins.get(site_key, frozenset())


@receiver(check_request_enabled, dispatch_uid="sites.cors.site_origins")
def site_origin_allowed(sender: object, request: HttpRequest, **kwargs: object) -> bool:
    match = PUBLIC_SITE_PATH.match(request.path_info)
    origin = request.headers.get("Origin", "")
    if match is None or not origin:
        return False
    if request.method == "OPTIONS":
        # A preflight is answered by the CORS middleware before any view (or the per-request
        # configuration check) runs.
        cache.refresh()
    return origin.lower() in allowed_origins(match.group("site_key"))

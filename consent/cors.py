"""CORS for the public banner API: each site's own allowed origins, nothing else, no credentials.

django-cors-headers does the header work; this receiver tells it, per request, whether the Origin is
one the site in the URL lists. Everything else (admin, downstream API) gets no CORS headers.
"""

from __future__ import annotations

import re

from corsheaders.signals import check_request_enabled
from django.core.cache import cache
from django.db import DatabaseError
from django.dispatch import receiver
from django.http import HttpRequest

from consent.models import Site

PUBLIC_SITE_PATH = re.compile(
    r"^/api/v1/sites/(?P<site_key>[a-z0-9][a-z0-9_-]{0,62})/(?:banner|vendors|consents)$"
)
CACHE_SECONDS = 30


# The last origins read from the database, per site, in this process. During a database outage the
# CORS check falls back to them, so the banner on a publisher page can still read the 503 (and its
# Retry-After) instead of seeing an opaque network error, and the check itself cannot turn that 503
# into a 500 on the way out.
_last_known_origins: dict[str, frozenset[str]] = {}


def allowed_origins(site_key: str) -> frozenset[str]:
    cache_key = f"consent:origins:{site_key}"
    origins = cache.get(cache_key)
    if origins is None:
        try:
            row = Site.objects.filter(key=site_key).values_list("allowed_origins", flat=True).first()
        except DatabaseError:
            return _last_known_origins.get(site_key, frozenset())
        origins = frozenset(origin.rstrip("/").lower() for origin in (row or []))
        cache.set(cache_key, origins, CACHE_SECONDS)
        if row is not None:
            _last_known_origins[site_key] = origins
    return origins


@receiver(check_request_enabled, dispatch_uid="consent.cors.site_origins")
def site_origin_allowed(sender: object, request: HttpRequest, **kwargs: object) -> bool:
    match = PUBLIC_SITE_PATH.match(request.path_info)
    origin = request.headers.get("Origin", "")
    if match is None or not origin:
        return False
    return origin.lower() in allowed_origins(match.group("site_key"))

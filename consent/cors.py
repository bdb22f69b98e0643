"""CORS for the public banner API: each site's own allowed origins, nothing else, no credentials.

django-cors-headers does the header work; this receiver tells it, per request, whether the Origin is
one the site in the URL lists. Everything else (admin, downstream API) gets no CORS headers.
"""

from __future__ import annotations

import re

from corsheaders.signals import check_request_enabled
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest

from consent.models import Site

PUBLIC_SITE_PATH = re.compile(
    r"^/api/v1/sites/(?P<site_key>[a-z0-9][a-z0-9_-]{0,62})/(?:banner|vendors|consents)$"
)
CACHE_SECONDS = 30


def allowed_origins(site_key: str) -> frozenset[str]:
    cache_key = f"consent:origins:{site_key}"
    origins = cache.get(cache_key)
    if origins is None:
        row = Site.objects.filter(key=site_key).values_list("allowed_origins", flat=True).first()
        origins = frozenset(origin.rstrip("/").lower() for origin in (row or []))
        cache.set(cache_key, origins, CACHE_SECONDS)
    return origins


@receiver(check_request_enabled, dispatch_uid="consent.cors.site_origins")
def site_origin_allowed(sender: object, request: HttpRequest, **kwargs: object) -> bool:
    match = PUBLIC_SITE_PATH.match(request.path_info)
    origin = request.headers.get("Origin", "")
    if match is None or not origin:
        return False
    return origin.lower() in allowed_origins(match.group("site_key"))

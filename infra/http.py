"""Facts about the HTTP request that every app needs the same way."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest

from infra import geoip


def client_address(request: HttpRequest) -> str:
    """The caller's address, trusting X-Forwarded-For only as far as CMP_TRUSTED_PROXY_HOPS says."""
    hops = settings.CMP_TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


_COUNTRY = re.compile(r"[A-Z]{2}")
_SUBDIVISION = re.compile(r"[A-Z0-9]{1,3}")
# What CDNs send when they do not know: Cloudflare's XX (unknown) and T1 (Tor), ISO's reserved codes.
_UNKNOWN_COUNTRIES = frozenset({"XX", "T1", "ZZ", "AA"})


def _header(request: HttpRequest, name: str) -> str:
    if not name:
        return ""
    return request.META.get("HTTP_" + name.upper().replace("-", "_"), "").strip().upper()


def visitor_location(request: HttpRequest) -> tuple[str, str]:
    """The visitor's region ("DE", "US-CA"; "" when unknown) and where it came from: "header" (the
    trusted header the deployment's CDN or proxy sets, CMP_LOCATION_COUNTRY_HEADER and
    CMP_LOCATION_REGION_HEADER), "geoip" (the GeoIP database CMP_GEOIP_DATABASE, looked up with
    the client address when no such header came), or "". Nothing the page's script sends is
    believed; the address is looked up and not kept."""
    country = _header(request, settings.CMP_LOCATION_COUNTRY_HEADER)
    if _COUNTRY.fullmatch(country) and country not in _UNKNOWN_COUNTRIES:
        return _region(country, _header(request, settings.CMP_LOCATION_REGION_HEADER)), "header"
    if geoip.configured():
        country, subdivision = geoip.country_and_subdivision(client_address(request))
        if _COUNTRY.fullmatch(country) and country not in _UNKNOWN_COUNTRIES:
            return _region(country, subdivision.upper()), "geoip"
    return "", ""


def _region(country: str, subdivision: str) -> str:
    # CloudFront and Vercel send the ISO 3166-2 code without its country; some proxies send it whole.
    subdivision = subdivision.removeprefix(country + "-")
    return f"{country}-{subdivision}" if _SUBDIVISION.fullmatch(subdivision) else country


def visitor_region(request: HttpRequest) -> str:
    """The visitor's region, "DE" or "US-CA", "" when unknown (`visitor_location`)."""
    return visitor_location(request)[0]


def location_headers() -> tuple[str, ...]:
    """The request headers a response that depends on the visitor's region varies by."""
    return tuple(
        name for name in (settings.CMP_LOCATION_COUNTRY_HEADER, settings.CMP_LOCATION_REGION_HEADER) if name
    )


def gpc_signalled(request: HttpRequest) -> bool:
    """Whether the browser sent Global Privacy Control (`Sec-GPC: 1`, GPC specification section 3.1)."""
    return request.META.get("HTTP_SEC_GPC", "").strip() == "1"

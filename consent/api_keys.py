"""Per-site API keys for downstream services: issued once, stored as a SHA-256, checked per request.

Keys are 256-bit random tokens, so a plain SHA-256 is enough to make a leaked table useless (there is
nothing to brute-force); a slow password hash would only cost every downstream request.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone

from consent.models import ApiKey, default_scopes
from infra.config import cache
from infra.errors import ApiError
from sites.models import Site

KEY_PREFIX = "cmpk_"
HEADER_SCHEME = "Api-Key"
CHALLENGE = {"WWW-Authenticate": HEADER_SCHEME}


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def issue_key(
    site: Site, name: str, scopes: Iterable[str] | None = None, expires_at: datetime | None = None
) -> tuple[ApiKey, str]:
    """Creates a key for the site (default scopes: read and check); returns the row and the raw
    key, which is shown only this once."""
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        site=site,
        name=name,
        prefix=raw_key[:12],
        key_hash=hash_key(raw_key),
        scopes=list(scopes) if scopes is not None else default_scopes(),
        expires_at=expires_at,
    )
    return api_key, raw_key


def fill_new_key(api_key: ApiKey) -> str:
    """Gives an unsaved ApiKey (e.g. from the admin form) a fresh secret; returns the raw key."""
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key.prefix = raw_key[:12]
    api_key.key_hash = hash_key(raw_key)
    return raw_key


class ApiKeyAuthentication:
    """`Authorization: Api-Key <key>`. Listed in the downstream views' `authentication_classes`, which
    is where drf-spectacular finds the security scheme (consent/api_schema.py); the views call
    `authenticate` themselves."""

    @staticmethod
    def authenticate(request: HttpRequest, site_key: str, scope: str) -> ApiKey:
        """The request's key, which must belong to `site_key`, be unexpired and have `scope`;
        ApiError 401/403 otherwise."""
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            raise ApiError(
                401,
                "not_authenticated",
                f"This endpoint needs the header 'Authorization: {HEADER_SCHEME} <key>'.",
                headers=CHALLENGE,
            )
        scheme, _, raw_key = header.partition(" ")
        raw_key = raw_key.strip()
        if scheme.lower() != HEADER_SCHEME.lower() or not raw_key:
            raise ApiError(
                401,
                "not_authenticated",
                f"Use the header 'Authorization: {HEADER_SCHEME} <key>'.",
                headers=CHALLENGE,
            )
        # Kept by the key as sent: a downstream service sends the same key on every read, and
        # hashing it costs more than the rest of the lookup.
        api_key = cache.get(
            "api-key",
            raw_key,
            lambda: (
                ApiKey.objects.select_related("site")
                .filter(key_hash=hash_key(raw_key), revoked=False)
                .first()
            ),
        )
        if api_key is None:
            raise ApiError(401, "not_authenticated", "This API key is unknown or revoked.", headers=CHALLENGE)
        if api_key.site.key != site_key:
            raise ApiError(403, "forbidden", "This API key belongs to another site.")
        now = timezone.now()
        if api_key.expires_at is not None and api_key.expires_at <= now:
            raise ApiError(
                401, "not_authenticated", "This API key expired; issue a new one.", headers=CHALLENGE
            )
        if scope not in api_key.scopes:
            raise ApiError(
                403,
                "insufficient_scope",
                f"This API key lacks the '{scope}' scope (it has: {', '.join(api_key.scopes) or 'none'}).",
            )
        # One write per key per minute at most: usage is visible without a write on every read
        # (this column does not count as a configuration change; consent/apps.py).
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now
        return api_key

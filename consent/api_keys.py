"""Per-site API keys for downstream services: issued once, stored as a SHA-256, checked per request.

Keys are 256-bit random tokens, so a plain SHA-256 is enough to make a leaked table useless (there is
nothing to brute-force); a slow password hash would only cost every downstream request.
"""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from cmp.memo import memoized
from consent.models import ApiKey, Site

KEY_PREFIX = "cmpk_"
HEADER_SCHEME = "Api-Key"


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def issue_key(site: Site, name: str) -> tuple[ApiKey, str]:
    """Creates a key for the site; returns the row and the raw key, which is shown only this once."""
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(site=site, name=name, prefix=raw_key[:12], key_hash=hash_key(raw_key))
    return api_key, raw_key


def fill_new_key(api_key: ApiKey) -> str:
    """Gives an unsaved ApiKey (e.g. from the admin form) a fresh secret; returns the raw key."""
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key.prefix = raw_key[:12]
    api_key.key_hash = hash_key(raw_key)
    return raw_key


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key <key>`. The request's `auth` is the ApiKey row (its site decides access)."""

    def authenticate(self, request: Request) -> tuple[None, ApiKey] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, raw_key = header.partition(" ")
        if scheme.lower() != HEADER_SCHEME.lower() or not raw_key.strip():
            raise AuthenticationFailed(f"Use the header 'Authorization: {HEADER_SCHEME} <key>'.")
        raw_key = raw_key.strip()
        # Memoised by the key as sent: a downstream service sends the same key on every read, and
        # hashing it costs more than the rest of the memo lookup.
        api_key = memoized(
            "api-key",
            (raw_key,),
            lambda: (
                ApiKey.objects.select_related("site")
                .filter(key_hash=hash_key(raw_key), revoked=False)
                .first()
            ),
        )
        if api_key is None:
            raise AuthenticationFailed("This API key is unknown or revoked.")
        now = timezone.now()
        # One write per key per minute at most: usage is visible without a write on every read.
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now
        return None, api_key

    def authenticate_header(self, request: Request) -> str:
        return HEADER_SCHEME

"""The consent key ring: the current key signs, every key of the ring verifies.

Each key is known by a short id derived from it (so nothing names a key but the key itself), and
every record and seal carries the id of the key that signed it. Rotating
(`manage.py rotate_consent_key`) makes a new key current and keeps the old ones for verification
only: nothing is re-signed, and records signed years ago still verify.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from django.conf import settings

#: Below this a key could be guessed from records; start-up refuses it (cmp/settings.py).
MIN_KEY_BYTES = 32


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"cmp-consent-key-id\x00" + key).hexdigest()[:8]


@functools.cache
def _ring(current: str, old: tuple[str, ...]) -> tuple[tuple[str, bytes], dict[str, bytes]]:
    keys = [current.encode(), *(k.encode() for k in old)]
    by_id = {key_id(k): k for k in keys}
    return (key_id(keys[0]), keys[0]), by_id


def ring() -> tuple[tuple[str, bytes], dict[str, bytes]]:
    """(current id, current key) and every key by id."""
    return _ring(settings.CMP_CONSENT_HMAC_KEY, tuple(settings.CMP_CONSENT_OLD_HMAC_KEYS))


def current() -> tuple[str, bytes]:
    return ring()[0]


def key(kid: str) -> bytes | None:
    return ring()[1].get(kid)


@functools.cache
def _derived(key_bytes: bytes, purpose: bytes) -> bytes:
    return hmac.new(key_bytes, purpose, hashlib.sha256).digest()


def visitor_key() -> bytes:
    """The current key for visitor ids and write tokens (a key of its own, derived from the ring's
    current key, so that no value signed for one purpose passes for another)."""
    return _derived(current()[1], b"cmp-visitor-ids")


def user_agent_key() -> bytes:
    return _derived(current()[1], b"cmp-user-agent-hash")


def visitor_keys() -> tuple[bytes, ...]:
    """Every visitor key of the ring, current first."""
    return _visitor_keys(settings.CMP_CONSENT_HMAC_KEY, tuple(settings.CMP_CONSENT_OLD_HMAC_KEYS))


@functools.cache
def _visitor_keys(current_key: str, old: tuple[str, ...]) -> tuple[bytes, ...]:
    keys = dict.fromkeys([current_key.encode(), *(k.encode() for k in old)])
    return tuple(_derived(k, b"cmp-visitor-ids") for k in keys)

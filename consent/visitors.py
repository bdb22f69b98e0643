"""Visitor ids that only the server issues, and write tokens that only their visitor holds.

A visitor id names a consent history; downstream services, the changes feed and exports see it, so
knowing it must not be enough to append to that history. The server issues both halves:

* the id is 24 random characters followed by a 16-character tag, HMAC(key, site, random part):
  an id the server never issued fails the tag, without a database read;
* the write token is HMAC(key, site, id). It is answered once, with the id on the visitor's first
  POST, kept by the banner in first-party storage, and required on every later POST for that id
  and to download the visitor's receipt.

Neither is stored: the server re-derives both from the consent key ring, so the check is one HMAC
and one constant-time compare on the request path, with no lookup and no extra round trip. Storing
a hash of a random token instead would need a read per POST, and a database writer could replace
the hash with one of their own; a derived token can be minted only with the key (docs/SECURITY.md,
"Trust model"). Old keys of the ring still verify the ids and tokens they issued.
"""

from __future__ import annotations

import base64
import hmac
import secrets

from consent import keyring
from infra.errors import ApiError

RANDOM_LENGTH = 24
TAG_LENGTH = 16
RECORDING_REFUSED = "nothing was recorded. Omit 'user_id' to start as a new visitor."
RECEIPT_REFUSED = "no receipt was given: a receipt goes only to the visitor who holds the id's write token."


def _mac(key: bytes, purpose: bytes, site_id: int, value: str) -> str:
    # hmac.digest: the one-shot C path, several times cheaper than hmac.new(...).digest() per POST.
    digest = hmac.digest(key, purpose + b"\x00%d\x00" % site_id + value.encode(), "sha256")
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _tag(key: bytes, site_id: int, random_part: str) -> str:
    return _mac(key, b"visitor-id", site_id, random_part)[:TAG_LENGTH]


def _token(key: bytes, site_id: int, user_id: str) -> str:
    return _mac(key, b"visitor-write-token", site_id, user_id)


def issue(site_id: int) -> tuple[str, str]:
    """A new visitor id for the site and its write token."""
    key = keyring.visitor_key()
    random_part = secrets.token_urlsafe(18)
    user_id = random_part + _tag(key, site_id, random_part)
    return user_id, _token(key, site_id, user_id)


def check(site_id: int, user_id: str, token: str | None, refused: str = RECORDING_REFUSED) -> None:
    """Nothing if `token` is the write token of `user_id`, an id the server issued for the site;
    ApiError 403 with the reason otherwise (`refused` says what was not done: the same proof guards
    a visitor's choices and their receipt)."""
    random_part, tag = user_id[:RANDOM_LENGTH], user_id[RANDOM_LENGTH:]
    for key in keyring.visitor_keys():
        if len(tag) == TAG_LENGTH and hmac.compare_digest(tag, _tag(key, site_id, random_part)):
            if token is not None and hmac.compare_digest(token, _token(key, site_id, user_id)):
                return
            raise ApiError(
                403,
                "invalid_write_token",
                f"This visitor id needs the write token issued with it ('write_token'); {refused}",
                "write_token",
            )
    raise ApiError(
        403,
        "unknown_visitor",
        f"This visitor id was not issued by this server for this site; {refused}",
        "user_id",
    )

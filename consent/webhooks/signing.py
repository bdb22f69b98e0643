"""The webhook signature (Standard Webhooks, https://www.standardwebhooks.com/): the receiver
recomputes HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}` with the endpoint's secret
(the base64 part after `whsec_`), compares it in constant time with each `v1,` entry of
`webhook-signature`, and refuses timestamps more than TOLERANCE_SECONDS away from its clock and ids
it has already processed (replay protection)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
TOLERANCE_SECONDS = 300


class SignatureError(ValueError):
    """The delivery's signature, timestamp or secret does not verify."""


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise SignatureError("A webhook secret starts with 'whsec_'.")
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except ValueError:
        raise SignatureError("The webhook secret is not base64 after 'whsec_'.") from None


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
        "Content-Type": "application/json",
    }


def verify(secret: str, received: dict[str, str], body: bytes, now: int) -> None:
    """Raises SignatureError unless `received` (header name -> value, any case) signs `body`."""
    lowered = {name.lower(): value for name, value in received.items()}
    message_id = lowered.get("webhook-id", "")
    try:
        timestamp = int(lowered.get("webhook-timestamp", ""))
    except ValueError:
        raise SignatureError("webhook-timestamp is missing or not a number.") from None
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise SignatureError("webhook-timestamp is too far from now (a replay or a wrong clock).")
    expected = signature(secret, message_id, timestamp, body)
    offered = lowered.get("webhook-signature", "").split()
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise SignatureError("No webhook-signature entry matches.")

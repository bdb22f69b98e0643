"""Verifying a webhook delivery (Standard Webhooks, https://www.standardwebhooks.com/).

The server signs `{webhook-id}.{webhook-timestamp}.{raw body}` with HMAC-SHA256 under the endpoint's
secret (the base64 after `whsec_`) and sends `webhook-signature: v1,<base64>` (several entries,
space-separated, while a secret is rotated). This is the receiver's side; it is written here again
rather than imported because receivers install this package without the server."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
DEFAULT_TOLERANCE_SECONDS = 300


class SignatureError(ValueError):
    """The delivery is not signed with this secret, or too old or too new to accept."""


def verify_webhook(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: Callable[[], float] = time.time,
    seen: Callable[[str], bool] | None = None,
) -> dict[str, Any]:
    """The delivery's JSON payload once its signature and timestamp verify; raises SignatureError
    otherwise. `seen(message_id)` -> True refuses an id processed before (replay protection: keep
    ids for at least `tolerance` seconds)."""
    lowered = {name.lower(): value for name, value in headers.items()}
    message_id = lowered.get("webhook-id", "")
    if not message_id:
        raise SignatureError("webhook-id is missing.")
    try:
        timestamp = int(lowered.get("webhook-timestamp", ""))
    except ValueError:
        raise SignatureError("webhook-timestamp is missing or not a number.") from None
    if abs(now() - timestamp) > tolerance:
        raise SignatureError("webhook-timestamp is too far from now (a replay or a wrong clock).")
    if not secret.startswith(SECRET_PREFIX):
        raise SignatureError("A webhook secret starts with 'whsec_'.")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error:
        raise SignatureError("The webhook secret is not base64 after 'whsec_'.") from None
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    expected = "v1," + base64.b64encode(digest).decode()
    offered = lowered.get("webhook-signature", "").split()
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise SignatureError("No webhook-signature entry matches.")
    if seen is not None and seen(message_id):
        raise SignatureError(f"Delivery {message_id} was processed before (a replay).")
    payload: dict[str, Any] = json.loads(body)
    return payload

"""Sending webhook deliveries: signed, retried with exponential backoff for up to a day, an endpoint
disabled after repeated failure.

A delivery is claimed before it is sent (its next attempt moved past the send's time limit in one
conditional UPDATE), so several workers never send the same delivery at once and no database lock
is held while a receiver answers.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import F

from consent.services import clock
from consent.webhooks import signing
from consent.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from infra.json import render_json
from infra.outbound import OutboundFailed, OutboundRefused, fetch

logger = logging.getLogger(__name__)

#: Deliveries sent per run.
BATCH = 200
#: What is kept of a receiver's answer.
EXCERPT = 500


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    disabled_endpoints: list[int] = field(default_factory=list)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: base, 2 x base, 4 x base, ... at most an hour."""
    base = settings.CMP_WEBHOOK_RETRY_BASE_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def _claim(delivery: WebhookDelivery) -> bool:
    lease = clock.now() + timedelta(seconds=settings.CMP_WEBHOOK_TIMEOUT_SECONDS * 3)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, state=DeliveryState.PENDING, next_attempt_at=delivery.next_attempt_at
    ).update(next_attempt_at=lease)
    return claimed == 1


def _send(delivery: WebhookDelivery) -> tuple[bool, int | None, str]:
    endpoint, event = delivery.endpoint, delivery.event
    body = render_json(event.payload)
    headers = signing.headers(endpoint.secret, str(event.id), int(time.time()), body)
    headers["User-Agent"] = "cmp-webhooks/1"
    schemes = ("https", "http") if settings.CMP_OUTBOUND_ALLOW_PRIVATE else ("https",)
    try:
        answer = fetch(
            endpoint.url,
            method="POST",
            data=body,
            headers=headers,
            schemes=schemes,
            max_bytes=64 * 1024,
            timeout=settings.CMP_WEBHOOK_TIMEOUT_SECONDS,
            follow_redirects=False,
        )
    except (OutboundRefused, OutboundFailed) as exc:
        return False, None, str(exc)[:EXCERPT]
    excerpt = answer.body[:EXCERPT].decode("utf-8", "replace")
    return 200 <= answer.status < 300, answer.status, excerpt


def deliver_due() -> DeliveryReport:
    """Sends every pending delivery whose time has come (to active endpoints)."""
    report = DeliveryReport()
    now = clock.now()
    due = list(
        WebhookDelivery.objects.filter(
            state=DeliveryState.PENDING, next_attempt_at__lte=now, endpoint__active=True
        )
        .select_related("event", "endpoint")
        .order_by("next_attempt_at", "id")[:BATCH]
    )
    for delivery in due:
        if not _claim(delivery):
            continue
        ok, status, excerpt = _send(delivery)
        attempts = delivery.attempts + 1
        sent_at = clock.now()
        update: dict[str, object] = {
            "attempts": attempts,
            "last_attempt_at": sent_at,
            "response_status": status,
            "response_excerpt": excerpt,
        }
        if ok:
            update["state"] = DeliveryState.DELIVERED
            report.delivered += 1
            WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(consecutive_failures=0)
        else:
            age = sent_at - delivery.event.created_at
            if age >= timedelta(seconds=settings.CMP_WEBHOOK_RETRY_FOR_SECONDS):
                update["state"] = DeliveryState.FAILED
                report.failed += 1
            else:
                update["next_attempt_at"] = sent_at + backoff(attempts)
                report.retrying += 1
            if _count_failure(delivery.endpoint):
                report.disabled_endpoints.append(delivery.endpoint_id)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**update)
    return report


def _count_failure(endpoint: WebhookEndpoint) -> bool:
    """One more failure in a row; True when that disables the endpoint."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    limit = settings.CMP_WEBHOOK_DISABLE_AFTER_FAILURES
    reason = (
        f"Disabled after {limit} failed deliveries in a row; fix the receiver, then tick 'active' again "
        "(pending deliveries resume)."
    )
    disabled = WebhookEndpoint.objects.filter(
        pk=endpoint.pk, active=True, consecutive_failures__gte=limit
    ).update(active=False, disabled_reason=reason)
    if disabled:
        logger.warning("Webhook endpoint %s of site %s disabled: %s", endpoint.pk, endpoint.site_id, reason)
    return bool(disabled)

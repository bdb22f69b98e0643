"""Webhook endpoints (configuration), the events sent to them and each delivery (operational data)."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from consent.webhooks.signing import new_secret
from sites.models import Site


class EventType(models.TextChoices):
    CONSENT_GIVEN = "consent.given", "consent.given: a visitor's first choice"
    CONSENT_UPDATED = "consent.updated", "consent.updated: a later choice of the same visitor"
    CONSENT_WITHDRAWN = "consent.withdrawn", "consent.withdrawn: the visitor withdrew every consent"
    CONSENT_ERASED = "consent.erased", "consent.erased: the visitor's records were erased"
    CONSENT_EXPIRED = "consent.expired", "consent.expired: the visitor's last record reached its expiry"
    GVL_UPDATED = "gvl.updated", "gvl.updated: a new Global Vendor List version was imported"
    SCAN_FINISHED = "scan.finished", "scan.finished: a cookie scan of the site finished"


def _validate_events(value: object) -> None:
    known = set(EventType.values)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ValidationError("Choose at least one event.")
    unknown = sorted(set(value) - known)
    if unknown:
        raise ValidationError(f"Unknown event(s): {', '.join(unknown)}.")


def validate_endpoint_url(url: str) -> None:
    """https on a public host; http and private hosts only where CMP_OUTBOUND_ALLOW_PRIVATE allows
    (tests). Checked again at every delivery (infra/outbound.py): DNS may change."""
    from infra.outbound import OutboundRefused, resolve_allowed

    try:
        resolve_allowed(url, ("https", "http") if settings.CMP_OUTBOUND_ALLOW_PRIVATE else ("https",))
    except OutboundRefused as refused:
        raise ValidationError(str(refused)) from None
    if urlsplit(url).fragment:
        raise ValidationError("A webhook URL has no #fragment.")


def default_events() -> list[str]:
    return [EventType.CONSENT_GIVEN, EventType.CONSENT_UPDATED, EventType.CONSENT_WITHDRAWN]


class WebhookEndpoint(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=2000, validators=[validate_endpoint_url])
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=default_events, validators=[_validate_events])
    # The receiver verifies with it; shown once when the endpoint is created.
    secret = models.CharField(max_length=80, default=new_secret, editable=False)
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site", "id"]
        verbose_name = "webhook endpoint"

    def __str__(self) -> str:
        return f"{self.site.key}: {self.url}"


class WebhookCursor(models.Model):
    """How far a site's records have been turned into events (consent/webhooks/events.py)."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="webhook_cursor")
    after_record_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.site_id}: after record {self.after_record_id}"


class WebhookEvent(models.Model):
    """One event, sent to every endpoint of the site that wants its type. `key` makes an event
    happen once: a record's consent id and the event type, or the job that caused it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="webhook_events")
    type = models.CharField(max_length=32, choices=EventType.choices)
    key = models.CharField(max_length=120, unique=True)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["site", "created_at"], name="webhook_event_site_time")]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookDelivery(models.Model):
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    # The start of the receiver's answer, or why there was none.
    response_excerpt = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="one_delivery_per_event_and_endpoint")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} -> {self.endpoint_id}: {self.state}"

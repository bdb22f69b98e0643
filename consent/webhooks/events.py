"""Webhook events: made from the consent records (the log is the outbox) and from the jobs that
purge records, import a GVL or finish a scan.

Records become events after they are committed, by `events_from_records`, which reads a site's
records past its cursor. A record that is still being written when that runs (a lower id can commit
after a higher one) is not lost: the cursor only moves past records older than
CMP_WEBHOOK_GRACE_SECONDS, and the events' unique `key` keeps a record that is read twice from
becoming two events.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from consent.models import ConsentAction, ConsentRecord
from consent.services import clock
from consent.services.current import serialise_record
from consent.webhooks.models import EventType, WebhookCursor, WebhookDelivery, WebhookEndpoint, WebhookEvent
from sites.models import Site

#: Records turned into events per site and run.
BATCH = 500

_ACTION_EVENTS = {
    ConsentAction.WITHDRAW: EventType.CONSENT_WITHDRAWN,
    ConsentAction.ERASE: EventType.CONSENT_ERASED,
}


def _endpoints_by_event(site: Site) -> dict[str, list[WebhookEndpoint]]:
    wanted: dict[str, list[WebhookEndpoint]] = {}
    for endpoint in WebhookEndpoint.objects.filter(site=site, active=True):
        for event_type in endpoint.events:
            wanted.setdefault(event_type, []).append(endpoint)
    return wanted


def _payload(event_id: str, event_type: str, site: Site, created_at: datetime, data: Any) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": event_type,
        "created_at": created_at.isoformat(),
        "site": site.key,
        "data": data,
    }


def emit(
    site: Site,
    event_type: str,
    key: str,
    data: Any,
    *,
    endpoints: dict[str, list[WebhookEndpoint]] | None = None,
) -> WebhookEvent | None:
    """The event `key` for every endpoint of the site that wants `event_type`, created once (None:
    no endpoint wants it, or it exists already)."""
    wanted = (endpoints if endpoints is not None else _endpoints_by_event(site)).get(event_type)
    if not wanted:
        return None
    now = clock.now()
    event = WebhookEvent(site=site, type=event_type, key=key, created_at=now)
    event.payload = _payload(str(event.id), event_type, site, now, data)
    try:
        with transaction.atomic():
            event.save(force_insert=True)
            WebhookDelivery.objects.bulk_create(
                [WebhookDelivery(event=event, endpoint=endpoint, next_attempt_at=now) for endpoint in wanted]
            )
    except IntegrityError:  # this key was emitted already (a record read twice, a job run twice)
        return None
    return event


def _record_event(record: ConsentRecord, returning: bool) -> tuple[str, Any]:
    event_type = _ACTION_EVENTS.get(record.action)  # type: ignore[call-overload]
    if event_type == EventType.CONSENT_ERASED:
        return event_type, {
            "user_id": record.user_id,
            "erasure_id": str(record.consent_id),
            "recorded_at": record.created_at.isoformat(),
        }
    if event_type is None:
        event_type = EventType.CONSENT_UPDATED if returning else EventType.CONSENT_GIVEN
    return event_type, serialise_record(record)


def _starting_point(site: Site, endpoints: Iterable[WebhookEndpoint]) -> int:
    """Events start with the records written after the site's first endpoint was made."""
    since = min(endpoint.created_at for endpoint in endpoints)
    before = ConsentRecord.objects.filter(site=site, created_at__lt=since).aggregate(Max("id"))["id__max"]
    return before or 0


def events_from_records(site: Site) -> int:
    """Turns the site's records written since the last run into events; returns how many."""
    wanted = _endpoints_by_event(site)
    if not wanted:
        return 0
    endpoints = {endpoint.pk: endpoint for group in wanted.values() for endpoint in group}.values()
    cursor = WebhookCursor.objects.filter(site=site).first()
    if cursor is None:
        cursor = WebhookCursor.objects.create(site=site, after_record_id=_starting_point(site, endpoints))
    records = list(
        ConsentRecord.objects.filter(site=site, id__gt=cursor.after_record_id)
        .select_related("choice")
        .order_by("id")[:BATCH]
    )
    if not records:
        return 0
    # Who chose before this batch: their choices in it are updates, not first choices (an erasure
    # leaves only its own record, so a choice after it is a first choice again).
    first_id = records[0].id
    seen_before = set(
        ConsentRecord.objects.filter(site=site, user_id__in={r.user_id for r in records}, id__lt=first_id)
        .exclude(action=ConsentAction.ERASE)
        .values_list("user_id", flat=True)
    )
    made = 0
    settled_before = clock.now() - timedelta(seconds=settings.CMP_WEBHOOK_GRACE_SECONDS)
    advance_to = cursor.after_record_id
    blocked = False
    for record in records:
        event_type, data = _record_event(record, record.user_id in seen_before)
        if record.action == ConsentAction.ERASE:
            seen_before.discard(record.user_id)
        else:
            seen_before.add(record.user_id)
        if emit(site, event_type, f"{record.consent_id}:{event_type}", data, endpoints=wanted):
            made += 1
        # The cursor stops at the first record young enough to have a lower-id sibling in flight.
        if record.created_at <= settled_before and not blocked:
            advance_to = record.id
        else:
            blocked = True
    if advance_to != cursor.after_record_id:
        WebhookCursor.objects.filter(pk=cursor.pk).update(after_record_id=advance_to)
    return made


def expired_users(site: Site, user_ids: Iterable[str]) -> None:
    """consent.expired for each of these visitors who has no record left (the retention purge)."""
    wanted = _endpoints_by_event(site)
    if EventType.CONSENT_EXPIRED not in wanted:
        return
    users = set(user_ids)
    remaining = set(
        ConsentRecord.objects.filter(site=site, user_id__in=users).values_list("user_id", flat=True)
    )
    stamp = clock.now().date().isoformat()
    for user_id in sorted(users - remaining):
        emit(
            site,
            EventType.CONSENT_EXPIRED,
            f"expired:{site.pk}:{user_id}:{stamp}",
            {"user_id": user_id},
            endpoints=wanted,
        )


def gvl_updated(vendor_list_version: int, data: dict[str, Any]) -> int:
    """gvl.updated for every site with an endpoint that wants it; returns how many events."""
    sites = Site.objects.filter(
        pk__in=WebhookEndpoint.objects.filter(active=True).values("site_id")
    ).order_by("pk")
    made = 0
    for site in sites:
        if emit(site, EventType.GVL_UPDATED, f"gvl:{vendor_list_version}:{site.pk}", data):
            made += 1
    return made

"""The changes feed: a site's consent records in the order they were written, page by page, for a
downstream copy (a warehouse, an ad server) that must miss none and see none twice.

Pages follow record ids (keyset pagination): the cursor is the last id a page returned, so records
written, purged or erased meanwhile never shift a page. Records written in the last
CMP_FEED_SETTLE_SECONDS are held back: a record with a lower id may still be committing, and a
reader past it would miss it. An erased visitor's records are gone; the feed carries the erasure
record itself, which names the visitor and nothing else.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from consent.models import ConsentAction, ConsentRecord
from consent.services import clock
from consent.services.current import serialise_record
from infra.errors import bad_request
from sites.models import Site

CURSOR_PREFIX = "c1_"
MAX_PAGE = 1000


def encode_cursor(record_id: int) -> str:
    return CURSOR_PREFIX + base64.urlsafe_b64encode(str(record_id).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The record id a cursor stands for; 400 when it is not one this API gave out."""
    body = cursor.removeprefix(CURSOR_PREFIX)
    try:
        text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not cursor.startswith(CURSOR_PREFIX) or not text.isdigit():
        raise bad_request(
            "'since' is not a cursor from an earlier page of this feed.", "since", "invalid_cursor"
        )
    return int(text)


@dataclass(frozen=True)
class FeedPage:
    items: list[dict[str, Any]]
    next_cursor: str
    has_more: bool


def feed_item(record: ConsentRecord) -> dict[str, Any]:
    if record.action == ConsentAction.ERASE:
        return {
            "consent_id": str(record.consent_id),
            "user_id": record.user_id,
            "action": record.action,
            "created_at": record.created_at.isoformat(),
        }
    return serialise_record(record)


def feed_page(
    site: Site,
    *,
    after_id: int = 0,
    limit: int = 100,
    actions: frozenset[str] = frozenset(),
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> FeedPage:
    settled = clock.now() - timedelta(seconds=settings.CMP_FEED_SETTLE_SECONDS)
    records = ConsentRecord.objects.filter(site=site, id__gt=after_id, created_at__lte=settled)
    if actions:
        records = records.filter(action__in=actions)
    if created_from is not None:
        records = records.filter(created_at__gte=created_from)
    if created_to is not None:
        records = records.filter(created_at__lt=created_to)
    page = list(records.select_related("choice").order_by("id")[: limit + 1])
    has_more = len(page) > limit
    page = page[:limit]
    last = page[-1].id if page else after_id
    return FeedPage([feed_item(r) for r in page], encode_cursor(last), has_more)

"""The retention purge: records past their expiry are deleted in batches and debited from their
seals, so the log stays verifiable; recorded choices no record uses any more go with them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef

from consent.models import ConsentRecord, DeletionReason, RecordedChoice
from consent.record_template import utc_day
from consent.services import clock
from consent.services.deletions import delete_accounted, lock_site
from consent.services.sealing import seal_site
from consent.signals import records_purged
from sites.models import Site

DEFAULT_PURGE_BATCH = 1000


@dataclass
class PurgeReport:
    deleted: int = 0
    batches: int = 0
    per_site: dict[str, int] = field(default_factory=dict)
    # Expired but not yet sealed: left for the next run so the seal accounts for them first.
    waiting_for_seal: int = 0
    # Recorded choices no record refers to anymore.
    choices_deleted: int = 0


def purge_expired(*, batch_size: int = DEFAULT_PURGE_BATCH, now: datetime | None = None) -> PurgeReport:
    """Deletes records past their expiry, in batches, debiting their seals so the log stays verifiable."""
    now = now or clock.now()
    report = PurgeReport()
    for site in Site.objects.order_by("key"):
        seal_site(site, now=now)
        # Each batch starts after the previous one's last id, so it never re-walks the index entries
        # of rows deleted moments ago, and deletes by id range, not by a list of thousands of ids.
        after_id = 0
        purged_users: set[str] = set()
        while True:
            with transaction.atomic():
                lock_site(site)
                last_seal = site.seals.order_by("-sequence").first()
                if last_seal is None:
                    break
                expired = ConsentRecord.objects.filter(
                    site=site, expires_at__lte=now, id__gt=after_id, id__lte=last_seal.through_record_id
                )
                batch = list(expired.order_by("id").values_list("id", "mac", "user_id")[:batch_size])
                if not batch:
                    break
                after_id = batch[-1][0]
                selection = expired.filter(id__lte=after_id)
                rows = [(record_id, mac) for record_id, mac, _ in batch]
                deleted = delete_accounted(site, rows, DeletionReason.RETENTION, "", now, selection)
                purged_users.update(user_id for _, _, user_id in batch)
            report.deleted += deleted
            report.batches += 1
            report.per_site[site.key] = report.per_site.get(site.key, 0) + deleted
        if purged_users:
            records_purged.send(sender=ConsentRecord, site=site, user_ids=purged_users)
        last_seal = site.seals.order_by("-sequence").first()
        waiting = ConsentRecord.objects.filter(site=site, expires_at__lte=now)
        if last_seal is not None:
            waiting = waiting.filter(id__gt=last_seal.through_record_id)
        report.waiting_for_seal += waiting.count()
        report.choices_deleted += _delete_unused_choices(site, now)
    return report


def _delete_unused_choices(site: Site, now: datetime) -> int:
    """Deletes the site's recorded choices that no record refers to anymore (their records expired
    or were erased). A choice is kept until the day after its own has passed: a worker may still be
    inserting a record of it, from a template made before midnight."""
    unused = RecordedChoice.objects.filter(site=site, day__lt=utc_day(now) - timedelta(days=1)).exclude(
        Exists(ConsentRecord.objects.filter(choice_id=OuterRef("pk")))
    )
    deleted, _ = unused.delete()
    return deleted

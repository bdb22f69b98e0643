"""The retention purge: records past their expiry are deleted in batches and debited from their
seals, so the log stays verifiable; recorded choices no record uses any more go with them.

The purge deletes only what it has verified: a record whose MAC does not match its content (for
instance a sealed withdrawal whose `expires_at` a database writer moved into the past, so that a
lawful-looking deletion would hide it) is left in place, named in the report and logged, and
`verify_consent_log` names it too."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef

from consent import evidence
from consent.models import ConsentRecord, DeletionReason, RecordedChoice
from consent.record_template import utc_day
from consent.services import clock
from consent.services.deletions import delete_accounted, lock_site
from consent.services.sealing import seal_site
from consent.signals import records_purged
from sites.models import Site

DEFAULT_PURGE_BATCH = 1000
logger = logging.getLogger(__name__)
#: The record fields read to verify a record's MAC without loading its recorded choice per row.
_VERIFIED_FIELDS = ("id", "consent_id", "site_id", "user_id", "action", "choice_id", "created_at",
                    "expires_at", "user_agent_hash", "ip_truncated", "key_id", "mac")  # fmt: skip


@dataclass
class PurgeReport:
    deleted: int = 0
    batches: int = 0
    per_site: dict[str, int] = field(default_factory=dict)
    # Expired but not yet sealed: left for the next run so the seal accounts for them first.
    waiting_for_seal: int = 0
    # Recorded choices no record refers to anymore.
    choices_deleted: int = 0
    # Consent ids of expired-looking records whose MAC does not match: not deleted.
    tampered: list[str] = field(default_factory=list)


class _MacCheck:
    """Verifies records of a batch against their MACs, one MAC template per recorded choice and
    action (consent.evidence.RecordMacTemplate): the shared part of a record's canonical line is
    serialised once, not once per row."""

    def __init__(self) -> None:
        self.templates: dict[tuple[int, str, str], evidence.RecordMacTemplate | None] = {}
        self.choices: dict[int, RecordedChoice] = {}

    def genuine(self, records: list[ConsentRecord]) -> list[bool]:
        missing = {r.choice_id for r in records} - set(self.choices)
        self.choices.update(RecordedChoice.objects.in_bulk(missing))
        verdicts = []
        for record in records:
            choice = self.choices.get(record.choice_id)
            if choice is None:
                verdicts.append(False)
                continue
            record.choice = choice
            key = (record.choice_id, record.action, record.key_id)
            if key not in self.templates:
                try:
                    self.templates[key] = evidence.RecordMacTemplate(record)
                except ValueError:
                    self.templates[key] = None
                except evidence.UnknownKey:
                    verdicts.append(False)
                    continue
            template = self.templates[key]
            expected = template.mac(record) if template is not None else evidence.record_mac(record)
            # A record from before key ids may have been signed by an older key of the ring.
            verdicts.append(expected == record.mac or (not record.key_id and evidence.record_genuine(record)))
        return verdicts


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
        check = _MacCheck()
        while True:
            with transaction.atomic():
                lock_site(site)
                last_seal = site.seals.order_by("-sequence").first()
                if last_seal is None:
                    break
                expired = ConsentRecord.objects.filter(
                    site=site, expires_at__lte=now, id__gt=after_id, id__lte=last_seal.through_record_id
                )
                batch = list(expired.order_by("id").only(*_VERIFIED_FIELDS)[:batch_size])
                if not batch:
                    break
                after_id = batch[-1].id
                selection = expired.filter(id__lte=after_id)
                verdicts = check.genuine(batch)
                refused = [r for r, ok in zip(batch, verdicts, strict=True) if not ok]
                if refused:
                    selection = selection.exclude(pk__in=[r.id for r in refused])
                    _report_tampered(site, refused, report)
                kept = [r for r, ok in zip(batch, verdicts, strict=True) if ok]
                rows = [(r.id, r.mac) for r in kept]
                deleted = delete_accounted(site, rows, DeletionReason.RETENTION, "", now, selection)
                purged_users.update(r.user_id for r in kept)
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


def _report_tampered(site: Site, records: list[ConsentRecord], report: PurgeReport) -> None:
    for record in records:
        report.tampered.append(str(record.consent_id))
        logger.error(
            "Retention purge of site %s refused record %s (id %d): its MAC does not match its content, "
            "so its expiry cannot be trusted. Left in place; run verify_consent_log.",
            site.key,
            record.consent_id,
            record.id,
        )


def _delete_unused_choices(site: Site, now: datetime) -> int:
    """Deletes the site's recorded choices that no record refers to anymore (their records expired
    or were erased). A choice is kept until the day after its own has passed: a worker may still be
    inserting a record of it, from a template made before midnight."""
    unused = RecordedChoice.objects.filter(site=site, day__lt=utc_day(now) - timedelta(days=1)).exclude(
        Exists(ConsentRecord.objects.filter(choice_id=OuterRef("pk")))
    )
    deleted, _ = unused.delete()
    return deleted

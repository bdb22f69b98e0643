"""Lawful deletions (retention, erasure), accounted so that the seals still verify."""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import datetime

from django.db.models import QuerySet

from consent import evidence, journal
from consent.models import ConsentDeletion, ConsentRecord
from sites.models import Site


def lock_site(site: Site) -> None:
    Site.objects.select_for_update().filter(pk=site.pk).first()


def delete_accounted(
    site: Site,
    rows: list[tuple[int, str]],
    reason: str,
    reference: str,
    now: datetime,
    selection: QuerySet[ConsentRecord] | None = None,
) -> int:
    """Deletes records (id, mac) and debits each seal they belonged to; those no seal covers yet are
    named in the record journal instead. Call inside a transaction holding the site lock.
    `selection`, when given, is a query matching exactly those rows (cheaper to send than thousands
    of ids)."""
    if not rows:
        return 0
    lowest = min(record_id for record_id, _ in rows)
    highest = max(record_id for record_id, _ in rows)
    seals = list(
        site.seals.filter(through_record_id__gte=lowest, after_record_id__lt=highest).order_by("sequence")
    )
    throughs = [s.through_record_id for s in seals]
    by_seal: dict[int, list[str]] = defaultdict(list)
    unsealed: list[int] = []
    for record_id, mac in rows:
        index = bisect.bisect_left(throughs, record_id)
        if index < len(seals) and seals[index].after_record_id < record_id:
            by_seal[index].append(mac)
        else:
            unsealed.append(record_id)
    # No seal accounts for these yet: the record journal says they went lawfully (consent/journal.py).
    journal.journal_deletions(site.pk, unsealed, reason, reference)
    for index, macs in sorted(by_seal.items()):
        count, total = evidence.digest_of(macs)
        deletion = ConsentDeletion(
            site=site,
            seal=seals[index],
            reason=reason,
            reference=reference,
            record_count=count,
            digest=evidence.digest_hex(total),
            created_at=now,
        )
        deletion.key_id = evidence.current_key_id()
        deletion.mac = evidence.mac_of(evidence.deletion_content(deletion), deletion.key_id)
        deletion.save(force_insert=True)
    if selection is None:
        selection = ConsentRecord.objects.filter(pk__in=[record_id for record_id, _ in rows])
    deleted, _ = selection.delete()
    return deleted

"""The seal: a site's records written since its last seal, summed into a digest chained to the
previous seal (consent/evidence.py)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from consent import evidence, journal, sink
from consent.models import ConsentRecord, ConsentSeal
from consent.services import clock
from consent.services.deletions import lock_site
from sites.models import Site

logger = logging.getLogger(__name__)
#: Journaled records missing from (or altered in) a seal's range that its head names by id.
NAMED = 1000


def seal_site(site: Site, *, now: datetime | None = None) -> ConsentSeal | None:
    """Seals the site's records written since its last seal, except the last few seconds' (a
    transaction still in flight may hold a lower id than one already committed), and checks them
    against the record journal (consent/journal.py)."""
    now = now or clock.now()
    cutoff = now - timedelta(seconds=settings.CMP_SEAL_GRACE_SECONDS)
    try:
        with transaction.atomic():
            lock_site(site)
            previous = site.seals.order_by("-sequence").first()
            after = previous.through_record_id if previous else 0
            pending = ConsentRecord.objects.filter(site=site, id__gt=after)
            fresh = pending.filter(created_at__gt=cutoff).order_by("id").values_list("id", flat=True).first()
            if fresh is not None:
                pending = pending.filter(id__lt=fresh)
            check = _journal_check(site, previous, after)
            count, total, through = 0, 0, after
            # Streamed: a first seal after a long outage may cover millions of records.
            for record_id, mac in pending.order_by("id").values_list("id", "mac").iterator(chunk_size=5000):
                count += 1
                total = (total + int(mac, 16)) % evidence.MODULUS
                through = record_id
                check.see(record_id, mac)
            if not count:
                return None
            seal = ConsentSeal(
                site=site,
                sequence=(previous.sequence + 1) if previous else 1,
                after_record_id=after,
                through_record_id=through,
                record_count=count,
                digest=evidence.digest_hex(total),
                previous_mac=previous.mac if previous else evidence.GENESIS_MAC,
                created_at=now,
            )
            seal.key_id = evidence.current_key_id()
            seal.mac = evidence.mac_of(evidence.seal_content(seal), seal.key_id)
            seal.save(force_insert=True)
    except IntegrityError:
        # Another sealer took this sequence number first; its seal covers these records.
        logger.info("Seal of site %s skipped: a concurrent run sealed it.", site.key)
        return None
    # Records journaled in the sealed range that were not there (or held another MAC) are sealed
    # over all the same, but named in the head, outside the database, where verify_consent_log
    # keeps reporting them: refusing to seal would let a database writer stop sealing.
    missing, altered = check.missing(through), sorted(check.altered)
    if missing or altered:
        logger.error(
            "Seal of site %s #%d: records %s are in the record journal but not in the database, records "
            "%s hold another MAC than journaled. Run verify_consent_log.",
            site.key,
            seal.sequence,
            missing[:NAMED],
            altered[:NAMED],
        )
    journaled = {
        "journal_offset": check.resume_offset(through),
        # Named up to a point (one sink line each), counted in full.
        "journal_missing": missing[:NAMED],
        "journal_missing_count": len(missing),
        "journal_altered": altered[:NAMED],
        "journal_altered_count": len(altered),
    }
    # Anchors the chain outside the database (consent/sink.py), after the commit: a head in the
    # sink is always a seal the database had.
    sink.export_head(seal, site.key, journaled)
    logger.info("Sealed site %s #%d: %d records, mac %s", site.key, seal.sequence, count, seal.mac)
    return seal


def _journal_check(site: Site, previous: ConsentSeal | None, after: int) -> journal.JournalCheck:
    """The site's journal lines after the last seal, read from where the last exported head up to
    that seal says they start (the whole journal without one)."""
    offset = sink.last_journal_offset(site.pk, site.key, previous.sequence) if previous else 0
    check = journal.JournalCheck(site.pk, after, offset).read()
    if check.truncated:
        logger.error(
            "Record journal %s is shorter than the seal sink says: read again from its start.",
            journal.journal_path(),
        )
        check = journal.JournalCheck(site.pk, after, 0).read()
    if check.error:
        logger.error("Record journal not read, seal not checked against it: %s", check.error)
    return check


def seal_all_sites() -> dict[str, int]:
    sealed = {}
    for site in Site.objects.order_by("key"):
        seal = seal_site(site)
        sealed[site.key] = seal.record_count if seal else 0
    return sealed

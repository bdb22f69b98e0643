"""The only writer of the consent log: recording, erasure, sealing, the retention purge; plus reads.

Recording is one synchronous INSERT with the record's MAC computed beforehand: no lock, no queue
(the first record of a choice on a day also stores its RecordedChoice).
Sealing, purging and erasure take a row lock on the site (PostgreSQL) so that they see a stable
set of records; they never block recording.
"""

from __future__ import annotations

import bisect
import json
import logging
import secrets
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cmp.memo import BoundedLru, memoized
from cmp.prepared import PreparedStatement
from consent import evidence
from consent.choices import ChoiceRequest
from consent.disclosure import current_snapshot, site_catalogue
from consent.errors import ApiError
from consent.models import (
    CHOICE_FIELDS,
    ConsentAction,
    ConsentDeletion,
    ConsentRecord,
    ConsentSeal,
    DeletionReason,
    RecordedChoice,
    Site,
)
from consent.record_template import erasure_template, insert_statement, template_for, utc_day
from consent.tc_builder import resolve_choice
from privacy_signals.tcf import TCStringError, decode

logger = logging.getLogger(__name__)

DEFAULT_PURGE_BATCH = 1000


def _now() -> datetime:
    return timezone.now()


def new_user_id() -> str:
    """An opaque random id: 24 bytes of randomness, URL-safe, 32 characters."""
    return secrets.token_urlsafe(24)


# --- reads ------------------------------------------------------------------------------------------


def get_site(site_key: str) -> Site:
    site = memoized("site", (site_key,), lambda: Site.objects.filter(key=site_key).first())
    if site is None:
        raise ApiError(404, "unknown_site", f"No site with key {site_key!r}.")
    return site


def site_category_slugs(site: Site) -> list[str]:
    return memoized(
        "category-slugs",
        (site.pk, site.updated_at),
        lambda: list(site.categories.order_by("position", "id").values_list("slug", flat=True)),
    )


def _unexpired(site: Site, user_id: str) -> QuerySet[ConsentRecord]:
    return (
        ConsentRecord.objects.select_related("choice")
        .filter(site=site, user_id=user_id, expires_at__gt=_now())
        .order_by("-id")
    )


def live_records(site: Site, user_id: str) -> list[ConsentRecord]:
    """The user's records that have not expired, newest first. Expired ones are never returned."""
    return list(_unexpired(site, user_id))


def current_record(site: Site, user_id: str) -> ConsentRecord | None:
    latest = _unexpired(site, user_id).first()
    if latest is None or latest.action == ConsentAction.ERASE:
        return None
    return latest


def _current_columns_sql(columns: tuple[str, ...]) -> str:
    """The downstream reads' one query, written out once: building it through the ORM's compiler on
    every read cost more than running it (docs/PERFORMANCE.md, "HTTP load"). It joins the recorded
    choice only when a column of it is asked for."""
    record, choice = ConsentRecord._meta, RecordedChoice._meta
    names = ["r.id", "r.action", "r.consent_id"]
    for name in columns:
        if name in CHOICE_FIELDS:
            names.append(f"c.{choice.get_field(name).column}")
        else:
            names.append(f"r.{record.get_field(name).column}")
    joins_choice = any(name in CHOICE_FIELDS for name in columns)
    join = f" JOIN {choice.db_table} c ON c.id = r.choice_id" if joins_choice else ""
    return (
        f"SELECT {', '.join(names)} FROM {record.db_table} r{join} "  # noqa: S608 - names from the models, values bound
        "WHERE r.site_id = %s AND r.user_id = %s AND r.expires_at > %s ORDER BY r.id DESC LIMIT 1"
    )


# Per tuple of asked-for fields: the statement, and how to read each field that arrives as text.
_CURRENT_STATEMENTS: dict[tuple[str, ...], tuple[PreparedStatement, tuple[Any, ...]]] = {}


def _text_to_value(name: str) -> Any:
    """How to read column `name` when it arrives as text (cmp/prepared.py): JSON parsed, integers
    converted, the rest as it is."""
    model = RecordedChoice if name in CHOICE_FIELDS else ConsentRecord
    kind = model._meta.get_field(name).get_internal_type()
    if kind == "JSONField":
        return json.loads
    if kind in ("IntegerField", "PositiveIntegerField", "BigIntegerField", "BigAutoField"):
        return int
    return None


def _current_statement(fields: tuple[str, ...]) -> tuple[PreparedStatement, tuple[Any, ...]]:
    found = _CURRENT_STATEMENTS.get(fields)
    if found is None:
        statement = PreparedStatement(_current_columns_sql(fields))
        found = _CURRENT_STATEMENTS[fields] = (statement, tuple(_text_to_value(name) for name in fields))
    return found


def current_fields(site: Site, user_id: str, fields: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """`id`, `consent_id` (canonical text) and the named fields of the user's current record (None: no
    unexpired record, or erased).

    Reads only those columns over the (site, user, id) index, joining the recorded choice only when
    one of its fields is asked for."""
    statement, converters = _current_statement(fields)
    row = statement.fetch_one([site.pk, user_id, _now()])
    if row is None or row[1] == ConsentAction.ERASE:
        return None
    consent_id = row[2]
    if type(consent_id) is not str or len(consent_id) != 36:
        # As text from libpq it is already canonical; a UUID (psycopg's cursor) or SQLite's
        # 32 hex digits become the same canonical text.
        consent_id = str(uuid.UUID(str(consent_id)))
    values: dict[str, Any] = {"id": int(row[0]), "consent_id": consent_id}
    for name, convert, value in zip(fields, converters, row[3:], strict=True):
        values[name] = convert(value) if convert is not None and isinstance(value, str | bytes) else value
    return values


# Rendered current-state answers keyed by record (its random consent id, which unlike the row id is
# never reused, not even by a rolled-back test database) and by everything else they depend on.
# Records are never edited, so the answer for one record only changes with the site's configuration
# (policy version, disclosed vendors, the GVL's policy version), which is part of the key. Which
# record is current is never kept: every read asks the database for the newest id first, so a new
# choice, an erasure or an expiry shows on the very next read.
# ~2,000 answers of at most ~10 KB (accept-all with every GVL vendor): about 20 MB per worker at most.
rendered_states: BoundedLru[tuple[Any, ...], bytes] = BoundedLru(2048)


def render_json(data: Any) -> bytes:
    """The same bytes DRF's JSONRenderer writes for this API's data (compact, UTF-8, strict)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()


def current_state_body(site: Site, user_id: str) -> bytes | None:
    """The JSON body of the current-state answer (None: no unexpired consent)."""
    current = current_fields(site, user_id)
    if current is None:
        return None
    snapshot = current_snapshot()
    catalogue = site_catalogue(site, snapshot)
    key = (
        current["consent_id"],
        site.pk,
        site.policy_version,
        snapshot.tcf_policy_version,
        catalogue.vendors_hash,
    )
    body = rendered_states.get(key)
    if body is None:
        record = (
            ConsentRecord.objects.select_related("choice").filter(consent_id=current["consent_id"]).first()
        )
        if record is None:  # erased or purged between the two reads
            return None
        reasons = reprompt_reasons(site, record)
        body = render_json(
            {**serialise_record(record), "reprompt": {"required": bool(reasons), "reasons": reasons}}
        )
        rendered_states.put(key, body)
    return body


def reprompt_reasons(site: Site, record: ConsentRecord) -> list[str]:
    """Why the banner must ask again although this record has not expired (empty: it need not)."""
    reasons = []
    if record.policy_version != site.policy_version:
        reasons.append("policy_version_changed")
    snapshot = current_snapshot()
    if record.tcf_policy_version is None or record.tcf_policy_version < snapshot.tcf_policy_version:
        reasons.append("tcf_policy_version_changed")
    disclosed_now = site_catalogue(site, snapshot).disclosed_vendor_ids
    try:
        disclosed_then = decode(record.tc_string).vendors_disclosed or frozenset()
    except TCStringError:
        disclosed_then = frozenset()
    if disclosed_now - disclosed_then:
        reasons.append("new_vendors")
    return reasons


# --- recording -------------------------------------------------------------------------------------


def _language_for(site: Site, requested: str | None) -> str:
    if requested and requested in site.languages:
        return requested
    return site.default_language


def record_consent(
    site: Site, request: ChoiceRequest, *, user_agent: str = "", ip_address: str = ""
) -> ConsentRecord:
    """Validates the choice against the site's catalogue, builds the signals and stores the record."""
    language = _language_for(site, request.language)
    snapshot = current_snapshot(language)
    catalogue = site_catalogue(site, snapshot)
    now = _now()
    template = template_for(
        request,
        site,
        catalogue,
        now,
        lambda: resolve_choice(request, site, site_category_slugs(site), catalogue, language),
        _stored_choice,
    )
    record = template.new_record(
        consent_id=uuid.uuid4(),
        user_id=request.user_id or new_user_id(),
        created_at=now,
        expires_at=now + timedelta(days=site.consent_lifetime_days),
        user_agent_hash=evidence.user_agent_hash(user_agent),
        ip_truncated=evidence.truncate_ip(ip_address),
    )
    _insert(record, template.insert_parameters(record))
    return record


def _stored_choice(site: Site, day: date, values: dict[str, Any]) -> RecordedChoice:
    """The recorded choice with this content, stored now if no record used it before."""
    digest = evidence.choice_digest(site.pk, day, values)
    stored = RecordedChoice.objects.filter(digest=digest).first()
    if stored is not None:
        return stored
    try:
        with transaction.atomic():
            return RecordedChoice.objects.create(site=site, day=day, digest=digest, **values)
    except IntegrityError:  # another process stored it between the two statements
        return RecordedChoice.objects.get(digest=digest)


def _insert(record: ConsentRecord, parameters: list[Any]) -> None:
    """`record.save(force_insert=True)` without the ORM's per-call query compilation, which cost more
    Python time than the rest of recording (docs/PERFORMANCE.md, "HTTP load"): the statement is
    written once and prepared once per connection (cmp/prepared.py). Nothing listens to the model's
    save signals. In autocommit mode the INSERT commits before this returns."""
    statement, _ = insert_statement()
    row = statement.fetch_one(parameters)
    assert row is not None  # RETURNING always answers one row
    record.id = int(row[0])
    record._state.adding = False
    record._state.db = connection.alias


# --- deletion with accounting ----------------------------------------------------------------------


def _lock_site(site: Site) -> None:
    Site.objects.select_for_update().filter(pk=site.pk).first()


def _delete_accounted(
    site: Site,
    rows: list[tuple[int, str]],
    reason: str,
    reference: str,
    now: datetime,
    selection: QuerySet[ConsentRecord] | None = None,
) -> int:
    """Deletes records (id, mac) and debits each seal they belonged to. Call inside a transaction
    holding the site lock. `selection`, when given, is a query matching exactly those rows (cheaper
    to send than thousands of ids)."""
    if not rows:
        return 0
    lowest = min(record_id for record_id, _ in rows)
    highest = max(record_id for record_id, _ in rows)
    seals = list(
        site.seals.filter(through_record_id__gte=lowest, after_record_id__lt=highest).order_by("sequence")
    )
    throughs = [s.through_record_id for s in seals]
    by_seal: dict[int, list[str]] = defaultdict(list)
    for record_id, mac in rows:
        index = bisect.bisect_left(throughs, record_id)
        if index < len(seals) and seals[index].after_record_id < record_id:
            by_seal[index].append(mac)
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
        deletion.mac = evidence.mac_of(evidence.deletion_content(deletion))
        deletion.save(force_insert=True)
    if selection is None:
        selection = ConsentRecord.objects.filter(pk__in=[record_id for record_id, _ in rows])
    deleted, _ = selection.delete()
    return deleted


def erase_user(
    site: Site, user_id: str, *, user_agent: str = "", ip_address: str = ""
) -> tuple[ConsentRecord, int]:
    """Deletes every record of the user on the site and records the erasure itself."""
    now = _now()
    template = erasure_template(site, now, _stored_choice)
    erasure = template.new_record(
        consent_id=uuid.uuid4(),
        user_id=user_id,
        created_at=now,
        expires_at=now + timedelta(days=site.consent_lifetime_days),
        user_agent_hash=evidence.user_agent_hash(user_agent),
        ip_truncated=evidence.truncate_ip(ip_address),
    )
    with transaction.atomic():
        _lock_site(site)
        rows = list(
            ConsentRecord.objects.filter(site=site, user_id=user_id).order_by("id").values_list("id", "mac")
        )
        erased = _delete_accounted(site, rows, DeletionReason.ERASURE, str(erasure.consent_id), now)
        _insert(erasure, template.insert_parameters(erasure))
    return erasure, erased


# --- sealing ---------------------------------------------------------------------------------------


def seal_site(site: Site, *, now: datetime | None = None) -> ConsentSeal | None:
    """Seals the site's records written since its last seal, except the last few seconds' (a
    transaction still in flight may hold a lower id than one already committed)."""
    now = now or _now()
    cutoff = now - timedelta(seconds=settings.CMP_SEAL_GRACE_SECONDS)
    try:
        with transaction.atomic():
            _lock_site(site)
            previous = site.seals.order_by("-sequence").first()
            after = previous.through_record_id if previous else 0
            pending = ConsentRecord.objects.filter(site=site, id__gt=after)
            fresh = pending.filter(created_at__gt=cutoff).order_by("id").values_list("id", flat=True).first()
            if fresh is not None:
                pending = pending.filter(id__lt=fresh)
            count, total, through = 0, 0, after
            # Streamed: a first seal after a long outage may cover millions of records.
            for record_id, mac in pending.order_by("id").values_list("id", "mac").iterator(chunk_size=5000):
                count += 1
                total = (total + int(mac, 16)) % evidence.MODULUS
                through = record_id
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
            seal.mac = evidence.mac_of(evidence.seal_content(seal))
            seal.save(force_insert=True)
    except IntegrityError:
        # Another sealer took this sequence number first; its seal covers these records.
        logger.info("Seal of site %s skipped: a concurrent run sealed it.", site.key)
        return None
    # Anchors the chain outside the database: an operator can compare the latest MAC from the logs.
    logger.info("Sealed site %s #%d: %d records, mac %s", site.key, seal.sequence, count, seal.mac)
    return seal


def seal_all_sites() -> dict[str, int]:
    sealed = {}
    for site in Site.objects.order_by("key"):
        seal = seal_site(site)
        sealed[site.key] = seal.record_count if seal else 0
    return sealed


# --- retention -------------------------------------------------------------------------------------


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
    now = now or _now()
    report = PurgeReport()
    for site in Site.objects.order_by("key"):
        seal_site(site, now=now)
        # Each batch starts after the previous one's last id, so it never re-walks the index entries
        # of rows deleted moments ago, and deletes by id range, not by a list of thousands of ids.
        after_id = 0
        while True:
            with transaction.atomic():
                _lock_site(site)
                last_seal = site.seals.order_by("-sequence").first()
                if last_seal is None:
                    break
                expired = ConsentRecord.objects.filter(
                    site=site, expires_at__lte=now, id__gt=after_id, id__lte=last_seal.through_record_id
                )
                rows = list(expired.order_by("id").values_list("id", "mac")[:batch_size])
                if not rows:
                    break
                after_id = rows[-1][0]
                selection = expired.filter(id__lte=after_id)
                deleted = _delete_accounted(site, rows, DeletionReason.RETENTION, "", now, selection)
            report.deleted += deleted
            report.batches += 1
            report.per_site[site.key] = report.per_site.get(site.key, 0) + deleted
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


# --- verification ----------------------------------------------------------------------------------


@dataclass
class VerificationReport:
    site_key: str
    records: int = 0
    seals: int = 0
    deletions: int = 0
    unsealed_records: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_log(site: Site, *, max_problems: int = 100) -> VerificationReport:
    """Checks every record's MAC, the seal chain, the deletion entries, and that each seal's range
    still holds exactly what it sealed minus what lawful deletions removed."""
    report = VerificationReport(site_key=site.key)

    def problem(message: str) -> None:
        if len(report.problems) < max_problems:
            report.problems.append(message)
        elif len(report.problems) == max_problems:
            report.problems.append("... further problems not listed")

    seals = list(site.seals.order_by("sequence"))
    report.seals = len(seals)
    previous_mac = evidence.GENESIS_MAC
    previous_through = 0
    for expected_sequence, seal in enumerate(seals, start=1):
        if seal.sequence != expected_sequence:
            problem(f"Seal #{expected_sequence} is missing (found #{seal.sequence} next).")
        if seal.previous_mac != previous_mac:
            problem(f"Seal #{seal.sequence} does not chain to the previous seal.")
        if seal.after_record_id != previous_through:
            problem(f"Seal #{seal.sequence} does not start where the previous seal ended.")
        if evidence.mac_of(evidence.seal_content(seal)) != seal.mac:
            problem(f"Seal #{seal.sequence} was altered (its MAC does not match).")
        previous_mac = seal.mac
        previous_through = seal.through_record_id

    seal_index = {seal.pk: index for index, seal in enumerate(seals)}
    expected_count = [seal.record_count for seal in seals]
    expected_total = [int(seal.digest, 16) for seal in seals]
    for deletion in site.deletions.order_by("id"):
        report.deletions += 1
        if evidence.mac_of(evidence.deletion_content(deletion)) != deletion.mac:
            problem(f"Deletion entry {deletion.pk} was altered (its MAC does not match).")
        index = seal_index.get(deletion.seal_id)
        if index is None:
            problem(f"Deletion entry {deletion.pk} refers to a seal of another site.")
            continue
        expected_count[index] -= deletion.record_count
        expected_total[index] = (expected_total[index] - int(deletion.digest, 16)) % evidence.MODULUS

    # The join below would pass over a record whose choice is gone; name such records instead.
    orphans = site.consent_records.exclude(Exists(RecordedChoice.objects.filter(pk=OuterRef("choice_id"))))
    for consent_id in orphans.values_list("consent_id", flat=True):
        report.records += 1
        problem(f"Record {consent_id} refers to a recorded choice that is missing.")

    throughs = [seal.through_record_id for seal in seals]
    found_count = [0] * len(seals)
    found_total = [0] * len(seals)
    for record in site.consent_records.select_related("choice").order_by("id").iterator(chunk_size=2000):
        report.records += 1
        if evidence.record_mac(record) != record.mac:
            problem(f"Record {record.consent_id} was altered (its MAC does not match its content).")
        index = bisect.bisect_left(throughs, record.id)
        if index < len(seals):
            found_count[index] += 1
            found_total[index] = (found_total[index] + int(record.mac, 16)) % evidence.MODULUS
        else:
            report.unsealed_records += 1

    for index, seal in enumerate(seals):
        if found_count[index] != expected_count[index]:
            problem(
                f"Seal #{seal.sequence} (records {seal.after_record_id + 1}..{seal.through_record_id}) "
                f"expects {expected_count[index]} records after lawful deletions; "
                f"{found_count[index]} remain."
            )
        elif found_total[index] != expected_total[index]:
            problem(f"Seal #{seal.sequence}: the remaining records are not the ones sealed.")
    return report


def serialise_record(record: ConsentRecord) -> dict[str, object]:
    """The public form of a record (current-state API, export)."""
    return {
        "consent_id": str(record.consent_id),
        "user_id": record.user_id,
        "action": record.action,
        "language": record.language,
        "categories": record.categories,
        "purposes": record.purpose_consents,
        "purpose_li_objections": record.purpose_li_objections,
        "special_features": record.special_feature_optins,
        "vendors": record.vendor_consents,
        "vendor_li_objections": record.vendor_li_objections,
        "atps": record.atp_consents,
        "gvl_version": record.gvl_version,
        "tcf_policy_version": record.tcf_policy_version,
        "policy_version": record.policy_version,
        "vendors_hash": record.vendors_hash,
        "tc_string": record.tc_string,
        "ac_string": record.ac_string,
        "consent_mode": record.consent_mode,
        "created_at": record.created_at.isoformat(),
        "expires_at": record.expires_at.isoformat(),
    }


__all__ = [
    "PurgeReport",
    "VerificationReport",
    "current_fields",
    "current_record",
    "current_state_body",
    "erase_user",
    "get_site",
    "live_records",
    "purge_expired",
    "record_consent",
    "reprompt_reasons",
    "seal_all_sites",
    "seal_site",
    "serialise_record",
    "verify_log",
]

"""A visitor's current state: the newest unexpired record, what it says, and whether to ask again.

"Newest" is by the record's signed creation time (in its MAC), never by the row id, which a
database writer can renumber without breaking any MAC or seal sum: swapping the ids of a
withdrawal and an earlier acceptance changes nothing here. The random consent id (signed too)
breaks a tie. Reading by time needs no read before the INSERT, which a per-visitor counter
would (docs/SECURITY.md, "Which record is current")."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from consent.models import CHOICE_FIELDS, ConsentAction, ConsentRecord, RecordedChoice
from consent.prepared import PreparedStatement
from consent.services import clock
from infra.config import VERSION_TABLE, cache
from infra.json import render_json
from privacy_signals.tcf import TCStringError, decode
from sites.disclosure import current_snapshot, site_catalogue
from sites.models import Site

NEWEST_FIRST = ("-created_at", "-consent_id")


def _unexpired(site: Site, user_id: str) -> QuerySet[ConsentRecord]:
    return (
        ConsentRecord.objects.select_related("choice")
        .filter(site=site, user_id=user_id, expires_at__gt=clock.now())
        .order_by(*NEWEST_FIRST)
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
    every read cost more than running it (docs/PERFORMANCE.md, "HTTP load"). It answers one row
    whether or not the user has a record: the configuration version (infra/config.py) first, so
    the read and the version check are one round trip, then the newest unexpired record's columns
    (NULL when there is none), joining the recorded choice only when a column of it is asked for."""
    record, choice = ConsentRecord._meta, RecordedChoice._meta
    names = ["v.version", "r.id", "r.action", "r.consent_id"]
    for name in columns:
        if name in CHOICE_FIELDS:
            names.append(f"c.{choice.get_field(name).column}")
        else:
            names.append(f"r.{record.get_field(name).column}")
    joins_choice = any(name in CHOICE_FIELDS for name in columns)
    join = f" LEFT JOIN {choice.db_table} c ON c.id = r.choice_id" if joins_choice else ""
    newest = (
        f"SELECT id FROM {record.db_table} WHERE site_id = %s AND user_id = %s AND expires_at > %s "  # noqa: S608 - names from the models, values bound
        "ORDER BY created_at DESC, consent_id DESC LIMIT 1"
    )
    return (
        f"SELECT {', '.join(names)} FROM (SELECT 1 AS one) o "  # noqa: S608 - names from the models, values bound
        f"LEFT JOIN {VERSION_TABLE} v ON v.id = 1 "
        f"LEFT JOIN {record.db_table} r ON r.id = ({newest}){join}"
    )


# Per tuple of asked-for fields: the statement, and how to read each field that arrives as text.
_CURRENT_STATEMENTS: dict[tuple[str, ...], tuple[PreparedStatement, tuple[Any, ...]]] = {}


def _text_to_value(name: str) -> Any:
    """How to read column `name` when it arrives as text (consent/prepared.py): JSON parsed,
    integers converted, the rest as it is."""
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


@dataclass(frozen=True)
class CurrentFields:
    #: The configuration version the statement saw: give it to `infra.config.cache.observe`.
    configuration_version: int | None
    #: `id`, `consent_id` (canonical text) and the asked-for fields (None: no unexpired record, or
    #: erased).
    values: dict[str, Any] | None


def current_fields(site: Site, user_id: str, fields: tuple[str, ...] = ()) -> CurrentFields:
    """The named fields of the user's current record, read over the (site, user, id) index, with
    the configuration version in the same statement."""
    statement, converters = _current_statement(fields)
    row = statement.fetch_one([site.pk, user_id, clock.now()])
    assert row is not None  # the statement always answers one row
    version = None if row[0] is None else int(row[0])
    if row[1] is None or row[2] == ConsentAction.ERASE:
        return CurrentFields(version, None)
    consent_id = row[3]
    if type(consent_id) is not str or len(consent_id) != 36:
        # As text from libpq it is already canonical; a UUID (psycopg's cursor) or SQLite's
        # 32 hex digits become the same canonical text.
        consent_id = str(uuid.UUID(str(consent_id)))
    values: dict[str, Any] = {"id": int(row[1]), "consent_id": consent_id}
    for name, convert, value in zip(fields, converters, row[4:], strict=True):
        values[name] = convert(value) if convert is not None and isinstance(value, str | bytes) else value
    return CurrentFields(version, values)


# ~2,000 answers of at most ~10 KB (accept-all with every GVL vendor): about 20 MB per worker at most.
RENDERED_STATES = 2048


def current_state_body(site: Site, user_id: str) -> tuple[int | None, bytes | None]:
    """The configuration version seen, and the JSON body of the current-state answer (None: no
    unexpired consent).

    Rendered answers are kept per record (its random consent id, which unlike the row id is never
    reused, not even by a rolled-back test database) in the configuration cache: records are never
    edited, so an answer changes only with the configuration (re-prompt reasons). Which record is
    current is never kept: every read asks the database for the newest id, so a new choice, an
    erasure or an expiry shows on the very next read."""
    current = current_fields(site, user_id)
    if current.values is None:
        return current.configuration_version, None
    consent_id = current.values["consent_id"]

    def render() -> bytes | None:
        record = ConsentRecord.objects.select_related("choice").filter(consent_id=consent_id).first()
        if record is None:  # erased or purged between the two reads
            return None
        reasons = reprompt_reasons(site, record)
        return render_json(
            {**serialise_record(record), "reprompt": {"required": bool(reasons), "reasons": reasons}}
        )

    body = cache.get("current-state", (site.pk, consent_id), render, max_entries=RENDERED_STATES)
    return current.configuration_version, body


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
        "experience": record.experience,
        "region": record.region,
        "gpc": record.gpc,
        "us_opt_outs": record.us_opt_outs,
        "gpp_string": record.gpp_string,
        "created_at": record.created_at.isoformat(),
        "expires_at": record.expires_at.isoformat(),
    }

"""What the consent records of one choice share: their recorded choice, insert parameters, MAC pieces.

On one day under one site configuration, visitors' choices fall into few shapes (accept all, reject
all, a handful of common custom ones). The records of one shape point to one `RecordedChoice` and
differ only in `PER_RECORD_FIELDS`. Building the rest (signals, sorted id lists, the canonical MAC
line) for every record was most of a consent POST's Python time (docs/PERFORMANCE.md, "HTTP
load"), so a template holds it, built once per shape and kept in a bounded memo. A record made from
a template is the one made field by field:
`tests/consent/test_records_from_a_template_are_the_records_built_field_by_field.py`.

Nothing here writes: `consent/services.py` stores the choice (through the `store_choice` it passes
in) and inserts the record.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Field

from cmp.memo import BoundedLru
from cmp.prepared import PreparedStatement
from consent import evidence
from consent.choices import ChoiceRequest
from consent.disclosure import SiteCatalogue
from consent.models import CHOICE_FIELDS, ConsentAction, ConsentRecord, RecordedChoice, Site
from consent.tc_builder import ResolvedChoice, Signals, build_signals
from privacy_signals.tcf import day_deciseconds

# What differs between two records of one template. `mac` is computed from the rest.
PER_RECORD_FIELDS = (
    "consent_id",
    "user_id",
    "created_at",
    "expires_at",
    "user_agent_hash",
    "ip_truncated",
    "mac",
)

#: (site, day, values of CHOICE_FIELDS) -> the stored RecordedChoice with that content.
StoreChoice = Callable[[Site, date, dict[str, Any]], RecordedChoice]


@functools.cache
def insert_statement() -> tuple[PreparedStatement, tuple[Field[Any, Any], ...]]:
    """The INSERT of one record, written once, and the fields its parameters follow."""
    meta = ConsentRecord._meta
    fields = tuple(f for f in meta.concrete_fields if not f.primary_key)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 - names from the model, values bound
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(meta.pk.column)}"
    )
    return PreparedStatement(sql), fields


def choice_values(
    choice: ResolvedChoice, site: Site, catalogue: SiteCatalogue, signals: Signals
) -> dict[str, Any]:
    """The values of CHOICE_FIELDS for a resolved choice and the signals built for it."""
    return {
        "language": choice.language,
        "categories": choice.categories,
        "purpose_consents": sorted(choice.purpose_consents),
        "purpose_li_objections": sorted(choice.purpose_li_objections),
        "special_feature_optins": sorted(choice.special_feature_optins),
        "vendor_consents": sorted(choice.vendor_consents),
        "vendor_li_objections": sorted(choice.vendor_li_objections),
        "atp_consents": sorted(choice.atp_consents),
        "gvl_version": catalogue.vendor_list_version,
        "tcf_policy_version": catalogue.tcf_policy_version,
        "policy_version": site.policy_version,
        "vendors_hash": catalogue.vendors_hash,
        "tc_string": signals.tc_string,
        "ac_string": signals.ac_string,
        "consent_mode": dict(signals.consent_mode),
    }


@dataclass(frozen=True)
class RecordTemplate:
    recorded_choice: RecordedChoice
    # The catalogue the choice was resolved against (None for an erasure).
    catalogue: SiteCatalogue | None
    action: str
    # Insert parameters in `insert_statement()` order; per-record positions hold None.
    parameters: tuple[Any, ...]
    per_record_positions: tuple[tuple[int, Field[Any, Any]], ...]
    mac_template: evidence.RecordMacTemplate | None

    def new_record(self, **per_record: Any) -> ConsentRecord:
        """An unsaved record of this template with its own `PER_RECORD_FIELDS` (mac excepted) and
        its MAC. Its choice is the template's row, shared: records are never edited."""
        record = ConsentRecord(
            site_id=self.recorded_choice.site_id,
            action=self.action,
            choice=self.recorded_choice,
            **per_record,
        )
        if self.mac_template is None:
            record.mac = evidence.record_mac(record)
        else:
            record.mac = self.mac_template.mac(record)
        return record

    def insert_parameters(self, record: ConsentRecord) -> list[Any]:
        parameters = list(self.parameters)
        for position, field in self.per_record_positions:
            parameters[position] = field.get_db_prep_save(getattr(record, field.attname), connection)
        return parameters


def _build(
    action: str,
    site: Site,
    now: datetime,
    values: dict[str, Any],
    store_choice: StoreChoice,
    catalogue: SiteCatalogue | None = None,
) -> RecordTemplate:
    recorded_choice = store_choice(site, utc_day(now), values)
    sample = ConsentRecord(site_id=site.pk, action=action, choice=recorded_choice)
    _, fields = insert_statement()
    parameters: list[Any] = []
    per_record_positions = []
    for position, field in enumerate(fields):
        if field.attname in PER_RECORD_FIELDS:
            parameters.append(None)
            per_record_positions.append((position, field))
        else:
            parameters.append(field.get_db_prep_save(getattr(sample, field.attname), connection))
    sample.consent_id = "00000000-0000-0000-0000-000000000000"
    sample.created_at = sample.expires_at = now
    try:
        mac_template: evidence.RecordMacTemplate | None = evidence.RecordMacTemplate(sample)
    except ValueError:  # a shared value looks like a marker: every record gets the plain MAC
        mac_template = None
    return RecordTemplate(
        recorded_choice=recorded_choice,
        catalogue=catalogue,
        action=action,
        parameters=tuple(parameters),
        per_record_positions=tuple(per_record_positions),
        mac_template=mac_template,
    )


# Keyed by the request's choice (without its user id), the day, and the site's catalogue object:
# the memoised catalogue is rebuilt whenever the site's configuration or the GVL changes (cmp/
# memo.py, consent/disclosure.py), so its identity stands for all of that. The template keeps the
# catalogue alive, so no other object can take its id while the entry exists.
_TEMPLATES: BoundedLru[tuple[object, ...], RecordTemplate] = BoundedLru(512)


def template_for(
    request: ChoiceRequest,
    site: Site,
    catalogue: SiteCatalogue,
    now: datetime,
    resolve: Callable[[], ResolvedChoice],
    store_choice: StoreChoice,
) -> RecordTemplate:
    """The template of records of this request's choice on `now`'s (UTC) day. `resolve` validates
    the request against the site and resolves it; it runs only when no template is kept for it."""
    key = (
        day_deciseconds(now),
        settings.CMP_ID,
        settings.CMP_VERSION,
        id(catalogue),
        request.action,
        request.language,
        tuple(request.categories.items()),
        request.purposes,
        request.purpose_li_objections,
        request.special_features,
        request.vendors,
        request.vendor_li_objections,
        request.atps,
    )
    template = _TEMPLATES.get(key)
    if template is None or template.catalogue is not catalogue:
        choice = resolve()
        signals = build_signals(choice, site, catalogue, now)
        values = choice_values(choice, site, catalogue, signals)
        template = _build(choice.action, site, now, values, store_choice, catalogue)
        _TEMPLATES.put(key, template)
    return template


def erasure_template(site: Site, now: datetime, store_choice: StoreChoice) -> RecordTemplate:
    """The template of the record that documents an erasure: it signals nothing."""
    values: dict[str, Any] = {name: _empty(name) for name in CHOICE_FIELDS}
    values["language"] = site.default_language
    values["policy_version"] = site.policy_version
    return _build(ConsentAction.ERASE, site, now, values, store_choice)


def _empty(name: str) -> Any:
    return RecordedChoice._meta.get_field(name).get_default()


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def forget_templates() -> None:
    """Drops every template (their choices may be gone: a test database rolled back)."""
    _TEMPLATES.clear()

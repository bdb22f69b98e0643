"""What the consent records of one choice share: their recorded choice, insert parameters, MAC pieces.

On one day under one site configuration, visitors' choices fall into few shapes (accept all, reject
all, a handful of common custom ones). The records of one shape point to one `RecordedChoice` and
differ only in `PER_RECORD_FIELDS`. Building the rest (signals, sorted id lists, the canonical MAC
line) for every record was most of a consent POST's Python time (docs/PERFORMANCE.md, "HTTP
load"), so a template holds it, built once per shape by the recording service
(consent/services/recording.py) and kept in the configuration cache. A record made from a template
is the one made field by field:
`tests/consent/test_records_from_a_template_are_the_records_built_field_by_field.py`.

Nothing here reads configuration or writes to the database.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Field

from consent import evidence
from consent.models import CHOICE_FIELDS, ConsentRecord, RecordedChoice
from consent.prepared import PreparedStatement
from consent.tc_builder import ResolvedChoice, Signals
from infra.config import version_subquery
from sites.disclosure import SiteCatalogue
from sites.models import Site

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


def _record_fields() -> tuple[Field[Any, Any], ...]:
    return tuple(f for f in ConsentRecord._meta.concrete_fields if not f.primary_key)


@functools.cache
def insert_statement() -> PreparedStatement:
    """The INSERT of one record, written once: parameters follow `_record_fields()`."""
    meta, fields = ConsentRecord._meta, _record_fields()
    quote = connection.ops.quote_name
    return PreparedStatement(
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 - names from the model, values bound
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(meta.pk.column)}"
    )


@functools.cache
def insert_if_configuration_statement() -> PreparedStatement:
    """The INSERT of one record that happens only if the configuration version is still the one
    the record was built under (one more parameter, last): no record is ever written from a
    configuration another process has already changed (infra/config.py). No row back: it was not."""
    meta, fields = ConsentRecord._meta, _record_fields()
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # INSERT ... SELECT infers no type for a bare parameter: cast each to its column's type.
        values = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in fields)
        same = "IS NOT DISTINCT FROM CAST(%s AS bigint)"
    else:
        values = ", ".join(["%s"] * len(fields))
        same = "IS %s"
    return PreparedStatement(
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"SELECT {values} WHERE {version_subquery()} {same} RETURNING {quote(meta.pk.column)}"
    )


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
        "experience": str(choice.jurisdiction.experience),
        "region": choice.jurisdiction.region,
        "gpc": choice.gpc,
        "us_opt_outs": sorted(choice.us_opt_outs),
        "gpp_string": signals.gpp_string,
        "screen": choice.screen,
    }


def erasure_values(site: Site) -> dict[str, Any]:
    """The values of CHOICE_FIELDS of the record that documents an erasure: it signals nothing."""
    values: dict[str, Any] = {
        name: RecordedChoice._meta.get_field(name).get_default() for name in CHOICE_FIELDS
    }
    values["language"] = site.default_language
    values["policy_version"] = site.policy_version
    return values


@dataclass(frozen=True)
class RecordTemplate:
    recorded_choice: RecordedChoice
    action: str
    # Insert parameters in `_record_fields()` order; per-record positions hold None.
    parameters: tuple[Any, ...]
    per_record_positions: tuple[tuple[int, Field[Any, Any]], ...]
    mac_template: evidence.RecordMacTemplate | None
    key_id: str

    @classmethod
    def build(cls, action: str, recorded_choice: RecordedChoice, now: datetime) -> RecordTemplate:
        sample = ConsentRecord(
            site_id=recorded_choice.site_id,
            action=action,
            choice=recorded_choice,
            key_id=evidence.current_key_id(),
        )
        parameters: list[Any] = []
        per_record_positions = []
        for position, field in enumerate(_record_fields()):
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
        return cls(
            recorded_choice=recorded_choice,
            action=action,
            parameters=tuple(parameters),
            per_record_positions=tuple(per_record_positions),
            mac_template=mac_template,
            key_id=sample.key_id,
        )

    def new_record(self, **per_record: Any) -> ConsentRecord:
        """An unsaved record of this template with its own `PER_RECORD_FIELDS` (mac excepted) and
        its MAC. Its choice is the template's row, shared: records are never edited."""
        record = ConsentRecord(
            site_id=self.recorded_choice.site_id,
            action=self.action,
            choice=self.recorded_choice,
            key_id=self.key_id,
            **per_record,
        )
        if self.mac_template is None:
            record.mac = evidence.record_mac(record)
        else:
            record.mac = self.mac_template.mac(record)
        return record

    def visitor_record(
        self, site: Site, user_id: str, now: datetime, user_agent: str, ip_address: str
    ) -> ConsentRecord:
        """`new_record` for a visitor's request at `now`: a new consent id, kept for the site's
        consent lifetime, with the user agent hashed and the address truncated (never stored raw)."""
        return self.new_record(
            consent_id=uuid.uuid4(),
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(days=site.consent_lifetime_days),
            user_agent_hash=evidence.user_agent_hash(user_agent),
            ip_truncated=evidence.truncate_ip(ip_address),
        )

    def insert_parameters(self, record: ConsentRecord) -> list[Any]:
        parameters = list(self.parameters)
        for position, field in self.per_record_positions:
            parameters[position] = field.get_db_prep_save(getattr(record, field.attname), connection)
        return parameters


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()

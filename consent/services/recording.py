"""Recording a visitor's choice: validate it against the site's catalogue, build its signals, store
one signed record.

The path is one straight line: the site's catalogue (sites.disclosure) -> the choice resolved
against it (consent.tc_builder.resolve_choice) -> its signals (TC string, AC string, Consent Mode;
consent.tc_builder.build_signals) -> the recorded choice they share with the day's other records
of that choice -> the record template (consent.record_template) -> one INSERT. Everything before
the INSERT is kept per choice in the configuration cache, so a repeated choice costs one prepared
statement. Nothing on this path goes through Redis or Celery: their outages lose no choice.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from consent import evidence, journal, visitors
from consent.choices import ChoiceRequest
from consent.models import ConsentRecord, RecordedChoice
from consent.prepared import PreparedStatement
from consent.processing import allowed_vendor_ids
from consent.record_template import (
    RecordTemplate,
    choice_values,
    insert_if_configuration_statement,
    utc_day,
)
from consent.services import clock
from consent.tc_builder import build_signals, resolve_choice
from infra.config import UNSEEN, cache
from infra.errors import ApiError
from privacy_signals.tcf import day_deciseconds, decode, encode_vendor_set
from sites.banner import choose_language
from sites.disclosure import SiteCatalogue, current_snapshot, site_catalogue, snapshot_for
from sites.jurisdictions import Jurisdiction
from sites.models import Site
from sites.services import category_slugs, get_site, jurisdiction_for

#: Record templates kept per process (one per choice shape and day).
TEMPLATES = 512
#: Tries before giving up while the configuration keeps changing under a POST (never seen in
#: practice: each try re-reads a configuration that changed less than a request ago).
ATTEMPTS = 3


def new_user_id(site: Site) -> str:
    """A new visitor id the server issued for the site (consent.visitors), without its token."""
    return visitors.issue(site.pk)[0]


def record_consent(
    site: Site,
    request: ChoiceRequest,
    *,
    user_agent: str = "",
    ip_address: str = "",
    region: str = "",
    gpc_header: bool = False,
) -> ConsentRecord:
    """Validates the choice against the site's catalogue, builds the signals and stores the record
    for the visitor the request names, with their write token (consent.visitors: 403 otherwise), or
    for a new visitor, whose id and write token the record carries back. It is stored under the
    configuration it was validated against (another process may change it meanwhile: then the
    record is built again under the new one). `region` is where the visitor is ("" when unknown:
    sites/jurisdictions.py); `gpc_header` whether their browser sent Sec-GPC: 1, which counts as the
    banner's `gpc`."""
    if gpc_header and not request.gpc:
        request = replace(request, gpc=True)
    if request.user_id is None:
        user_id, write_token = visitors.issue(site.pk)
    else:
        visitors.check(site.pk, request.user_id, request.write_token)
        user_id, write_token = request.user_id, None
    if cache.observed_version is UNSEEN:
        cache.refresh()
    for _ in range(ATTEMPTS):
        version = cache.observed_version
        language = choose_language(site, request.language)
        catalogue = site_catalogue(site, current_snapshot(language))
        now = clock.now()
        template = _template(request, site, catalogue, language, now, jurisdiction_for(site, region))
        record = template.new_record(
            consent_id=uuid.uuid4(),
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(days=site.consent_lifetime_days),
            user_agent_hash=evidence.user_agent_hash(user_agent),
            ip_truncated=evidence.truncate_ip(ip_address),
        )
        if insert(
            record, [*template.insert_parameters(record), version], insert_if_configuration_statement()
        ):
            record.write_token = write_token
            return record
        cache.refresh()
        site = get_site(site.key)
    raise ApiError(
        503,
        "configuration_changing",
        "The site's configuration changed while the choice was being recorded; nothing was recorded. Retry.",
        headers={"Retry-After": "1"},
    )


def _template(
    request: ChoiceRequest,
    site: Site,
    catalogue: SiteCatalogue,
    language: str,
    now: datetime,
    jurisdiction: Jurisdiction,
) -> RecordTemplate:
    """The template of records of this request's choice on `now`'s (UTC) day under the site's
    configuration, built when the configuration cache holds none."""

    def build() -> RecordTemplate:
        choice = resolve_choice(request, site, category_slugs(site), catalogue, language, jurisdiction)
        signals = build_signals(choice, site, catalogue, now)
        recorded = store_choice(site, utc_day(now), choice_values(choice, site, catalogue, signals))
        return RecordTemplate.build(choice.action, recorded, now)

    key = (
        site.pk,
        day_deciseconds(now),
        settings.CMP_ID,
        settings.CMP_VERSION,
        language,
        request.action,
        tuple(request.categories.items()),
        request.purposes,
        request.purpose_li_objections,
        request.special_features,
        request.vendors,
        request.vendor_li_objections,
        request.atps,
        request.custom_purposes,
        request.opt_outs,
        request.gpc,
        request.screen,
        jurisdiction,
    )
    return cache.get("record-templates", key, build, max_entries=TEMPLATES)


def store_choice(site: Site, day: date, values: dict[str, Any]) -> RecordedChoice:
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


def insert(record: ConsentRecord, parameters: list[Any], statement: PreparedStatement) -> bool:
    """`record.save(force_insert=True)` without the ORM's per-call query compilation, which cost more
    Python time than the rest of recording (docs/PERFORMANCE.md, "HTTP load"): the statement is
    written once and prepared once per connection (consent/prepared.py). Nothing listens to the
    model's save signals. In autocommit mode the INSERT commits before this returns. False: the
    statement's condition refused the row (insert_if_configuration_statement). Every record,
    erasure records included, is written here, and journaled here once committed (consent/journal.py)."""
    row = statement.fetch_one(parameters)
    if row is None:
        return False
    record.id = int(row[0])
    journal.journal_record(record.site_id, record.id, record.mac)
    record._state.adding = False
    record._state.db = connection.alias
    return True


def vendors_allowed(tc_string: str, gvl_version: int | None) -> str:
    """The vendors a recorded choice lets process and run tags (consent/processing.py), encoded as
    a TC string vendor section (privacy_signals.tcf.encode_vendor_set): the consent POST answers it,
    the banner keeps it in its cookie and gates tagged scripts on it. Kept per choice, as its
    template is: every visitor of one choice gets the same set."""

    def build() -> str:
        if not tc_string:  # no TCF where the visitor was: no vendor may run
            return encode_vendor_set(frozenset())
        return encode_vendor_set(
            allowed_vendor_ids(decode(tc_string), snapshot_for(gvl_version or 0).vendors)
        )

    return cache.get("vendors-allowed", (tc_string, gvl_version), build, max_entries=TEMPLATES)

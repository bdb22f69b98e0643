"""The auditor's export: a site's records in a time range and of chosen actions, as CSV, JSON or
ISO/IEC TS 27560 JSON-LD, produced as a stream of chunks so that a million records leave the
server without ever being held in memory together (the database is read in keyset batches of
BATCH rows; bench/export.py measures time and peak memory)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from consent.models import CHOICE_FIELDS, ConsentAction, ConsentRecord, RecordedChoice
from consent.receipts import RecordDocuments
from consent.services.current import serialise_record
from sites.models import Site

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "27560": ("application/ld+json", "jsonld"),
}
BATCH = 1000
MAX_CHOICES_KEPT = 2000

# A record's own fields; what it chose and signalled (CHOICE_FIELDS) is read through its choice.
RECORD_FIELDS = (
    "consent_id",
    "site",
    "user_id",
    "action",
    "created_at",
    "expires_at",
    "user_agent_hash",
    "ip_truncated",
    "mac",
)
CSV_COLUMNS = (*RECORD_FIELDS, *CHOICE_FIELDS)


@dataclass(frozen=True)
class Selection:
    """Which records an export holds: one site's, written in [created_from, created_to), of these
    actions (empty: every action)."""

    site: Site
    created_from: datetime | None = None
    created_to: datetime | None = None
    actions: frozenset[str] = frozenset()

    def records(self) -> Iterator[ConsentRecord]:
        query = ConsentRecord.objects.filter(site=self.site)
        if self.created_from:
            query = query.filter(created_at__gte=self.created_from)
        if self.created_to:
            query = query.filter(created_at__lt=self.created_to)
        if self.actions:
            query = query.filter(action__in=self.actions)
        # Keyset batches rather than one server-side cursor: a long export never holds a
        # transaction (and on SQLite a read lock) open while the client downloads. Records share
        # their recorded choices (a day's Accept All clicks are one row), so each choice is read
        # once and attached, not joined into every record: a choice of a 900-vendor site is some
        # KB of lists, and joined per record it was most of the export's memory and time.
        choices: dict[int, RecordedChoice] = {}
        after = 0
        while True:
            batch = list(query.filter(id__gt=after).order_by("id")[:BATCH])
            missing = {record.choice_id for record in batch} - choices.keys()
            if len(choices) + len(missing) > MAX_CHOICES_KEPT:
                choices.clear()
                missing = {record.choice_id for record in batch}
            choices.update(RecordedChoice.objects.in_bulk(missing))
            for record in batch:
                record.site = self.site
                record.choice = choices[record.choice_id]
            yield from batch
            if len(batch) < BATCH:
                return
            after = batch[-1].id

    def filename(self, kind: str) -> str:
        return f"consent-records-{self.site.key}.{FORMATS[kind][1]}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> object:
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[attr-defined]
    return value


def csv_rows(records: Iterable[ConsentRecord]) -> Iterator[str]:
    """The records as CSV lines, header first; each recorded choice's cells are formatted once."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    choice_cells: dict[int, list[object]] = {}
    for record in records:
        cells = choice_cells.get(record.choice_id)
        if cells is None:
            if len(choice_cells) > MAX_CHOICES_KEPT:
                choice_cells.clear()
            cells = choice_cells[record.choice_id] = [_cell(getattr(record, c)) for c in CHOICE_FIELDS]
        own = [record.site.key if c == "site" else _cell(getattr(record, c)) for c in RECORD_FIELDS]
        yield writer.writerow(own + cells)


def _json_array(head: str, items: Iterator[str], tail: str) -> Iterator[str]:
    yield head
    for number, item in enumerate(items):
        yield ("," if number else "") + item
    yield tail


#: The keys of serialise_record that are the record's own; the rest are its choice's.
_OWN_KEYS = ("consent_id", "user_id", "action", "created_at", "expires_at")


def json_items(records: Iterable[ConsentRecord]) -> Iterator[str]:
    """Each record as serialise_record's JSON (sorted keys), its choice's part serialised once."""
    choice_parts: dict[int, str] = {}
    for record in records:
        full = serialise_record(record) if record.choice_id not in choice_parts else None
        if full is not None:
            if len(choice_parts) > MAX_CHOICES_KEPT:
                choice_parts.clear()
            shared = {k: v for k, v in full.items() if k not in _OWN_KEYS}
            choice_parts[record.choice_id] = json.dumps(shared, separators=(",", ":"), sort_keys=True)[1:-1]
        own = {
            "consent_id": str(record.consent_id),
            "user_id": record.user_id,
            "action": record.action,
            "created_at": record.created_at.isoformat(),
            "expires_at": record.expires_at.isoformat(),
        }
        yield json.dumps(own, separators=(",", ":"))[:-1] + "," + choice_parts[record.choice_id] + "}"


def stream(selection: Selection, kind: str) -> Iterator[str]:
    """The export in `kind` ("csv", "json" or "27560"), chunk by chunk."""
    records = selection.records()
    if kind == "csv":
        return csv_rows(records)
    head = json.dumps({"site": selection.site.key})[:-1] + ',"records":['
    if kind == "json":
        return _json_array(head, json_items(records), "]}")
    documents = RecordDocuments(selection.site)
    return _json_array(
        head, (documents.document_json(r) for r in records if r.action != ConsentAction.ERASE), "]}"
    )

"""`verify_consent_log`: every record's MAC, the seal chain, the deletion entries, that each seal's
range still holds what it sealed minus what lawful deletions removed, that the database still has
every seal head exported to the sink outside it (consent/sink.py), that every record the record
journal lists (consent/journal.py) is there with its MAC unless a lawful deletion names it, and that
no visitor's records were renumbered out of their signed order."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef

from consent import evidence, journal, keyring, sink
from consent.models import RecordedChoice
from sites.models import Site


@dataclass
class VerificationReport:
    site_key: str
    records: int = 0
    seals: int = 0
    deletions: int = 0
    unsealed_records: int = 0
    exported_heads: int = 0
    problems: list[str] = field(default_factory=list)
    # Not failures: e.g. seals sealed before the sink existed, or whose export failed (logged).
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _genuine(content: dict[str, Any], mac: str, kid: str) -> bool:
    try:
        return evidence.genuine(content, mac, kid)
    except evidence.UnknownKey:
        return False


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
    # The highest record id a genuine seal (or an exported head) covers: records after it are
    # checked against the record journal (consent/journal.py) instead.
    sealed_through = 0
    for expected_sequence, seal in enumerate(seals, start=1):
        if seal.sequence != expected_sequence:
            problem(f"Seal #{expected_sequence} is missing (found #{seal.sequence} next).")
        if seal.previous_mac != previous_mac:
            problem(f"Seal #{seal.sequence} does not chain to the previous seal.")
        if seal.after_record_id != previous_through:
            problem(f"Seal #{seal.sequence} does not start where the previous seal ended.")
        if not _genuine(evidence.seal_content(seal), seal.mac, seal.key_id):
            problem(f"Seal #{seal.sequence} was altered (its MAC does not match).")
        else:
            sealed_through = max(sealed_through, seal.through_record_id)
        previous_mac = seal.mac
        previous_through = seal.through_record_id

    heads, unreadable = sink.exported_heads(site.pk, site.key)
    report.exported_heads = len(heads)
    for where in unreadable:
        problem(f"The seal sink line {where} cannot be read.")
    by_sequence = {seal.sequence: seal for seal in seals}
    for sequence, exported in sorted(heads.items()):
        seal = by_sequence.get(sequence)
        if seal is None:
            first, last = exported["after_record_id"] + 1, exported["through_record_id"]
            problem(
                f"Seal #{sequence} (records {first}..{last}, "
                f"{exported['record_count']} records, sealed {exported['created_at']}) is in the seal sink "
                "but missing from the database."
            )
        elif seal.mac != exported["mac"]:
            problem(
                f"Seal #{sequence} differs from its head in the seal sink (replaced after it was exported)."
            )
    for sequence, exported in sorted(heads.items()):
        for record_id in exported.get("journal_missing") or ():
            problem(
                f"Record id {record_id} is in the record journal but was missing when seal #{sequence} "
                "sealed its range: it was deleted outside the lawful deletions before it was sealed."
            )
        for record_id in exported.get("journal_altered") or ():
            problem(
                f"Record id {record_id} held another MAC than the record journal's when seal #{sequence} "
                "sealed its range: it was replaced before it was sealed."
            )
        for kind in ("missing", "altered"):
            named, count = exported.get(f"journal_{kind}") or (), exported.get(f"journal_{kind}_count", 0)
            if isinstance(count, int) and count > len(named):
                problem(f"Seal #{sequence} found {count} journaled records {kind}, {len(named)} named above.")
    not_exported = [seal.sequence for seal in seals if seal.sequence not in heads]
    if not_exported:
        report.notes.append(
            f"{len(not_exported)} seal(s) not in the seal sink (e.g. #{not_exported[-1]}): sealed before "
            "the sink was set up, or their export failed (see the log)."
        )

    seal_index = {seal.pk: index for index, seal in enumerate(seals)}
    expected_count = [seal.record_count for seal in seals]
    expected_total = [int(seal.digest, 16) for seal in seals]
    for deletion in site.deletions.order_by("id"):
        report.deletions += 1
        if not _genuine(evidence.deletion_content(deletion), deletion.mac, deletion.key_id):
            problem(f"Deletion entry {deletion.pk} was altered (its MAC does not match).")
        index = seal_index.get(deletion.seal_id)
        if index is None:
            problem(f"Deletion entry {deletion.pk} refers to a seal of another site.")
            continue
        expected_count[index] -= deletion.record_count
        expected_total[index] = (expected_total[index] - int(deletion.digest, 16)) % evidence.MODULUS

    # The journal's lines of those records start where the newest exported head says.
    sealed_through = max([sealed_through, *(int(item["through_record_id"]) for item in heads.values())])
    offset = sink.journal_offset(heads, max(heads, default=0))
    check = journal.JournalCheck(site.pk, sealed_through, offset).read()
    if check.truncated:
        problem(
            f"The record journal {journal.journal_path()} is shorter than the seal sink says it was: it was "
            "truncated or replaced."
        )
    if check.error:
        problem(f"The record journal cannot be read: {check.error}")
    for offset in check.unreadable:
        problem(f"The record journal line at byte {offset} cannot be read.")
    not_journaled = 0

    # The join below would pass over a record whose choice is gone; name such records instead.
    orphans = site.consent_records.exclude(Exists(RecordedChoice.objects.filter(pk=OuterRef("choice_id"))))
    for record_id, consent_id, mac in orphans.values_list("id", "consent_id", "mac"):
        report.records += 1
        if record_id > sealed_through:
            check.see(record_id, mac)  # altered or not, it is named below
        problem(f"Record {consent_id} refers to a recorded choice that is missing.")

    throughs = [seal.through_record_id for seal in seals]
    found_count = [0] * len(seals)
    found_total = [0] * len(seals)
    # Each visitor's newest record so far in id order: ids follow the signed creation times unless
    # rows were renumbered.
    newest: dict[str, tuple[Any, Any]] = {}
    for record in site.consent_records.select_related("choice").order_by("id").iterator(chunk_size=2000):
        report.records += 1
        if record.key_id and keyring.key(record.key_id) is None:
            problem(
                f"Record {record.consent_id} was signed by key {record.key_id}, which is not in the key ring."
            )
        elif not evidence.record_genuine(record):
            problem(f"Record {record.consent_id} was altered (its MAC does not match its content).")
        before = newest.get(record.user_id)
        if before is not None and before[0] > record.created_at:
            problem(
                f"Records {before[1]} and {record.consent_id} of one visitor are out of their signed "
                "order: their row ids were changed."
            )
        if before is None or before[0] < record.created_at:
            newest[record.user_id] = (record.created_at, record.consent_id)
        index = bisect.bisect_left(throughs, record.id)
        if index < len(seals):
            found_count[index] += 1
            found_total[index] = (found_total[index] + int(record.mac, 16)) % evidence.MODULUS
        else:
            report.unsealed_records += 1
        if record.id > sealed_through:
            if not check.see(record.id, record.mac):
                problem(
                    f"Record {record.consent_id} (id {record.id}) holds another MAC than the record "
                    "journal's: it was replaced before it was sealed."
                )
            if record.id not in check.written:
                not_journaled += 1

    # An erasure that committed while the records were read journaled its lines before committing.
    check.read_deletions_since()
    for record_id in check.missing():
        problem(
            f"Record id {record_id} is in the record journal but missing from the database, and no lawful "
            "deletion names it: it was deleted before it was sealed."
        )
    if not_journaled:
        report.notes.append(
            f"{not_journaled} record(s) not sealed yet are not in the record journal: written before it "
            "existed, while it could not be written (see the log), or after verification read it."
        )

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

"""`verify_consent_log`: every record's MAC, the seal chain, the deletion entries, and that each
seal's range still holds what it sealed minus what lawful deletions removed."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from consent import evidence
from consent.models import RecordedChoice
from sites.models import Site


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

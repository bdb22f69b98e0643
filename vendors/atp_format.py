"""Pure parser for Google's Ad Tech Provider list (additional-consent-providers.csv).

Columns: provider_id, provider_name, policy_url, domains (one space-separated field, may hold `*`
wildcards). No Django here; errors are `GvlFormatError` naming the line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from vendors.gvl_format import GvlFormatError

REQUIRED_COLUMNS = ("provider_id", "provider_name", "policy_url", "domains")


@dataclass(frozen=True)
class AtpRecord:
    id: int
    name: str
    policy_url: str
    domains: str


def parse_atp_csv(raw: bytes | str) -> list[AtpRecord]:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise GvlFormatError(f"The Ad Tech Provider list is not UTF-8 text (byte {exc.start}).") from None
    reader = csv.DictReader(io.StringIO(raw, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise GvlFormatError(
            f"The Ad Tech Provider list lacks the column(s) {', '.join(missing)}; expected the header "
            f"{','.join(REQUIRED_COLUMNS)}."
        )
    reader.fieldnames = header
    records: list[AtpRecord] = []
    seen: set[int] = set()
    try:
        for row in reader:
            line = reader.line_num
            if None in row or any(row.get(column) is None for column in REQUIRED_COLUMNS):
                raise GvlFormatError(f"Line {line} of the Ad Tech Provider list does not have 4 fields.")
            raw_id = row["provider_id"].strip()
            if not raw_id.isdigit() or int(raw_id) < 1:
                raise GvlFormatError(f"Line {line}: provider_id {raw_id!r} is not a positive whole number.")
            provider_id = int(raw_id)
            if provider_id in seen:
                raise GvlFormatError(f"Line {line}: provider_id {provider_id} appears twice.")
            seen.add(provider_id)
            name = row["provider_name"].strip()
            if not name:
                raise GvlFormatError(f"Line {line}: provider {provider_id} has no name.")
            records.append(
                AtpRecord(
                    id=provider_id,
                    name=name,
                    policy_url=row["policy_url"].strip(),
                    domains=" ".join(row["domains"].split()),
                )
            )
    except csv.Error as exc:
        raise GvlFormatError(f"The Ad Tech Provider list is not valid CSV: {exc}.") from None
    return records

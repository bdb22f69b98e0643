"""The seal heads, exported to an append-only sink outside the database.

A database writer can delete the newest seal together with its records, and the next run re-seals
what is left: the chain inside the database still verifies. Each seal's head (site, sequence,
record range, MAC) is therefore appended, as one JSON line, to a file that the database cannot
reach (`CMP_SEAL_SINK_PATH`, on another volume; make it append-only with `chattr +a` or ship it to
a log store). `verify_consent_log` compares the database with it and names every exported seal
that is missing or differs. A head also says what the seal found in the record journal
(consent/journal.py): the journaled records of its range that were missing or held another MAC, and
the journal offset where the lines of records after it start.

A plain file is the default because every deployment has one; an S3 bucket with object lock, a
syslog or a webhook receiver can take the same lines (tail the file).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

from consent import evidence

logger = logging.getLogger(__name__)


def head(seal: Any, site_key: str) -> dict[str, Any]:
    return {
        "site": site_key,
        "site_id": seal.site_id,
        "sequence": seal.sequence,
        "after_record_id": seal.after_record_id,
        "through_record_id": seal.through_record_id,
        "record_count": seal.record_count,
        "created_at": evidence.timestamp(seal.created_at),
        "mac": seal.mac,
    }


def export_head(seal: Any, site_key: str, journal: dict[str, Any] | None = None) -> bool:
    """Appends the seal's head to the sink, with what sealing found in the record journal
    (`journal_offset`, `journal_missing`, `journal_altered`: consent/journal.py); False (and an
    error in the log) when it cannot."""
    path = settings.CMP_SEAL_SINK_PATH
    line = (json.dumps({**head(seal, site_key), **(journal or {})}, sort_keys=True) + "\n").encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_APPEND: each line lands at the end even with several sealers; one write per line.
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(descriptor, line)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as exc:
        logger.error("Seal head of site %s #%d not exported to %s: %s", site_key, seal.sequence, path, exc)
        return False
    return True


def exported_heads(site_id: int, site_key: str) -> tuple[dict[int, dict[str, Any]], list[str]]:
    """The first head exported for each of the site's seal sequences, and the sink lines that could
    not be read."""
    path = settings.CMP_SEAL_SINK_PATH
    heads: dict[int, dict[str, Any]] = {}
    unreadable: list[str] = []
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                try:
                    item = json.loads(line)
                    if item["site"] != site_key or item["site_id"] != site_id:
                        continue
                    # The first head of a sequence is the original: a later one for the same
                    # sequence is a seal made again after the original was removed.
                    heads.setdefault(int(item["sequence"]), item)
                except (ValueError, KeyError, TypeError):
                    unreadable.append(f"{path}:{number}")
    except FileNotFoundError:
        pass
    return heads, unreadable


def journal_offset(heads: dict[int, dict[str, Any]], through_sequence: int) -> int:
    """Where to read the record journal for records after seal #`through_sequence`: the offset the
    newest head up to that seal left (any earlier head's is earlier still, so also safe); 0, the
    whole journal, without one."""
    offsets = [
        int(item["journal_offset"])
        for sequence, item in heads.items()
        if sequence <= through_sequence and isinstance(item.get("journal_offset"), int)
    ]
    return max(offsets, default=0)


def _lines_from_the_end(path: Path, block: int = 65536) -> Iterator[bytes]:
    """The file's lines, last first, read in blocks from its end."""
    with path.open("rb") as file:
        position = file.seek(0, os.SEEK_END)
        rest = b""
        while position > 0:
            step = min(block, position)
            position -= step
            file.seek(position)
            lines = (file.read(step) + rest).split(b"\n")
            rest = lines.pop(0)  # may continue in the block before
            yield from reversed([line for line in lines if line])
        if rest:
            yield rest


def last_journal_offset(site_id: int, site_key: str, through_sequence: int) -> int:
    """`journal_offset` for one seal run without reading the whole sink: the newest head of the
    site up to seal #`through_sequence` that has one, found from the end (heads are appended in
    time, so the last seal's is near it); 0 without one."""
    path = settings.CMP_SEAL_SINK_PATH
    try:
        for line in _lines_from_the_end(path):
            try:
                item = json.loads(line)
                if item["site"] != site_key or item["site_id"] != site_id:
                    continue
                if int(item["sequence"]) <= through_sequence and isinstance(item.get("journal_offset"), int):
                    return int(item["journal_offset"])
            except (ValueError, KeyError, TypeError):
                continue  # verify_consent_log names unreadable lines
    except FileNotFoundError:
        pass
    return 0

"""The record journal: one line per record written, outside the database, so that records not yet
sealed cannot be deleted or swapped without trace.

A seal covers the records written before it (consent/services/sealing.py) and its head is exported
to the seal sink (consent/sink.py); what was written since the last seal is, in the database alone,
just rows that a database writer can delete or edit, and the next seal would then cover what is
left. So every committed record also appends `+ <site id> <record id> <first 16 hex digits of its
MAC>` to this file, beside the seal sink (`CMP_RECORD_JOURNAL_PATH`), and a deletion of records no
seal covers yet (a data-subject erasure) appends `- <site id> <record id> <reason> <reference>`.
Sealing and `verify_consent_log` read the journal from where the site's last exported head says it
still matters (`journal_offset`) and name every journaled record that is missing or holds another
MAC without a `-` line naming it.

The journal holds ids and MAC prefixes only: nothing about the visitor (docs/PRIVACY.md). A lost
line (the file was unwritable: logged) only makes verification note a record it cannot vouch for;
it never fails a consent POST.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

logger = logging.getLogger(__name__)

#: The path the cached descriptor was opened for, and the descriptor. Used under `_lock`: a thread
#: must not write to a descriptor number another one has closed (and the system given out again).
_open: dict[str, Any] = {"path": None, "fd": None}
_lock = threading.Lock()
#: The settings the path was made from, and the path (the same object while they do not change).
_made: list[Any] = [None, None, None]


def journal_path() -> Path:
    """`CMP_RECORD_JOURNAL_PATH`, by default beside the seal sink (on its volume, outside the
    database's)."""
    configured, sink_path = settings.CMP_RECORD_JOURNAL_PATH, settings.CMP_SEAL_SINK_PATH
    if configured is not _made[0] or sink_path is not _made[1]:
        path = Path(configured) if configured else Path(sink_path).with_name("record-journal.log")
        _made[:] = [configured, sink_path, path]
    return _made[2]  # type: ignore[no-any-return]


def _descriptor(path: Path) -> int:
    # Compared by identity: journal_path() returns the same object while the settings stand.
    if _open["path"] is not path or _open["fd"] is None:
        _close()
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_APPEND: lines of every worker land whole at the end, each with one write.
        _open["fd"] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        _open["path"] = path
    return int(_open["fd"])


def _close() -> None:
    if _open["fd"] is not None:
        with contextlib.suppress(OSError):
            os.close(_open["fd"])
    _open["fd"] = _open["path"] = None


def append(data: bytes) -> bool:
    """Appends whole lines with one write on a descriptor kept open (a consent POST pays one system
    call); reopens once when the write fails (the file was replaced, the volume remounted). No
    fsync: a line lost in a host crash costs only a note in verification, never a false finding.
    False, and an error in the log, when it cannot be written."""
    path = journal_path()
    for attempt in (1, 2):
        try:
            with _lock:
                written = os.write(_descriptor(path), data)
                while 0 < written < len(data):  # a regular file takes it whole; a full disk may not
                    written += os.write(_descriptor(path), data[written:])
            return True
        except OSError as exc:
            with _lock:
                _close()
            if attempt == 2:
                logger.error("Record journal %s not written (%d bytes lost): %s", path, len(data), exc)
    return False


def journal_record(site_id: int, record_id: int, mac: str) -> None:
    """Journals a record once its transaction commits (at once in autocommit): a rolled-back INSERT
    leaves no line that would name a record as missing."""
    line = b"+ %d %d %s\n" % (site_id, record_id, mac[:16].encode())
    if connection.in_atomic_block:
        transaction.on_commit(partial(append, line), robust=True)
    else:  # autocommit (the consent POST): committed already, and on_commit would only call it
        append(line)


def journal_deletions(site_id: int, record_ids: Iterable[int], reason: str, reference: str) -> None:
    """Journals a lawful deletion of records no seal covers yet, before it commits: sealing holds
    the site lock, so by the time it can look the line is there (written after the commit, a sealer
    could see the record gone and the line not yet written). If the deletion then rolls back, the
    line excuses a record that is still there."""
    ids = list(record_ids)
    tail = b" %s %s\n" % (reason.encode(), (reference or "-").encode())
    if ids and not append(b"".join(b"- %d %d%s" % (site_id, record_id, tail) for record_id in ids)):
        # The deletion goes ahead (an erasure is owed to the visitor); the log explains the finding.
        logger.error(
            "The %s of records %s of site %d is not in the record journal: verify_consent_log will name "
            "them as deleted outside the lawful deletions.",
            reason,
            ids,
            site_id,
        )


@dataclass
class JournalCheck:
    """A site's journal lines after a record id, read from a byte offset, checked against the
    records the caller sees (`see`), in any order."""

    site_id: int
    after_id: int
    offset: int = 0
    #: record id -> (MAC prefix, offset of its line)
    written: dict[int, tuple[bytes, int]] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    seen: set[int] = field(default_factory=set)
    altered: list[int] = field(default_factory=list)
    #: Offsets of lines that are not journal lines.
    unreadable: list[int] = field(default_factory=list)
    #: Where reading stopped (the end of the last whole line).
    end: int = 0
    #: The file is shorter than `offset`: it was truncated or replaced.
    truncated: bool = False
    #: Why the file could not be read at all ("" when it could, or does not exist yet).
    error: str = ""

    def read(self) -> JournalCheck:
        self.end = self.offset
        self._read(self.offset, keep_written=True)
        return self

    def read_deletions_since(self) -> None:
        """The `-` lines appended since `read` (a deletion committed while the caller read the
        database journaled them before committing)."""
        self._read(self.end, keep_written=False)

    def _read(self, start: int, *, keep_written: bool) -> None:
        path = journal_path()
        mine = (b"+ %d " % self.site_id, b"- %d " % self.site_id)
        kinds = {b"+ ", b"- "}
        try:
            lines = path.open("rb")
        except FileNotFoundError:
            self.truncated = start > 0
            return
        except OSError as exc:
            self.error = str(exc)
            return
        with lines:
            if os.fstat(lines.fileno()).st_size < start:
                self.truncated = True
                return
            lines.seek(start)
            position = start
            for line in lines:
                if not line.endswith(b"\n"):  # a write still in progress: the next reader gets it
                    break
                here, position = position, position + len(line)
                # Other sites' lines (most of them) cost two tests each.
                if line.startswith(mine):
                    parts = line.split()
                    try:
                        record_id = int(parts[2])
                        if line[0] == 0x2D:  # "-"
                            self.deleted.add(record_id)
                        elif keep_written and record_id > self.after_id:
                            self.written[record_id] = (parts[3], here)
                    except (IndexError, ValueError):
                        self.unreadable.append(here)
                elif line[:2] not in kinds:
                    self.unreadable.append(here)
            if keep_written:
                self.end = position

    def see(self, record_id: int, mac: str) -> bool:
        """A record the database holds. False: its line names another MAC (kept in `altered`)."""
        entry = self.written.get(record_id)
        if entry is None:
            return True
        self.seen.add(record_id)
        if mac.startswith(entry[0].decode()):
            return True
        self.altered.append(record_id)
        return False

    def missing(self, through_id: int | None = None) -> list[int]:
        """Journaled records (up to `through_id`) the caller did not see and no `-` line names."""
        return sorted(
            record_id
            for record_id in self.written
            if (through_id is None or record_id <= through_id)
            and record_id not in self.seen
            and record_id not in self.deleted
        )

    def resume_offset(self, through_id: int) -> int:
        """Where a later reader looking for records after `through_id` must start: every line of
        such a record this reader saw is at or after it (those it did not see come after `end`)."""
        later = [here for record_id, (_, here) in self.written.items() if record_id > through_id]
        return min(later, default=self.end)

"""Strict TC string decoder (TCF v2; v1.1 is recognised and refused).

Each segment is turned into one int with C-level primitives (base64 -> bytes -> int). The common
shapes (bitfields, up to 64 single-id range entries, no restriction or one of single ids) are cut
from that int with shifts and masks, without any text; any other shape, and every defect, goes
through `_Reader`, which works on the segment's '0'/'1' text and names the field and bit at fault.
Cold decoding is what the benchmark's acceptance measures, so the fast path avoids per-field calls
and builds models through a slot-compatible twin class (model.py). Vendor sections repeat across
users (they derive from the GVL and the site's vendor list), so their decoded id sets are memoised
by their exact bits, and whole later segments and the core's tail by their text, in bounded memos
(memo.py); `clear_caches` empties all of them.

Strictness (tcf-spec.md §1.2, §1.9), decided here:
* Input longer than MAX_TC_STRING_LENGTH characters is refused before any work.
* Characters outside base64url are refused. Trailing '=' padding is tolerated per segment (at most
  two, and only where it completes a 4-character group, as RFC 4648 padding does).
* Segments need not be 24-bit aligned; bits after the last field must all be zero.
* The first segment must be the core with Version 2; Version 1 (TCF v1.1) is refused by name.
* Later segments: SegmentType 1 (DisclosedVendors), 2 (legacy AllowedVendors) and 3 (PublisherTC),
  in any order, each at most once. SegmentType 0 (a second core) and 4-7 are refused.
* A bitfield shorter than MaxVendorId, a range id of 0, above MaxVendorId or with end < start, a
  truncated field anywhere (NumPubRestrictions included) are refused.
* Publisher restrictions with PurposeId 0 or RestrictionType 3 ("undefined") are refused.
* Cost is bounded: ranges are merged before they are expanded, duplicate restriction entries are
  merged per (purpose, type), and a string whose sections would expand to more than
  MAX_EXPANDED_IDS vendor ids in total is refused, so a crafted string costs at most a few ms.
"""

from __future__ import annotations

import binascii
import re
from itertools import chain, compress, repeat, starmap
from operator import sub
from typing import cast

from privacy_signals import _base64url
from privacy_signals.tcf.errors import TCStringError
from privacy_signals.tcf.memo import BYTES_PER_ID, Memo
from privacy_signals.tcf.model import (
    CORE,
    SEGMENT_NAMES,
    VENDORS_ALLOWED,
    VENDORS_DISCLOSED,
    PublisherRestriction,
    TCModel,
    trusted_model,
    trusted_restriction,
)

#: Longest input accepted, in characters. A string has to fit a 4 KiB cookie to be stored in a
#: browser; a full-size one (four 1,500-vendor bitfields plus restrictions) is about 1.5 KB. 16 KiB
#: leaves headroom for strings carried in URLs or bodies, and bounds the work per call.
MAX_TC_STRING_LENGTH = 16384
#: Most vendor ids all sections of one string may expand to (two complete 16-bit id spaces).
MAX_EXPANDED_IDS = 131072
_CACHE_SIZE = 4096
# Up to this many ids (counting overlaps twice), intervals are expanded without merging.
_DIRECT_EXPANSION = 4096

_TO_STANDARD_BASE64 = _base64url.TO_STANDARD_BASE64
_BIT_SELECTORS = bytes.maketrans(b"01", b"\x00\x01")
# The int objects for ids 0..4096, built once: slicing this tuple hands out shared ints instead of
# allocating one per id (ids above 256 are not interned), a third of a bitfield's decode time.
_ID_OBJECTS = tuple(range(4097))
# IsARange flags of a run of single-id range entries: every 17th bit, all zero.
_NO_RANGE_FLAGS = "0" * 4096
_SINGLE_ENTRY = re.compile("[01]([01]{16})")
_NEXT = (1).__add__

_EMPTY: frozenset[int] = frozenset()
_FIXED_CACHE: dict[str, frozenset[int]] = {}
_SECTION_CACHE: Memo[str, frozenset[int]] = Memo()
# The same, keyed by (bit length, bits as an int), for sections read without the text.
_INT_SECTION_CACHE: Memo[tuple[int, int], frozenset[int]] = Memo()


def clear_caches() -> None:
    """Forget memoised id sets (used by the benchmark to time the uncached path)."""
    _FIXED_CACHE.clear()
    _HEADER_BITFIELDS.clear()
    _SECTION_CACHE.clear()
    _INT_SECTION_CACHE.clear()
    _CORE_TAIL_CACHE.clear()
    _SEGMENT_CACHE.clear()


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping, non-adjacent [start, stop) intervals covering the same ids."""
    intervals.sort()
    merged = [intervals[0]]
    for start, stop in intervals[1:]:
        last_start, last_stop = merged[-1]
        if start <= last_stop:
            if stop > last_stop:
                merged[-1] = (last_start, stop)
        else:
            merged.append((start, stop))
    return merged


def _segment_bits(segment: str, number: int) -> str:
    """The segment's bits as '0'/'1' text (6 per character, padding '=' removed)."""
    return _segment_bits_and_value(segment, number)[0]


def _segment_bits_and_value(segment: str, number: int) -> tuple[str, int]:
    """The segment's bits as '0'/'1' text and as one int (6 bits per character, padding '=' removed)."""
    value, nbits = _segment_value(segment, number)
    return format(value, "b").zfill(nbits), value


def _segment_value(segment: str, number: int) -> tuple[int, int]:
    """The segment as one int and its length in bits (6 per character, padding '=' removed)."""
    text = segment
    if text.endswith("="):
        stripped = text.rstrip("=")
        if len(text) - len(stripped) > 2 or len(text) % 4:
            raise TCStringError(
                f"segment {number}: '=' padding must complete a 4-character group (at most '==')"
            )
        text = stripped
    return _base64url.text_to_int(text, f"segment {number}", TCStringError)


def _common_section(bits: str, value: int, pos: int, end: int) -> tuple[frozenset[int], int] | None:
    """The ids of a well-formed vendor section at `pos` in the two common forms, a bitfield or range
    entries that are all single ids, and where it ends; None for anything else (ranges of several
    ids, a truncated section, an id out of bounds), which the reader then parses and reports.
    Memoised by the section's exact bits. `value` is the segment as one int and `end` its bit length:
    fields are cut from it by shifts, cheaper than parsing text slices."""
    count_at = pos + 17
    if count_at > end:
        return None
    head = value >> (end - count_at) & 0x1FFFF
    max_id = head >> 1
    if head & 1:
        entries_at = count_at + 12
        if entries_at > end:
            return None
        count = value >> (end - entries_at) & 0xFFF
        stop = entries_at + 17 * count
        if stop > end or bits[entries_at:stop:17] != _NO_RANGE_FLAGS[:count]:
            return None
        key = bits[pos:stop]
        ids = _SECTION_CACHE.get(key)
        if ids is not None:
            return ids, stop
        ids = _ids_within(sorted(_single_ids(bits, value, entries_at, count)), max_id)
        if ids is None:
            return None
    elif not max_id:
        return _EMPTY, count_at
    else:
        stop = count_at + max_id
        if stop > end:
            return None
        key = bits[pos:stop]
        ids = _SECTION_CACHE.get(key)
        if ids is not None:
            return ids, stop
        ids = _bitfield_ids(key, max_id)
    _SECTION_CACHE.remember(key, ids, BYTES_PER_ID * len(ids) + len(key))
    return ids, stop


def _ids_within(starts: list[int], max_id: int) -> frozenset[int] | None:
    """Sorted single ids as a set, or None when one is 0 or above MaxVendorId (the strict path
    then names the defect)."""
    if not starts:
        return _EMPTY
    if starts[0] and starts[-1] <= max_id:
        return frozenset(starts)
    return None


# IsARange flags of n single-id entries (bit 16 of every 17), for n up to 64.
_FLAG_MASKS = tuple(sum(1 << (17 * k + 16) for k in range(n)) for n in range(65))


def _int_section(value: int, pos: int, end: int) -> tuple[frozenset[int], int] | None:
    """_common_section working on the segment's int alone, for the text-free fast path: a bitfield,
    or at most 64 single-id entries. Memoised by (bit length, bits as an int) of the section."""
    count_at = pos + 17
    if count_at > end:
        return None
    head = value >> (end - count_at) & 0x1FFFF
    max_id = head >> 1
    if head & 1:
        entries_at = count_at + 12
        if entries_at > end:
            return None
        count = value >> (end - entries_at) & 0xFFF
        stop = entries_at + 17 * count
        if count > 64 or stop > end:
            return None
        run = value >> (end - stop) & ((1 << (17 * count)) - 1)
        if run & _FLAG_MASKS[count]:
            return None
        key = (stop - pos, value >> (end - stop) & ((1 << (stop - pos)) - 1))
        ids = _INT_SECTION_CACHE.get(key)
        if ids is not None:
            return ids, stop
        ids = _ids_within(
            sorted([run >> shift & 0xFFFF for shift in range(17 * count - 17, -1, -17)]), max_id
        )
        if ids is None:
            return None
    elif not max_id:
        return _EMPTY, count_at
    else:
        stop = count_at + max_id
        if stop > end:
            return None
        section = value >> (end - stop) & ((1 << (stop - pos)) - 1)
        key = (stop - pos, section)
        ids = _INT_SECTION_CACHE.get(key)
        if ids is not None:
            return ids, stop
        ids = _bitfield_ids(format(section, "b").zfill(stop - pos), max_id)
    _INT_SECTION_CACHE.remember(key, ids, BYTES_PER_ID * len(ids) + (stop - pos) // 8)
    return ids, stop


def _int_restrictions(value: int, pos: int, end: int) -> tuple[tuple[PublisherRestriction, ...], int] | None:
    """No restriction, or one restriction of at most 64 single ids, from the segment's int; None for
    anything else (the reader then parses and checks it)."""
    if pos + 12 > end:
        return None
    count = value >> (end - pos - 12) & 0xFFF
    if not count:
        return (), pos + 12
    entries_at = pos + 32
    if count != 1 or entries_at > end:
        return None
    head = value >> (end - entries_at) & 0xFFFFF
    entry_count = head & 0xFFF
    stop = entries_at + 17 * entry_count
    if not 0 < entry_count <= 64 or stop > end or head >> 12 < 4 or head >> 12 & 3 == 3:
        return None
    run = value >> (end - stop) & ((1 << (17 * entry_count)) - 1)
    if run & _FLAG_MASKS[entry_count]:
        return None
    starts = [run >> shift & 0xFFFF for shift in range(17 * entry_count - 17, -1, -17)]
    if 0 in starts:
        return None
    return (trusted_restriction(head >> 14, head >> 12 & 3, frozenset(starts)),), stop


def _single_ids(bits: str, value: int, at: int, count: int) -> list[int]:
    """The ids of `count` single-id range entries (IsARange 0, 16-bit id) starting at bit `at`."""
    stop = at + 17 * count
    if count > 64:
        return list(map(int, _SINGLE_ENTRY.findall(bits, at, stop), repeat(2)))
    # The run as one int, cut by shifts: cheaper than one int(..., 2) per entry while it is short.
    run = value >> (len(bits) - stop) & ((1 << (17 * count)) - 1)
    return [run >> shift & 0xFFFF for shift in range(17 * count - 17, -1, -17)]


class _Reader:
    """Cursor over one segment's bit text; every read is bounds-checked and names its field."""

    __slots__ = ("bits", "budget", "end", "pos", "segment", "value")

    def __init__(self, bits: str, value: int, segment: str, pos: int, budget: list[int]) -> None:
        self.bits = bits
        self.value = value
        self.segment = segment
        self.pos = pos
        self.end = len(bits)
        self.budget = budget

    def truncated(self, field: str, width: int) -> TCStringError:
        return TCStringError(
            f"{self.segment} segment: truncated at bit {self.pos} reading {field} "
            f"(needs {width} bits, {self.end - self.pos} left)"
        )

    def read_int(self, width: int, field: str) -> int:
        pos = self.pos
        stop = pos + width
        if stop > self.end:
            raise self.truncated(field, width)
        self.pos = stop
        return int(self.bits[pos:stop], 2)

    def take(self, width: int, field: str) -> str:
        pos = self.pos
        stop = pos + width
        if stop > self.end:
            raise self.truncated(field, width)
        self.pos = stop
        return self.bits[pos:stop]

    def spend(self, count: int) -> None:
        self.budget[0] -= count
        if self.budget[0] < 0:
            raise TCStringError(
                f"{self.segment} segment: the string expands to more than {MAX_EXPANDED_IDS} vendor ids"
            )

    def range_entries(self, count: int, field: str, max_id: int) -> list[tuple[int, int]]:
        """`count` range entries (IsARange, start[, end]) checked against 1..max_id, as
        (start, end + 1) pairs ready for `range`."""
        bits = self.bits
        end_of_bits = self.end
        pos = self.pos
        entries = []
        for number in range(1, count + 1):
            entry_at = pos
            if pos + 17 > end_of_bits:
                self.pos = pos
                raise self.truncated(f"{field} range entry {number}", 17)
            head = int(bits[pos : pos + 17], 2)
            pos += 17
            start = head & 0xFFFF
            if head >> 16:
                if pos + 16 > end_of_bits:
                    self.pos = pos
                    raise self.truncated(f"{field} range entry {number} EndVendorId", 16)
                end = int(bits[pos : pos + 16], 2)
                pos += 16
            else:
                end = start
            if start == 0 or end < start or end > max_id:
                raise TCStringError(
                    f"{self.segment} segment: {field} range entry {number} at bit {entry_at} is "
                    f"{start}-{end}; ids must satisfy 1 <= start <= end <= {max_id}"
                )
            entries.append((start, end + 1))
        self.pos = pos
        return entries

    def expand(self, intervals: list[tuple[int, int]]) -> frozenset[int]:
        """Ids covered by possibly overlapping [start, stop) intervals, charged to the budget before
        they are built. Small totals are expanded directly; large ones are merged first, so the cost
        follows the distinct ids, not the entries."""
        if not intervals:
            return _EMPTY
        if -sum(starmap(sub, intervals)) <= _DIRECT_EXPANSION:
            ids = frozenset(chain.from_iterable(starmap(range, intervals)))
            self.spend(len(ids))
            return ids
        merged = _merge(intervals)
        self.spend(-sum(starmap(sub, merged)))
        return frozenset(chain.from_iterable(starmap(range, merged)))

    def fixed(self, width: int, field: str) -> frozenset[int]:
        """A fixed-width bitfield (purposes, special features): bit i = id i + 1."""
        return _fixed_ids(self.take(width, field))

    def vendor_section(self, field: str) -> frozenset[int]:
        """MaxVendorId, IsRangeEncoding and a bitfield or range entries (tcf-spec.md §1.4).

        The section's exact bits key the memo, so a section repeated in the same string (consent,
        LI and DisclosedVendors often list the same vendors) or in later strings is parsed once.
        """
        bits = self.bits
        section_at = self.pos
        found = _common_section(bits, self.value, section_at, self.end)
        if found is not None:
            ids, self.pos = found
            self.spend(len(ids))
            return ids
        if section_at + 17 > self.end:
            raise self.truncated(f"{field} MaxVendorId/IsRangeEncoding", 17)
        head = int(bits[section_at : section_at + 17], 2)
        self.pos = section_at + 17
        max_id = head >> 1
        if head & 1:
            if self.pos + 12 > self.end:
                raise self.truncated(f"{field} NumEntries", 12)
            count = int(bits[self.pos : self.pos + 12], 2)
            self.pos += 12
            # Only the IsARange flags decide the extent; a cut-short section is left to the parser.
            stop = self.pos
            end_of_bits = self.end
            for _ in range(count):
                if stop >= end_of_bits:
                    break
                stop += 33 if bits[stop] == "1" else 17
            key = bits[section_at:stop] if stop <= end_of_bits else ""
            cached = _SECTION_CACHE.get(key) if key else None
            if cached is not None:
                self.pos = stop
                self.spend(len(cached))
                return cached
            ids = self.expand(self.range_entries(count, field, max_id))
        else:
            if self.pos + max_id > self.end:
                raise TCStringError(
                    f"{self.segment} segment: {field} bitfield at bit {self.pos} has "
                    f"{self.end - self.pos} bits, shorter than its MaxVendorId {max_id}"
                )
            key = bits[section_at : self.pos + max_id]
            self.pos += max_id
            cached = _SECTION_CACHE.get(key)
            if cached is not None:
                self.spend(len(cached))
                return cached
            ids = _bitfield_ids(key, max_id)
            self.spend(len(ids))
        _SECTION_CACHE.remember(key, ids, BYTES_PER_ID * len(ids) + len(key))
        return ids

    def restrictions(self) -> tuple[PublisherRestriction, ...]:
        bits = self.bits
        pos = self.pos
        if pos + 12 > self.end:
            raise self.truncated("NumPubRestrictions", 12)
        value = self.value
        end = self.end
        count = value >> (end - pos - 12) & 0xFFF
        self.pos = pos + 12
        if not count:
            return ()
        if count == 1:
            # One restriction of single ids, the usual shape: no merging to do.
            entry_at = pos + 12
            head = value >> (end - entry_at - 20) & 0xFFFFF if entry_at + 20 <= end else 0
            entry_count = head & 0xFFF
            stop = entry_at + 20 + 17 * entry_count
            if (
                head >> 12 >= 4
                and head >> 12 & 3 != 3
                and entry_count
                and stop <= end
                and bits[entry_at + 20 : stop : 17] == _NO_RANGE_FLAGS[:entry_count]
            ):
                starts = _single_ids(bits, value, entry_at + 20, entry_count)
                if 0 not in starts:
                    ids = frozenset(starts)
                    self.spend(len(ids))
                    self.pos = stop
                    return (trusted_restriction(head >> 14, head >> 12 & 3, ids),)
        # Keyed by PurposeId << 2 | RestrictionType, which sorts as (purpose, type) does. Entries made
        # only of single ids (the usual case) are cut from the segment's int and kept as plain ids.
        by_key: dict[int, list[tuple[int, int]]] = {}
        singles: dict[int, list[int]] = {}
        for number in range(1, count + 1):
            entry_at = self.pos
            if entry_at + 20 > end:
                raise self.truncated(f"PubRestrictionEntry {number}", 20)
            head = value >> (end - entry_at - 20) & 0xFFFFF
            self.pos = pos = entry_at + 20
            key = head >> 12
            if key < 4 or key & 3 == 3:
                raise TCStringError(
                    f"{self.segment} segment: PubRestrictionEntry {number} at bit {entry_at} has "
                    f"PurposeId {key >> 2} and RestrictionType {key & 3}; "
                    "PurposeId must be 1-63 and RestrictionType 0, 1 or 2"
                )
            entry_count = head & 0xFFF
            stop = pos + 17 * entry_count
            if stop <= end and bits[pos:stop:17] == _NO_RANGE_FLAGS[:entry_count]:
                starts = _single_ids(bits, value, pos, entry_count)
                if 0 not in starts:
                    self.pos = stop
                    if starts:
                        singles.setdefault(key, []).extend(starts)
                    continue
            entries = self.range_entries(entry_count, f"PubRestrictionEntry {number}", 0xFFFF)
            if entries:
                by_key.setdefault(key, []).extend(entries)
        if not by_key and len(singles) == 1:
            for key, starts in singles.items():
                ids = frozenset(starts)
                self.spend(len(ids))
                return (trusted_restriction(key >> 2, key & 3, ids),)
        if not by_key:
            restrictions = [
                trusted_restriction(key >> 2, key & 3, frozenset(singles[key])) for key in sorted(singles)
            ]
            self.spend(sum(len(restriction.vendor_ids) for restriction in restrictions))
            return tuple(restrictions)
        keys = sorted(by_key.keys() | singles.keys())
        pending: list[tuple[int, frozenset[int] | list[tuple[int, int]]]] = []
        charge = 0
        for key in keys:
            spans = by_key.get(key)
            if spans is None:
                ids = frozenset(singles[key])
                charge += len(ids)
                pending.append((key, ids))
            else:
                extra = singles.get(key)
                if extra:
                    spans.extend(zip(extra, map(_NEXT, extra), strict=True))
                spans = _merge(spans)
                charge -= sum(starmap(sub, spans))
                pending.append((key, spans))
        # Charge every restriction before any range is expanded, so a string over the budget is refused
        # first (sets of single ids are already built: the string's own length bounds them).
        self.spend(charge)
        restrictions = []
        for key, covered in pending:
            if not isinstance(covered, frozenset):
                covered = frozenset(chain.from_iterable(starmap(range, covered)))
            restrictions.append(trusted_restriction(key >> 2, key & 3, covered))
        return tuple(restrictions)

    def finish(self) -> None:
        if "1" in self.bits[self.pos :]:
            raise TCStringError(
                f"{self.segment} segment: non-zero bits after the last field (bit {self.pos} onwards); "
                "padding must be zero"
            )


Header = tuple[
    int,
    int,
    int,
    int,
    int,
    int,
    str,
    int,
    int,
    bool,
    bool,
    frozenset[int],
    frozenset[int],
    frozenset[int],
    bool,
    str,
]
CoreTail = tuple[frozenset[int], frozenset[int], tuple[PublisherRestriction, ...], int]
PublisherPayload = tuple[
    frozenset[int] | None, frozenset[int] | None, int | None, frozenset[int] | None, frozenset[int] | None
]
_CORE_TAIL_CACHE: Memo[str, CoreTail] = Memo()
_SEGMENT_CACHE: Memo[str, tuple[str, tuple[object, ...], int]] = Memo()
_MASK36 = (1 << 36) - 1
_MASK60 = (1 << 60) - 1


def _header(value: int) -> Header:
    """The core's header fields in TCModel order (Version, already checked, third) from its first
    216 bits (bits 213-215 belong to the vendor section)."""
    flags = value >> 16 & _MASK60
    bitfields = _HEADER_BITFIELDS.get(flags) or _header_bitfields(flags)
    return (
        (value >> 174) & _MASK36,  # Created
        (value >> 138) & _MASK36,  # LastUpdated
        2,  # Version
        (value >> 126) & 0xFFF,  # CmpId
        (value >> 114) & 0xFFF,  # CmpVersion
        (value >> 108) & 0x3F,  # ConsentScreen
        _LETTER_PAIRS[(value >> 96) & 0xFFF],  # ConsentLanguage
        (value >> 84) & 0xFFF,  # VendorListVersion
        (value >> 78) & 0x3F,  # TcfPolicyVersion
        (value >> 77) & 1 == 1,  # IsServiceSpecific
        (value >> 76) & 1 == 1,  # UseNonStandardTexts
        bitfields[0],  # SpecialFeatureOptIns
        bitfields[1],  # PurposesConsent
        bitfields[2],  # PurposesLITransparency
        (value >> 15) & 1 == 1,  # PurposeOneTreatment
        _LETTER_PAIRS[(value >> 3) & 0xFFF],  # PublisherCC
    )


def _check_version(bits: str) -> None:
    version = int(bits[:6], 2)
    if version == 2:
        return
    if version == 1:
        raise TCStringError("this is a TCF v1.1 consent string (Version 1); only TCF v2 strings are accepted")
    if bits[:3] != "000":
        segment_type = int(bits[:3], 2)
        raise TCStringError(
            "the first segment must be the core segment, but it starts with SegmentType "
            f"{segment_type} ({_segment_label(segment_type)})"
        )
    raise TCStringError(f"core segment: Version is {version}; only Version 2 is supported")


def _core(text: str, budget: list[int]) -> tuple[Header, CoreTail]:
    """The core segment. Its first 35 characters hold the header (parsed every time); the rest
    (vendor sections and restrictions, which recur across users) is memoised by its text."""
    tail_key = text[35:] if len(text) >= 36 and "=" not in text[:36] else None
    if tail_key is not None:
        tail = _CORE_TAIL_CACHE.get(tail_key)
        if tail is not None:
            try:
                data = binascii.a2b_base64(
                    text[:36].encode("ascii").translate(_TO_STANDARD_BASE64), strict_mode=True
                )
            except (UnicodeEncodeError, binascii.Error):
                data = b""
            if data:
                value = int.from_bytes(data, "big")
                if value >> 210 == 2:
                    budget[0] -= tail[3]
                    return _header(value), tail
    value, end = _segment_value(text, 1)
    if end >= 259 and value >> (end - 6) == 2:
        # Text-free path for the common shapes; anything else is parsed (and reported) below.
        consents_found = _int_section(value, 213, end)
        li_found = _int_section(value, consents_found[1], end) if consents_found is not None else None
        found = _int_restrictions(value, li_found[1], end) if li_found is not None else None
        if found is not None and consents_found is not None and li_found is not None:
            restrictions, stop = found
            expanded = len(consents_found[0]) + len(li_found[0])
            if restrictions:
                expanded += len(restrictions[0].vendor_ids)
            if expanded <= budget[0] and not value & ((1 << (end - stop)) - 1):
                budget[0] -= expanded
                tail = (consents_found[0], li_found[0], restrictions, expanded)
                if tail_key is not None:
                    _CORE_TAIL_CACHE.remember(tail_key, tail, BYTES_PER_ID * expanded + len(text))
                return _header(value >> (end - 216)), tail
    bits = format(value, "b").zfill(end)
    reader = _Reader(bits, value, CORE, 0, budget)
    if not bits.startswith("000010"):
        if reader.end < 6:
            raise reader.truncated("Version", 6)
        _check_version(bits)
    if reader.end < 213:
        reader.pos = 6
        for field, width in _HEADER_FIELDS:
            reader.read_int(width, field)
    before = budget[0]
    # The common forms first, without the reader's bookkeeping; anything else goes through it.
    end = reader.end
    consents_found = _common_section(bits, value, 213, end)
    li_found = _common_section(bits, value, consents_found[1], end) if consents_found is not None else None
    if (
        li_found is not None
        and consents_found is not None
        and len(consents_found[0]) + len(li_found[0]) <= before
    ):
        vendor_consents, vendor_li = consents_found[0], li_found[0]
        budget[0] -= len(vendor_consents) + len(vendor_li)
        reader.pos = li_found[1]
    else:
        reader.pos = 213
        vendor_consents = reader.vendor_section("vendor consent section")
        vendor_li = reader.vendor_section("vendor legitimate interest section")
    restrictions = reader.restrictions()
    reader.finish()
    tail = (vendor_consents, vendor_li, restrictions, before - budget[0])
    if tail_key is not None:
        _CORE_TAIL_CACHE.remember(tail_key, tail, BYTES_PER_ID * tail[3] + len(text))
    # The sections parsed, so the header's 216 bits are all there.
    return _header(value >> (reader.end - 216)), tail


def _later_segment(text: str, number: int, budget: list[int]) -> tuple[str, tuple[object, ...], int]:
    """(name, payload, ids expanded) of a segment after the core, memoised by its text."""
    cached = _SEGMENT_CACHE.get(text)
    if cached is not None:
        budget[0] -= cached[2]
        return cached
    value, end = _segment_value(text, number)
    if end >= 20 and 1 <= value >> (end - 3) <= 2:
        found = _int_section(value, 3, end)
        if found is not None and len(found[0]) <= budget[0] and not value & ((1 << (end - found[1])) - 1):
            budget[0] -= len(found[0])
            vendor_ids: tuple[str, tuple[object, ...], int] = (
                SEGMENT_NAMES[value >> (end - 3)],
                (found[0],),
                len(found[0]),
            )
            _SEGMENT_CACHE.remember(text, vendor_ids, BYTES_PER_ID * vendor_ids[2] + len(text))
            return vendor_ids
    bits = format(value, "b").zfill(end)
    if len(bits) < 3:
        raise TCStringError(f"segment {number}: truncated at bit 0 reading SegmentType")
    segment_type = value >> (len(bits) - 3)
    if segment_type == 0 or segment_type > 3:
        raise TCStringError(
            f"segment {number}: SegmentType {segment_type} ({_segment_label(segment_type)}) is not "
            "allowed after the core segment; expected 1 (DisclosedVendors), 2 (AllowedVendors) "
            "or 3 (PublisherTC)"
        )
    name = SEGMENT_NAMES[segment_type]
    before = budget[0]
    reader = _Reader(bits, value, name, 3, budget)
    payload: tuple[object, ...]
    if name == VENDORS_DISCLOSED:
        payload = (reader.vendor_section("DisclosedVendors"),)
    elif name == VENDORS_ALLOWED:
        payload = (reader.vendor_section("AllowedVendors"),)
    else:
        consents = reader.fixed(24, "PubPurposesConsent")
        legitimate_interests = reader.fixed(24, "PubPurposesLITransparency")
        num_custom = reader.read_int(6, "NumCustomPurposes")
        custom_consents = reader.fixed(num_custom, "CustomPurposesConsent")
        custom_li = reader.fixed(num_custom, "CustomPurposesLITransparency")
        payload = (consents, legitimate_interests, num_custom, custom_consents, custom_li)
    reader.finish()
    result = (name, payload, before - budget[0])
    _SEGMENT_CACHE.remember(text, result, BYTES_PER_ID * result[2] + len(text))
    return result


def decode(tc_string: str) -> TCModel:
    """Decodes a TC string; raises TCStringError naming the segment, field and bit on any defect."""
    if type(tc_string) is not str:
        if not isinstance(tc_string, str):
            raise TCStringError(f"a TC string must be text, got {type(tc_string).__name__}")
        tc_string = str(tc_string)
    if not tc_string:
        raise TCStringError("the TC string is empty")
    if len(tc_string) > MAX_TC_STRING_LENGTH:
        raise TCStringError(
            f"the TC string is {len(tc_string)} characters, over the limit of {MAX_TC_STRING_LENGTH}"
        )
    parts = tc_string.split(".")
    budget = [MAX_EXPANDED_IDS]
    header, (vendor_consents, vendor_li, restrictions, _) = _core(parts[0], budget)
    vendors_disclosed: frozenset[int] | None = None
    vendors_allowed: frozenset[int] | None = None
    publisher: PublisherPayload = (None, None, None, None, None)
    segments = [CORE]
    for number, part in enumerate(parts[1:], start=2):
        name, payload, _ = _later_segment(part, number, budget)
        if name in segments:
            raise TCStringError(f"segment {number}: a second {name} segment")
        segments.append(name)
        if name == VENDORS_DISCLOSED:
            vendors_disclosed = cast("frozenset[int]", payload[0])
        elif name == VENDORS_ALLOWED:
            vendors_allowed = cast("frozenset[int]", payload[0])
        else:
            publisher = cast(PublisherPayload, payload)
    if budget[0] < 0:
        raise TCStringError(f"the string expands to more than {MAX_EXPANDED_IDS} vendor ids")
    return trusted_model(
        *header,
        vendor_consents,
        vendor_li,
        restrictions,
        vendors_disclosed,
        vendors_allowed,
        *publisher,
        tuple(segments),
    )


_HEADER_FIELDS = (
    ("Created", 36),
    ("LastUpdated", 36),
    ("CmpId", 12),
    ("CmpVersion", 12),
    ("ConsentScreen", 6),
    ("ConsentLanguage", 12),
    ("VendorListVersion", 12),
    ("TcfPolicyVersion", 6),
    ("IsServiceSpecific", 1),
    ("UseNonStandardTexts", 1),
    ("SpecialFeatureOptIns", 12),
    ("PurposesConsent", 24),
    ("PurposesLITransparency", 24),
    ("PurposeOneTreatment", 1),
    ("PublisherCC", 12),
)


def _ids_upto(max_id: int) -> tuple[int, ...] | range:
    """Ids 1..max_id, as shared int objects where the table reaches."""
    return _ID_OBJECTS[1 : max_id + 1] if max_id < len(_ID_OBJECTS) else range(1, max_id + 1)


def _bitfield_ids(section: str, max_id: int) -> frozenset[int]:
    """Ids set in a bitfield vendor section (its 17-bit head, then bit i = id i)."""
    if max_id < len(_ID_OBJECTS):
        # The head's last bit (IsRangeEncoding, 0 here) selects id 0 out; compress stops at the
        # selectors' end, so the whole table is passed without slicing it.
        return frozenset(compress(_ID_OBJECTS, section[16:].encode("ascii").translate(_BIT_SELECTORS)))
    return frozenset(compress(range(1, max_id + 1), section[17:].encode("ascii").translate(_BIT_SELECTORS)))


def _fixed_ids(bits: str) -> frozenset[int]:
    ids = _FIXED_CACHE.get(bits)
    if ids is None:
        ids = frozenset(compress(_ids_upto(len(bits)), bits.encode("ascii").translate(_BIT_SELECTORS)))
        if len(_FIXED_CACHE) >= _CACHE_SIZE:
            _FIXED_CACHE.clear()
        _FIXED_CACHE[bits] = ids
    return ids


#: Two 6-bit letters (A = 0) by their 12-bit value; not validated (26-63 give the characters after 'Z').
_LETTER_PAIRS = tuple(chr((value >> 6) + 65) + chr((value & 0x3F) + 65) for value in range(4096))


# The header's three bitfields (SpecialFeatureOptIns, PurposesConsent, PurposesLITransparency: 60
# contiguous bits) -> their id sets; one lookup for all three, and the sets are shared by every model
# with the same choices. Bounded like the other memos.
_HEADER_BITFIELDS: dict[int, tuple[frozenset[int], frozenset[int], frozenset[int]]] = {}

# _..._BYTE_IDS[byte]: the ids that byte sets when it is the first, second or third byte of a fixed
# 24-bit bitfield.
_FIRST_BYTE_IDS, _SECOND_BYTE_IDS, _THIRD_BYTE_IDS = (
    tuple(tuple(8 * k + bit + 1 for bit in range(8) if byte & (0x80 >> bit)) for byte in range(256))
    for k in range(3)
)


def _ids24(value: int) -> frozenset[int]:
    """Ids of a 24-bit bitfield given as an int, bit 1 first."""
    if not value:
        return _EMPTY
    return frozenset(
        _FIRST_BYTE_IDS[value >> 16] + _SECOND_BYTE_IDS[value >> 8 & 0xFF] + _THIRD_BYTE_IDS[value & 0xFF]
    )


def _header_bitfields(flags: int) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
    bitfields = (_ids24(flags >> 48 << 12), _ids24(flags >> 24 & 0xFFFFFF), _ids24(flags & 0xFFFFFF))
    if len(_HEADER_BITFIELDS) >= _CACHE_SIZE:
        _HEADER_BITFIELDS.clear()
    _HEADER_BITFIELDS[flags] = bitfields
    return bitfields


def _segment_label(segment_type: int) -> str:
    return SEGMENT_NAMES[segment_type] if segment_type < len(SEGMENT_NAMES) else "unknown"


__all__ = ["MAX_EXPANDED_IDS", "MAX_TC_STRING_LENGTH", "clear_caches", "decode"]


def decode_vendor_set(text: str) -> frozenset[int]:
    """The ids of `encode_vendor_set`'s text; TCStringError if it is not one."""
    bits, value = _segment_bits_and_value(text, 1)
    reader = _Reader(bits, value, "vendor set", 0, [MAX_EXPANDED_IDS])
    return reader.vendor_section("vendor set")

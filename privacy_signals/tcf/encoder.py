"""TC string encoder, byte-identical to `@iabtechlabtcf/core` 1.5.21 for the same model.

Layout choices copied from the reference (tcf-canonical-json.md "Encode rules"):
* MaxVendorId is the highest id of the set (0 for an empty set).
* A vendor section uses range encoding only when MaxVendorId > 45 and the reference's own size
  estimate says the ranges are shorter. That estimate counts 16 rather than 17 bits for a
  single-id entry and is taken before the last entry is added, so the rule it applies is
  `16 * singles + 33 * runs < MaxVendorId + 4` (runs = entries covering two or more ids). The
  contract's wording ("the range form is shorter") differs from this in a narrow band; the byte-exact
  cross-check follows the library.
* Publisher-restriction vendor lists are written as one entry per run of consecutive ids, in the
  model's (sorted) order; empty restrictions are not written.
* Each segment is zero-padded to a multiple of 24 bits, so no '=' is ever needed.
* ConsentLanguage and PublisherCC take ASCII letters of either case and are written upper case. A
  decoded letter outside A-Z (6-bit values 26-63, which the decoder reports as the characters
  after 'Z') is refused.
Unlike the library, values that do not fit their field raise TCStringError instead of being
truncated or silently dropped.

`encode(model, ranges="iabgpp")` writes the same fields with the choice rule of `@iabgpp/cmpapi`
3.2.0 instead, for the tcfeuv2 section of a GPP string (privacy_signals.gpp): its
EncodableOptimizedFixedRange takes the range form when the range's bits, NumEntries included,
are at most MaxVendorId (`12 + 17 * singles + 33 * runs <= MaxVendorId`), for any MaxVendorId.

Id sets recur (the same GVL vendor list for every user of a site), so each vendor section's bits are
memoised by its frozenset in a bounded memo (memo.py); the frozenset caches its own hash.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable
from typing import Literal, NamedTuple

from privacy_signals.tcf.decoder import MAX_TC_STRING_LENGTH
from privacy_signals.tcf.errors import TCStringError
from privacy_signals.tcf.memo import BYTES_PER_ID, Memo
from privacy_signals.tcf.model import (
    CORE,
    VENDORS_ALLOWED,
    VENDORS_DISCLOSED,
    PublisherRestriction,
    TCModel,
)

_CACHE_SIZE = 4096
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_RUN = re.compile("1+")

# frozenset -> (bits as int, bit length) of a vendor section / of a restriction's entries.
_SECTION_CACHE: Memo[frozenset[int], tuple[int, int]] = Memo()
# The same for vendor sections written with the GPP library's range rule.
_GPP_SECTION_CACHE: Memo[frozenset[int], tuple[int, int]] = Memo()
_RESTRICTION_CACHE: Memo[frozenset[int], tuple[int, int]] = Memo()
_FIXED_CACHE: dict[tuple[frozenset[int], int], int] = {}


def clear_caches() -> None:
    """Forget memoised sections (used by the benchmark to time the uncached path)."""
    _SECTION_CACHE.clear()
    _GPP_SECTION_CACHE.clear()
    _RESTRICTION_CACHE.clear()
    _FIXED_CACHE.clear()
    _LETTER_BITS.clear()


def _sorted_ids(ids: frozenset[int], highest: int, field: str) -> list[int]:
    """The ids in ascending order, after checking their bounds (the ends must be ints in
    1..highest). `sorted` compares ints natively, several times faster than `min` plus `max` on a
    frozenset. Non-integers in between fail later with TypeError, which `encode` reports."""
    try:
        ordered = sorted(ids)
    except TypeError:
        raise TCStringError(f"{field}: ids must be integers") from None
    if not ordered:
        return ordered
    low, high = ordered[0], ordered[-1]
    if type(low) is not int or type(high) is not int:
        raise TCStringError(f"{field}: ids must be integers, got {low!r}..{high!r}")
    if low < 1 or high > highest:
        raise TCStringError(f"{field}: ids must be between 1 and {highest}, got {low}..{high}")
    return ordered


def _bit_text(ids: list[int], width: int) -> bytearray:
    """'0'/'1' bytes of a bitfield where position i (1-based) is set for id i; index 0 is a '0'."""
    text = bytearray(b"0") * (width + 1)
    # A plain loop: the interpreter's item assignment beats map(text.__setitem__, ...) two to one.
    for vendor_id in ids:
        text[vendor_id] = 49
    return text


def _fixed(ids: frozenset[int], width: int, field: str) -> int:
    key = (ids, width)
    value = _FIXED_CACHE.get(key)
    if value is None:
        value = int(_bit_text(_sorted_ids(ids, width, field), width), 2)
        if len(_FIXED_CACHE) >= _CACHE_SIZE:
            _FIXED_CACHE.clear()
        _FIXED_CACHE[key] = value
    return value


def _runs(ordered: list[int]) -> list[tuple[int, int]]:
    runs = []
    start = previous = ordered[0]
    for value in ordered[1:]:
        if value != previous + 1:
            runs.append((start, previous))
            start = value
        previous = value
    runs.append((start, previous))
    return runs


def _entries(runs: list[tuple[int, int]]) -> tuple[int, int]:
    """Range entries (IsARange, start[, end]) as (bits, length), without NumEntries."""
    value = length = 0
    for start, end in runs:
        if start == end:
            value = (value << 17) | start
            length += 17
        else:
            value = (((value << 17) | 0x10000 | start) << 16) | end
            length += 33
    return value, length


def _range_is_chosen(max_id: int, single: int, multi: int) -> bool:
    """The reference's choice between range and bitfield encoding (see the module docstring)."""
    return max_id > 45 and 16 * single + 33 * multi < max_id + 4


def _gpp_range_is_chosen(max_id: int, single: int, multi: int) -> bool:
    """@iabgpp/cmpapi's choice: the range form when it is no longer than the bitfield."""
    return 12 + 17 * single + 33 * multi <= max_id


class _RangeRule(NamedTuple):
    chosen: Callable[[int, int, int], bool]
    #: MaxVendorId up to which the bitfield always wins (so runs need not be counted).
    bitfield_up_to: int
    cache: Memo[frozenset[int], tuple[int, int]]


_TCF_RULE = _RangeRule(_range_is_chosen, 45, _SECTION_CACHE)
_GPP_RULE = _RangeRule(_gpp_range_is_chosen, 28, _GPP_SECTION_CACHE)


def _vendor_section(ids: frozenset[int], field: str, rule: _RangeRule) -> tuple[int, int]:
    cached = rule.cache.get(ids)
    if cached is not None:
        return cached
    if not ids:
        section = (0, 17)
    else:
        ordered = _sorted_ids(ids, 0xFFFF, field)
        max_id = ordered[-1]
        runs: list[tuple[int, int]] | None = None
        text: bytearray | None = None
        if max_id > rule.bitfield_up_to and len(ids) * 4 < max_id:
            # Sparse: runs from the sorted ids are cheaper than the bitfield text.
            runs = _runs(ordered)
            multi = sum(1 for start, end in runs if end != start)
            if not rule.chosen(max_id, len(runs) - multi, multi):
                runs = None
        elif max_id > rule.bitfield_up_to:
            text = _bit_text(ordered, max_id)
            # Position i of `text` is id i and position 0 is '0', so "01" starts a run.
            closed = text + b"0"
            run_count = closed.count(b"01")
            multi = closed.count(b"011")
            if rule.chosen(max_id, run_count - multi, multi):
                runs = [(match.start(), match.end() - 1) for match in _RUN.finditer(text.decode("ascii"))]
        if runs is not None:
            if len(runs) > 0xFFF:
                raise TCStringError(f"{field}: {len(runs)} range entries do not fit NumEntries (max 4095)")
            entries, length = _entries(runs)
            section = (((((max_id << 1) | 1) << 12) | len(runs)) << length | entries, 29 + length)
        else:
            if text is None:
                text = _bit_text(ordered, max_id)
            section = (((max_id << 1) << max_id) | int(text, 2), 17 + max_id)
    rule.cache.remember(ids, section, BYTES_PER_ID * len(ids) + section[1] // 8)
    return section


def _restriction_entries(restriction: PublisherRestriction, number: int) -> tuple[int, int]:
    ids = restriction.vendor_ids
    cached = _RESTRICTION_CACHE.get(ids)
    if cached is None:
        field = f"publisher restriction {number} (purpose {restriction.purpose_id})"
        runs = _runs(_sorted_ids(ids, 0xFFFF, field))
        if len(runs) > 0xFFF:
            raise TCStringError(f"{field}: {len(runs)} runs of vendor ids do not fit NumEntries (max 4095)")
        entries, length = _entries(runs)
        cached = ((len(runs) << length) | entries, 12 + length)
        _RESTRICTION_CACHE.remember(ids, cached, BYTES_PER_ID * len(ids) + cached[1] // 8)
    return cached


def _uint(value: object, width: int, field: str) -> int:
    if type(value) is not int:
        if not isinstance(value, int):
            raise TCStringError(f"{field} must be an integer, got {value!r}")
        value = int(value)
    if not 0 <= value < (1 << width):
        raise TCStringError(f"{field} is {value}, which does not fit {width} bits (0-{(1 << width) - 1})")
    return value


_LETTER_BITS: dict[str, int] = {}


def _letters(value: object, field: str) -> int:
    bits = _LETTER_BITS.get(value) if type(value) is str else None
    if bits is not None:
        return bits
    if not isinstance(value, str) or len(value) != 2 or not value.isascii() or not value.isalpha():
        raise TCStringError(f"{field} must be two letters A-Z, got {value!r}")
    upper = value.upper()
    bits = ((ord(upper[0]) - 65) << 6) | (ord(upper[1]) - 65)
    _LETTER_BITS[value] = bits  # at most 52 * 52 keys
    return bits


def _to_text(value: int, length: int) -> str:
    padding = -length % 24
    data = (value << padding).to_bytes((length + padding) >> 3, "big")
    return binascii.b2a_base64(data, newline=False).translate(_TO_URLSAFE).decode("ascii")


def _core(model: TCModel, rule: _RangeRule) -> str:
    if model.version != 2:
        raise TCStringError(f"version is {model.version!r}; only version 2 can be encoded")
    value = _uint(model.created, 36, "created")
    value = (value << 36) | _uint(model.last_updated, 36, "last_updated")
    value = (value << 12) | _uint(model.cmp_id, 12, "cmp_id")
    value = (value << 12) | _uint(model.cmp_version, 12, "cmp_version")
    value = (value << 6) | _uint(model.consent_screen, 6, "consent_screen")
    value = (value << 12) | _letters(model.consent_language, "consent_language")
    value = (value << 12) | _uint(model.vendor_list_version, 12, "vendor_list_version")
    value = (value << 6) | _uint(model.policy_version, 6, "policy_version")
    value = (value << 1) | (1 if model.is_service_specific else 0)
    value = (value << 1) | (1 if model.use_non_standard_texts else 0)
    value = (value << 12) | _fixed(model.special_feature_optins, 12, "special_feature_optins")
    value = (value << 24) | _fixed(model.purpose_consents, 24, "purpose_consents")
    value = (value << 24) | _fixed(model.purpose_legitimate_interests, 24, "purpose_legitimate_interests")
    value = (value << 1) | (1 if model.purpose_one_treatment else 0)
    value = (value << 12) | _letters(model.publisher_country_code, "publisher_country_code")
    value |= 2 << 207  # Version 2 in the 6 leading bits of the 213-bit header
    length = 213
    section, section_length = _vendor_section(model.vendor_consents, "vendor_consents", rule)
    value = (value << section_length) | section
    length += section_length
    section, section_length = _vendor_section(
        model.vendor_legitimate_interests, "vendor_legitimate_interests", rule
    )
    value = (value << section_length) | section
    length += section_length
    restrictions = model.publisher_restrictions
    if len(restrictions) > 0xFFF:
        raise TCStringError(f"{len(restrictions)} publisher restrictions do not fit NumPubRestrictions")
    value = (value << 12) | len(restrictions)
    length += 12
    for number, restriction in enumerate(restrictions, start=1):
        purpose_id = restriction.purpose_id
        restriction_type = restriction.restriction_type
        if type(purpose_id) is not int or not 1 <= purpose_id <= 63:
            raise TCStringError(f"publisher restriction {number}: purpose_id {purpose_id!r} is not 1-63")
        if type(restriction_type) is not int or not 0 <= restriction_type <= 2:
            raise TCStringError(
                f"publisher restriction {number}: restriction_type {restriction_type!r} is not 0, 1 or 2"
            )
        entries, entries_length = _restriction_entries(restriction, number)
        value = (((value << 8) | (purpose_id << 2) | restriction_type) << entries_length) | entries
        length += 8 + entries_length
    return _to_text(value, length)


def _publisher_tc(model: TCModel) -> str:
    num_custom = _uint(model.num_custom_purposes or 0, 6, "num_custom_purposes")
    value = 3
    value = (value << 24) | _fixed(model.publisher_consents or frozenset(), 24, "publisher_consents")
    value = (value << 24) | _fixed(
        model.publisher_legitimate_interests or frozenset(), 24, "publisher_legitimate_interests"
    )
    value = (value << 6) | num_custom
    value = (value << num_custom) | _fixed(
        model.publisher_custom_consents or frozenset(), num_custom, "publisher_custom_consents"
    )
    value = (value << num_custom) | _fixed(
        model.publisher_custom_legitimate_interests or frozenset(),
        num_custom,
        "publisher_custom_legitimate_interests",
    )
    return _to_text(value, 57 + 2 * num_custom)


def _vendor_segment(segment_type: int, ids: frozenset[int] | None, field: str, rule: _RangeRule) -> str:
    section, length = _vendor_section(ids or frozenset(), field, rule)
    return _to_text((segment_type << length) | section, 3 + length)


def _segments(model: TCModel, rule: _RangeRule) -> list[str]:
    parts = []
    for segment in model.segments or (CORE,):
        if segment == CORE:
            parts.append(_core(model, rule))
        elif segment == VENDORS_DISCLOSED:
            parts.append(_vendor_segment(1, model.vendors_disclosed, "vendors_disclosed", rule))
        elif segment == VENDORS_ALLOWED:
            parts.append(_vendor_segment(2, model.vendors_allowed, "vendors_allowed", rule))
        else:
            parts.append(_publisher_tc(model))
    return parts


def encode(model: TCModel, *, ranges: Literal["iabtcf", "iabgpp"] = "iabtcf") -> str:
    """The TC string of `model`; raises TCStringError when a value does not fit its field.

    `ranges` picks whose rule decides between a vendor section's range and bitfield forms: the
    TCF library's (the default) or the GPP library's (for GPP tcfeuv2 sections)."""
    if not isinstance(model, TCModel):
        raise TCStringError(f"encode expects a TCModel, got {type(model).__name__}")
    if ranges == "iabtcf":
        rule = _TCF_RULE
    elif ranges == "iabgpp":
        rule = _GPP_RULE
    else:
        raise TCStringError(f"ranges must be 'iabtcf' or 'iabgpp', got {ranges!r}")
    try:
        parts = _segments(model, rule)
    except (TypeError, IndexError) as error:
        raise TCStringError(f"the model holds a value of the wrong type: {error}") from None
    tc_string = ".".join(parts)
    if len(tc_string) > MAX_TC_STRING_LENGTH:
        raise TCStringError(
            f"the encoded string is {len(tc_string)} characters, over the codec's limit of "
            f"{MAX_TC_STRING_LENGTH}"
        )
    return tc_string


__all__ = ["clear_caches", "encode"]


def encode_vendor_set(ids: frozenset[int]) -> str:
    """A set of vendor ids alone, as a TC string vendor section (MaxVendorId, IsRangeEncoding, then
    the bitfield or range entries, whichever the TCF rule picks; §1.4) in base64url: the compact
    form in which the API ships the vendors a choice allows, for the banner's cookie."""
    section, length = _vendor_section(frozenset(ids), "vendor set", _TCF_RULE)
    return _to_text(section, length)

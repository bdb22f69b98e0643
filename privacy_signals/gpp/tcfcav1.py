"""The tcfcav1 section (id 5): IAB Canada's TCF (Sections/Canada, "GPPExtension: IAB Canada TCF"),
with fields named and shaped as `@iabgpp/cmpapi` 3.2.0 exposes them.

Three segments, each in the recommended encoding (padded to a multiple of 8, then of 6): the core,
then PublisherPurposes (SegmentType 3) and, when it lists any vendor, DisclosedVendors
(SegmentType 1), as the reference writes them. On input the core comes first and the others at
most once each, in any order.

Vendor lists are OptimizedRange fields and publisher restrictions an N-ArrayOfRanges(6, 2) of
them. As the reference writes an OptimizedRange: Int(16) MaxId first, then the Boolean, then a
Range(Fibonacci) when that is no longer than the bitfield, else a MaxId-bit bitfield (the
specification's OptimizedRange puts the Boolean first and has no MaxId before a range; this codec
follows the reference's bytes). Strings from the reference's earlier encoder used Range(Int)
(16-bit ids) instead of Range(Fibonacci); like the reference, the decoder reads a core or
DisclosedVendors segment in the current form when that form reproduces its bits, else in the
earlier form when that one does, else in the current form; re-encoding always writes the current
form.

Strictness and deviations (docs/gpp-canonical-json.md): Version must be 1, segment types must be
as above, ConsentLanguage two letters A-Z, restriction keys 1-63 and types 0-2 (3 is "undefined"),
range ids 1..MaxId; restrictions keep the order given. Values are written as given: the
reference's `TcfCaV1.setFieldValue` also sets Created and LastUpdated to the current time on every
change; here a missing one takes the other's value and both default to today's UTC midnight (the
specification asks for day-rounded timestamps).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from itertools import compress
from typing import cast

from privacy_signals.gpp.bits import (
    bit_text,
    compressed_length,
    fibonacci_range,
    int_to_text,
    read_fibonacci_range,
    text_to_int,
)
from privacy_signals.gpp.errors import GppStringError
from privacy_signals.gpp.model import (
    FieldValue,
    RangeEntry,
    Section,
    all_of_type,
    frozen_section,
    uppercase_letters,
)
from privacy_signals.gpp.tcfeuv2 import (
    complete_tcf_section,
    datetime_from_deciseconds,
    deciseconds_from_datetime,
)

_FALSES = tuple((False,) * n for n in range(65))

#: The core's fixed part: (field, width, kind) with kind "int", "bool", "date", "letters" or "flags".
_CORE_FIXED = (
    ("Version", 6, "int"),
    ("Created", 36, "date"),
    ("LastUpdated", 36, "date"),
    ("CmpId", 12, "int"),
    ("CmpVersion", 12, "int"),
    ("ConsentScreen", 6, "int"),
    ("ConsentLanguage", 12, "letters"),
    ("VendorListVersion", 12, "int"),
    ("TcfPolicyVersion", 6, "int"),
    ("UseNonStandardStacks", 1, "bool"),
    ("SpecialFeatureExpressConsent", 12, "flags"),
    ("PurposesExpressConsent", 24, "flags"),
    ("PurposesImpliedConsent", 24, "flags"),
)
_FIXED_BITS = sum(width for _, width, _ in _CORE_FIXED)
_VENDOR_FIELDS = ("VendorExpressConsent", "VendorImpliedConsent")
_RESTRICTIONS = "PubRestrictions"
_PUBLISHER_FLAGS = ("PubPurposesExpressConsent", "PubPurposesImpliedConsent")
_CUSTOM_FLAGS = ("CustomPurposesExpressConsent", "CustomPurposesImpliedConsent")
_DISCLOSED = "DisclosedVendors"
_SEGMENT_TYPES = {"PubPurposesSegmentType": 3, "DisclosedVendorsSegmentType": 1}

FIELD_NAMES = (
    *(name for name, _, _ in _CORE_FIXED),
    *_VENDOR_FIELDS,
    _RESTRICTIONS,
    "PubPurposesSegmentType",
    *_PUBLISHER_FLAGS,
    "NumCustomPurposes",
    *_CUSTOM_FLAGS,
    "DisclosedVendorsSegmentType",
    _DISCLOSED,
)

RangeReader = Callable[[str, int, str], tuple[list[int], int]]
RangeWriter = Callable[[list[int]], str]


def _read_int_range(bits: str, pos: int, field: str) -> tuple[list[int], int]:
    """Range(Int), the earlier encoder's form: int(12) NumEntries, per entry IsAGroup and 16-bit ids."""
    if pos + 12 > len(bits):
        raise GppStringError(f"{field}: truncated at bit {pos} reading NumEntries")
    count = int(bits[pos : pos + 12], 2)
    pos += 12
    ids: list[int] = []
    for number in range(1, count + 1):
        width = 33 if bits[pos : pos + 1] == "1" else 17
        if pos + width > len(bits):
            raise GppStringError(f"{field}: truncated at bit {pos} reading entry {number} of {count}")
        start = int(bits[pos + 1 : pos + 17], 2)
        end = int(bits[pos + 17 : pos + 33], 2) if width == 33 else start
        if not 0 < start <= end:
            raise GppStringError(f"{field}: entry {number} is {start}-{end}; ids start at 1 and ascend")
        ids.extend(range(start, end + 1))
        pos += width
    return ids, pos


def _int_range(ids: list[int]) -> str:
    groups: list[str] = []
    index = 0
    while index < len(ids):
        start = ids[index]
        while index + 1 < len(ids) and ids[index + 1] == ids[index] + 1:
            index += 1
        end = ids[index]
        index += 1
        groups.append(f"0{start:016b}" if start == end else f"1{start:016b}{end:016b}")
    return f"{len(groups):012b}" + "".join(groups)


def _fibonacci_range(bits: str, pos: int, field: str) -> tuple[list[int], int]:
    return read_fibonacci_range(bits, pos, 0xFFFF, field)


def _read_optimized(bits: str, pos: int, field: str, read_range: RangeReader) -> tuple[tuple[int, ...], int]:
    """An OptimizedRange as the reference writes it: Int(16) MaxId, IsRange, range or bitfield."""
    if pos + 17 > len(bits):
        raise GppStringError(f"{field}: truncated at bit {pos} reading MaxId and IsRange (17 bits)")
    max_id = int(bits[pos : pos + 16], 2)
    if bits[pos + 16] == "1":
        ids, pos = read_range(bits, pos + 17, field)
        if ids and (ids[-1] > max_id or ids[0] < 1):
            raise GppStringError(f"{field}: range ids reach {ids[-1]}, beyond MaxId {max_id}")
        return tuple(ids), pos
    stop = pos + 17 + max_id
    if stop > len(bits):
        raise GppStringError(f"{field}: truncated at bit {pos + 17}: the bitfield needs {max_id} bits")
    field_bits = bits[pos + 17 : stop]
    return tuple(compress(range(1, max_id + 1), map(_IS_ONE, field_bits))), stop


def _optimized(ids: tuple[int, ...], field: str, write_range: RangeWriter) -> str:
    """The reference's OptimizedRange: the range form when it is no longer than the bitfield."""
    if ids and (type(ids[0]) is not int or ids[0] < 1 or ids[-1] > 0xFFFF):
        raise GppStringError(f"{field}: vendor ids must be 1-65535, got {ids[0]}..{ids[-1]}")
    max_id = ids[-1] if ids else 0
    range_bits = write_range(list(ids))
    if len(range_bits) <= max_id:
        return f"{max_id:016b}1{range_bits}"
    flags = ["0"] * max_id
    for number in ids:
        flags[number - 1] = "1"
    return f"{max_id:016b}0" + "".join(flags)


def _read_restrictions(bits: str, pos: int, read_range: RangeReader) -> tuple[tuple[RangeEntry, ...], int]:
    if pos + 12 > len(bits):
        raise GppStringError(f"tcfcav1 core segment: truncated at bit {pos} reading {_RESTRICTIONS}")
    count = int(bits[pos : pos + 12], 2)
    pos += 12
    entries = []
    for number in range(1, count + 1):
        if pos + 8 > len(bits):
            raise GppStringError(
                f"tcfcav1 core segment: truncated at bit {pos} reading {_RESTRICTIONS} entry {number}"
            )
        key, kind = int(bits[pos : pos + 6], 2), int(bits[pos + 6 : pos + 8], 2)
        if key == 0 or kind == 3:
            raise GppStringError(
                f"tcfcav1 core segment: {_RESTRICTIONS} entry {number} has key {key} and type {kind}; "
                "keys are purposes 1-63 and type 3 is undefined"
            )
        ids, pos = _read_optimized(
            bits, pos + 8, f"tcfcav1 core segment: {_RESTRICTIONS} entry {number}", read_range
        )
        entries.append(RangeEntry(key, kind, ids))
    return tuple(entries), pos


def _restrictions(entries: tuple[RangeEntry, ...], write_range: RangeWriter) -> str:
    if len(entries) > 0xFFF:
        raise GppStringError(f"tcfcav1: {len(entries)} {_RESTRICTIONS} entries do not fit their count (4095)")
    parts = [f"{len(entries):012b}"]
    for number, entry in enumerate(entries, start=1):
        if (
            type(entry.key) is not int
            or not 1 <= entry.key <= 63
            or type(entry.type) is not int
            or not 0 <= entry.type <= 2
        ):
            raise GppStringError(
                f"tcfcav1: {_RESTRICTIONS} entry {number} has key {entry.key!r} and type {entry.type!r}; "
                "keys are 1-63 and types 0-2"
            )
        parts.append(f"{entry.key:06b}{entry.type:02b}")
        parts.append(_optimized(entry.ids, f"tcfcav1: {_RESTRICTIONS} entry {number}", write_range))
    return "".join(parts)


def _letters_value(value: int) -> str:
    # As the reference reads a String: 6-bit value + 65, 63 as a space, trimmed.
    letters = "".join(" " if code == 63 else chr(code + 65) for code in (value >> 6, value & 0x3F))
    return letters.strip()


_IS_ONE = "1".__eq__
_FLAG_BYTES_TO_BITS = bytes.maketrans(b"\x00\x01", b"01")


def _flags(value: int, width: int) -> tuple[bool, ...]:
    return tuple(map(_IS_ONE, format(value, f"0{width}b")))


def _flag_bits(flags: object, field: str, width: int) -> str:
    # Shapes (tuples of bools, ascending ids) are checked once, by complete(); decoded sections
    # have them by construction. Encoding checks what complete() cannot: that values fit.
    if type(flags) is not tuple or len(flags) > width:
        raise GppStringError(f"tcfcav1: {field} must hold at most {width} true/false values, got {flags!r}")
    return bytes(flags).translate(_FLAG_BYTES_TO_BITS).decode("ascii").ljust(width, "0")


def _read_segment(text: str, where: str) -> str:
    value, nbits = text_to_int(text, where)
    return bit_text(value, nbits)


def _require_zero_tail(bits: str, end: int, where: str) -> None:
    if "1" in bits[end:]:
        raise GppStringError(
            f"{where}: non-zero bits after the last field (bit {end} onwards); padding must be zero"
        )


def _encoded(bits: str) -> str:
    padded = compressed_length(len(bits))
    return int_to_text(int(bits, 2) << (padded - len(bits)) if bits else 0, padded)


class TcfCaV1Section:
    name = "tcfcav1"
    id = 5
    field_names = FIELD_NAMES

    # -- decoding -------------------------------------------------------------------------------

    def decode(self, text: str) -> Section:
        parts = text.split(".")
        fields = dict(_DEFAULTS)
        fields.update(self._core(parts[0]))
        seen: set[int] = set()
        for number, part in enumerate(parts[1:], start=2):
            if not part:
                raise GppStringError(f"tcfcav1: segment {number} is empty")
            segment_type = text_to_int(part[0], f"tcfcav1 segment {number}")[0] >> 3
            if segment_type in seen or segment_type not in (1, 3):
                raise GppStringError(
                    f"tcfcav1: segment {number} has SegmentType {segment_type}; after the core come at most "
                    "one PublisherPurposes (3) and one DisclosedVendors (1) segment"
                )
            seen.add(segment_type)
            if segment_type == 3:
                fields.update(self._publisher(part))
            else:
                fields.update(self._disclosed(part))
        return frozen_section(fields)

    def _core(self, text: str) -> dict[str, FieldValue]:
        where = "tcfcav1 core segment"
        bits = _read_segment(text, where)
        current: tuple[dict[str, FieldValue], int] | None = None
        failure: GppStringError | None = None
        for read_range, write_range in ((_fibonacci_range, fibonacci_range), (_read_int_range, _int_range)):
            try:
                fields, end = self._core_fields(bits, read_range, where)
            except GppStringError as error:
                failure = failure or error
                continue
            # The fixed fields reproduce their bits whatever they hold; only the ranges can differ.
            if self._ranges_bits(fields, write_range) == bits[_FIXED_BITS:end]:
                _require_zero_tail(bits, end, where)
                return fields
            if current is None and read_range is _fibonacci_range:
                current = fields, end
        if current is None:
            assert failure is not None
            raise failure
        # Neither form reproduces the bits: read in the current form, as the reference does.
        _require_zero_tail(bits, current[1], where)
        return current[0]

    def _core_fields(
        self, bits: str, read_range: RangeReader, where: str
    ) -> tuple[dict[str, FieldValue], int]:
        fields: dict[str, FieldValue] = {}
        pos = 0
        for name, width, kind in _CORE_FIXED:
            if pos + width > len(bits):
                raise GppStringError(f"{where}: truncated at bit {pos} reading {name} (needs {width} bits)")
            value = int(bits[pos : pos + width], 2)
            pos += width
            if kind == "date":
                fields[name] = datetime_from_deciseconds(value)
            elif kind == "letters":
                fields[name] = _letters_value(value)
            elif kind == "flags":
                fields[name] = _flags(value, width)
            elif kind == "bool":
                fields[name] = value == 1
            else:
                fields[name] = value
        if fields["Version"] != 1:
            raise GppStringError(f"{where}: Version is {fields['Version']}; this codec reads version 1")
        for name in _VENDOR_FIELDS:
            fields[name], pos = _read_optimized(bits, pos, f"{where}: {name}", read_range)
        fields[_RESTRICTIONS], pos = _read_restrictions(bits, pos, read_range)
        return fields, pos

    def _publisher(self, text: str) -> dict[str, FieldValue]:
        where = "tcfcav1 PublisherPurposes segment"
        bits = _read_segment(text, where)
        if len(bits) < 57:
            raise GppStringError(f"{where}: truncated ({len(bits)} bits; the fixed fields need 57)")
        custom = int(bits[51:57], 2)
        end = 57 + 2 * custom
        if end > len(bits):
            raise GppStringError(
                f"{where}: truncated at bit 57: {custom} custom purposes need {2 * custom} bits"
            )
        _require_zero_tail(bits, end, where)
        return {
            "PubPurposesExpressConsent": _flags(int(bits[3:27], 2), 24),
            "PubPurposesImpliedConsent": _flags(int(bits[27:51], 2), 24),
            "NumCustomPurposes": custom,
            "CustomPurposesExpressConsent": tuple(map(_IS_ONE, bits[57 : 57 + custom])),
            "CustomPurposesImpliedConsent": tuple(map(_IS_ONE, bits[57 + custom : end])),
        }

    def _disclosed(self, text: str) -> dict[str, FieldValue]:
        where = "tcfcav1 DisclosedVendors segment"
        bits = _read_segment(text, where)
        for read_range, write_range in ((_fibonacci_range, fibonacci_range), (_read_int_range, _int_range)):
            try:
                ids, end = _read_optimized(bits, 3, f"{where}: {_DISCLOSED}", read_range)
            except GppStringError:
                continue
            if bits[:end] == "001" + _optimized(ids, _DISCLOSED, write_range):
                _require_zero_tail(bits, end, where)
                return {_DISCLOSED: ids}
        ids, end = _read_optimized(bits, 3, f"{where}: {_DISCLOSED}", _fibonacci_range)
        _require_zero_tail(bits, end, where)
        return {_DISCLOSED: ids}

    # -- encoding -------------------------------------------------------------------------------

    def _core_bits(self, fields: Mapping[str, object], write_range: RangeWriter) -> str:
        packed = 0
        for name, width, kind in _CORE_FIXED:
            value = fields[name]
            if kind == "int" and type(value) is int and 0 <= value < 1 << width:
                packed = packed << width | value
                continue
            if kind == "date":
                if not isinstance(value, dt.datetime):
                    raise GppStringError(f"tcfcav1: {name} must be a datetime, got {value!r}")
                number = deciseconds_from_datetime(value)
            elif kind == "letters":
                if not uppercase_letters(value):
                    raise GppStringError(f"tcfcav1: {name} must be two letters A-Z, got {value!r}")
                number = (ord(value[0]) - 65) << 6 | (ord(value[1]) - 65)
            elif kind == "flags":
                packed = packed << width | int(_flag_bits(value, name, width), 2)
                continue
            elif kind == "bool":
                if type(value) is not bool:
                    raise GppStringError(f"tcfcav1: {name} must be true or false, got {value!r}")
                number = int(value)
            else:
                if type(value) is not int:
                    raise GppStringError(f"tcfcav1: {name} must be an integer, got {value!r}")
                number = value
            if not 0 <= number < 1 << width:
                raise GppStringError(f"tcfcav1: {name} is {number}, which does not fit {width} bits")
            packed = packed << width | number
        return format(packed, f"0{_FIXED_BITS}b") + self._ranges_bits(fields, write_range)

    def _ranges_bits(self, fields: Mapping[str, object], write_range: RangeWriter) -> str:
        """The core's bits after its fixed fields (bit 199 on): the vendor ranges and restrictions."""
        parts = [
            _optimized(_ids(fields[name], name), f"tcfcav1: {name}", write_range) for name in _VENDOR_FIELDS
        ]
        restrictions = fields[_RESTRICTIONS]
        if not isinstance(restrictions, tuple) or not all(
            isinstance(entry, RangeEntry) for entry in restrictions
        ):
            raise GppStringError(
                f"tcfcav1: {_RESTRICTIONS} must hold RangeEntry values, got {restrictions!r}"
            )
        parts.append(_restrictions(restrictions, write_range))
        return "".join(parts)

    def encode(self, fields: Section) -> str:
        if fields["Version"] != 1:
            raise GppStringError(f"tcfcav1: Version is {fields['Version']!r}; only version 1 can be encoded")
        for name, required in _SEGMENT_TYPES.items():
            if fields[name] != required:
                raise GppStringError(f"tcfcav1: {name} must be {required}, got {fields[name]!r}")
        custom = fields["NumCustomPurposes"]
        if type(custom) is not int or not 0 <= custom <= 63:
            raise GppStringError(f"tcfcav1: NumCustomPurposes must be an integer 0-63, got {custom!r}")
        publisher = "011" + "".join(_flag_bits(fields[name], name, 24) for name in _PUBLISHER_FLAGS)
        publisher += f"{custom:06b}" + "".join(
            _flag_bits(fields[name], name, custom) for name in _CUSTOM_FLAGS
        )
        segments = [_encoded(self._core_bits(fields, fibonacci_range)), _encoded(publisher)]
        disclosed = _ids(fields[_DISCLOSED], _DISCLOSED)
        if disclosed:
            segments.append(
                _encoded("001" + _optimized(disclosed, f"tcfcav1: {_DISCLOSED}", fibonacci_range))
            )
        return ".".join(segments)

    def complete(self, fields: Mapping[str, object]) -> Section:
        return complete_tcf_section("tcfcav1", fields, FIELD_NAMES, _DEFAULTS, _shaped, _CUSTOM_FLAGS)


def _ids(value: object, field: str) -> tuple[int, ...]:
    if type(value) is not tuple:
        raise GppStringError(f"tcfcav1: {field} must be a list of vendor ids, got {value!r}")
    return cast("tuple[int, ...]", value)


def _sorted_ids(value: object, field: str) -> tuple[int, ...]:
    if not isinstance(value, (list, tuple, set, frozenset)) or not all_of_type(value, int):
        raise GppStringError(f"tcfcav1: {field} must be a list of integers, got {value!r}")
    return tuple(sorted(set(value)))


_KINDS = {field: kind for field, _, kind in _CORE_FIXED}


def _shaped(name: str, value: object) -> FieldValue:
    kind = _KINDS.get(name)
    if kind == "date":
        if not isinstance(value, dt.datetime):
            raise GppStringError(f"tcfcav1: {name} must be a datetime, got {value!r}")
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    if kind == "flags" or name in _PUBLISHER_FLAGS or name in _CUSTOM_FLAGS:
        if not isinstance(value, (list, tuple)) or not all_of_type(value, bool):
            raise GppStringError(f"tcfcav1: {name} must be a list of true/false values, got {value!r}")
        width = 12 if name == "SpecialFeatureExpressConsent" else 24
        if name in _CUSTOM_FLAGS:
            return tuple(value)
        if len(value) > width:
            raise GppStringError(f"tcfcav1: {name} has {len(value)} values; the field holds {width}")
        return tuple(value) + _FALSES[width - len(value)]
    if kind == "bool":
        if type(value) is not bool:
            raise GppStringError(f"tcfcav1: {name} must be true or false, got {value!r}")
        return value
    if kind == "letters":
        if not isinstance(value, str):
            raise GppStringError(f"tcfcav1: {name} must be two letters, got {value!r}")
        return value
    if name in _VENDOR_FIELDS or name == _DISCLOSED:
        return _sorted_ids(value, name)
    if name == _RESTRICTIONS:
        if not isinstance(value, (list, tuple)):
            raise GppStringError(f"tcfcav1: {_RESTRICTIONS} must be a list, got {value!r}")
        entries = []
        for number, entry in enumerate(value, start=1):
            if isinstance(entry, RangeEntry):
                key, kind_value, ids = entry.key, entry.type, entry.ids
            elif isinstance(entry, Mapping) and set(entry) == {"key", "type", "ids"}:
                key, kind_value, ids = entry["key"], entry["type"], entry["ids"]
            else:
                raise GppStringError(f"tcfcav1: {_RESTRICTIONS} entry {number} must have key, type and ids")
            if type(key) is not int or type(kind_value) is not int:
                raise GppStringError(
                    f"tcfcav1: {_RESTRICTIONS} entry {number}: key and type must be integers"
                )
            entries.append(
                RangeEntry(key, kind_value, _sorted_ids(ids, f"{_RESTRICTIONS} entry {number} ids"))
            )
        return tuple(entries)
    if type(value) is not int:
        raise GppStringError(f"tcfcav1: {name} must be an integer, got {value!r}")
    return value


_EPOCH_START = datetime_from_deciseconds(0)
_DEFAULTS: dict[str, FieldValue] = {
    "Version": 1,
    "Created": _EPOCH_START,
    "LastUpdated": _EPOCH_START,
    "CmpId": 0,
    "CmpVersion": 0,
    "ConsentScreen": 0,
    "ConsentLanguage": "EN",
    "VendorListVersion": 0,
    "TcfPolicyVersion": 2,
    "UseNonStandardStacks": False,
    "SpecialFeatureExpressConsent": _FALSES[12],
    "PurposesExpressConsent": _FALSES[24],
    "PurposesImpliedConsent": _FALSES[24],
    "VendorExpressConsent": (),
    "VendorImpliedConsent": (),
    _RESTRICTIONS: (),
    "PubPurposesSegmentType": 3,
    "PubPurposesExpressConsent": _FALSES[24],
    "PubPurposesImpliedConsent": _FALSES[24],
    "NumCustomPurposes": 0,
    "CustomPurposesExpressConsent": (),
    "CustomPurposesImpliedConsent": (),
    "DisclosedVendorsSegmentType": 1,
    _DISCLOSED: (),
}

TCFCAV1 = TcfCaV1Section()

"""Sections made of fixed-width fields: usnat (MSPA US National) and the US state sections.

Each such section is a core segment, optionally followed after a '.' by one sub-segment: the GPC
sub-section (SubsectionType Int(2) = 1, Gpc Boolean) or, for usin, usky and usri, the sensitive
data consent sub-section (SensitiveDataProcessing N-Bitfield(2,8), no type field). As in the
reference, `GpcSegmentIncluded` / `SensitiveDataConsentSegmentIncluded` say whether the sub-segment
is present; both default to true.

Field lists, widths and defaults: the section specifications under Sections/US-National and
Sections/US-States of the GPP repository, checked field by field against the reference library
`@iabgpp/cmpapi` 3.2.0 (the cross-check tests compare every field). Where they differ, the bytes
follow the reference (see docs/gpp-canonical-json.md, "Deviations").

Decoding is strict: the segment must hold every field, bits after the last field must be zero,
Version must be one this codec knows and a GPC sub-segment must have SubsectionType 1. Int(2)
values are reported as written, 3 included ("invalid" in every section's value table), as the
reference reports them; encoding refuses them, as the reference's validators do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import cast

from privacy_signals.gpp.bits import compressed_length, int_to_text, text_to_int
from privacy_signals.gpp.errors import GppStringError
from privacy_signals.gpp.model import FieldValue, Section, all_of_type, frozen_section

#: Longest segment of a fixed-width section accepted, in characters. The longest core needs 12
#: (usnat); the rest of this allowance can only be zero padding.
MAX_FIXED_SEGMENT_LENGTH = 64

GPC_SEGMENT_INCLUDED = "GpcSegmentIncluded"
SENSITIVE_DATA_CONSENT_SEGMENT_INCLUDED = "SensitiveDataConsentSegmentIncluded"


@dataclass(frozen=True, slots=True)
class Field:
    """One fixed-width field: an Int(width), a Boolean (width 1, `boolean`), or, with `count`, an
    N-Bitfield(width, count) list. Encoding accepts `low`..`high` (per item for lists)."""

    name: str
    width: int
    count: int = 0
    default: int = 0
    low: int = 0
    high: int = 0
    boolean: bool = False

    @property
    def bits(self) -> int:
        return self.width * (self.count or 1)

    def default_value(self) -> FieldValue:
        if self.boolean:
            return bool(self.default)
        if self.count:
            return (self.default,) * self.count
        return self.default


def version(name: str = "Version", default: int = 1, low: int = 1, high: int = 1) -> Field:
    return Field(name, 6, default=default, low=low, high=high)


def notice(name: str) -> Field:
    """Int(2): 0 not applicable, 1 yes, 2 no (3 is not a value)."""
    return Field(name, 2, high=2)


def covered(name: str = "MspaCoveredTransaction") -> Field:
    """Int(2) that cannot be "not applicable": 1 yes, 2 no (default 1)."""
    return Field(name, 2, default=1, low=1, high=2)


def consents(name: str, count: int) -> Field:
    """N-Bitfield(2, count): per item 0 not applicable, 1 no consent, 2 consent."""
    return Field(name, 2, count=count, high=2)


def boolean(name: str, default: bool = False) -> Field:
    return Field(name, 1, default=int(default), high=1, boolean=True)


class Layout:
    """The bits of one segment, with every field's position precomputed so that decoding is one
    shift and mask per value of the segment's int."""

    __slots__ = ("bits", "fields", "names", "pack_plan", "plan")

    def __init__(self, fields: Sequence[Field]) -> None:
        self.fields = tuple(fields)
        self.names = tuple(field.name for field in self.fields)
        self.bits = sum(field.bits for field in self.fields)
        plan: list[tuple[int, int, tuple[int, ...], bool]] = []
        end = 0
        for field in self.fields:
            start = end
            end += field.bits
            mask = (1 << field.width) - 1
            item_shifts = tuple(self.bits - start - field.width * (k + 1) for k in range(field.count))
            plan.append((self.bits - end, mask, item_shifts, field.boolean))
        self.plan = tuple(plan)
        self.pack_plan = tuple(
            (field.name, field.width, field.count, field.low, field.high, field.boolean)
            for field in self.fields
        )

    def cut(self, value: int) -> list[FieldValue]:
        """Field values of the layout's bits given as one int."""
        values: list[FieldValue] = []
        append = values.append
        for shift, mask, item_shifts, is_boolean in self.plan:
            if item_shifts:
                append(tuple([value >> item & mask for item in item_shifts]))
            elif is_boolean:
                append(value >> shift & 1 == 1)
            else:
                append(value >> shift & mask)
        return values

    def read(self, text: str, where: str) -> list[FieldValue]:
        """Field values of a segment's text: all fields present, padding zero."""
        if len(text) > MAX_FIXED_SEGMENT_LENGTH:
            raise GppStringError(
                f"{where} is {len(text)} characters; at most {MAX_FIXED_SEGMENT_LENGTH} are accepted"
            )
        value, nbits = text_to_int(text, where)
        return self.cut(self.fit(value, nbits, where))

    def fit(self, value: int, nbits: int, where: str) -> int:
        """The layout's bits of a segment's int, after checking length and padding."""
        spare = nbits - self.bits
        if spare < 0:
            reached = 0
            for field in self.fields:
                if reached + field.bits > nbits:
                    raise GppStringError(
                        f"{where}: truncated at bit {reached} reading {field.name} "
                        f"(needs {field.bits} bits, {nbits - reached} left)"
                    )
                reached += field.bits
        if value & ((1 << spare) - 1):
            raise GppStringError(
                f"{where}: non-zero bits after the last field (bit {self.bits} onwards); padding must be zero"
            )
        return value >> spare

    def pack(self, fields: Section, where: str) -> int:
        """The layout's bits of `fields`, each value checked against its field's range (inline:
        this loop is most of an uncached encode)."""
        packed = 0
        for name, width, count, low, high, is_boolean in self.pack_plan:
            value = fields[name]
            if count:
                if type(value) is not tuple or len(value) > count:
                    raise _misfit(self.fields, name, value, where)
                for item in value:
                    if type(item) is not int or not low <= item <= high:
                        raise _misfit(self.fields, name, item, where, item=True)
                    packed = packed << width | item
                packed <<= width * (count - len(value))
            elif is_boolean:
                if value is True:
                    packed = packed << 1 | 1
                elif value is False:
                    packed <<= 1
                else:
                    raise _misfit(self.fields, name, value, where)
            elif type(value) is int and low <= value <= high:
                packed = packed << width | value
            else:
                raise _misfit(self.fields, name, value, where)
        return packed


def _misfit(
    fields: tuple[Field, ...], name: str, value: object, where: str, item: bool = False
) -> GppStringError:
    """The error for a value (or, with `item`, one list item) of field `name` that does not fit."""
    field = next(field for field in fields if field.name == name)
    if field.count and not item:
        if isinstance(value, tuple):
            return GppStringError(f"{where}: {name} has {len(value)} values; the field holds {field.count}")
        return GppStringError(f"{where}: {name} must be a list of integers, got {value!r}")
    if field.boolean:
        return GppStringError(f"{where}: {name} must be true or false, got {value!r}")
    allowed = f"{field.low}-{field.high}" if field.low != field.high else str(field.low)
    return GppStringError(f"{where}: {name} must be an integer {allowed}, got {value!r}")


@dataclass(frozen=True, slots=True)
class SubSegment:
    """The optional segment after the core: its layout and the field saying whether it is there."""

    included_field: str
    layout: Layout
    #: (field, required value) checked on decode, e.g. GpcSegmentType must be 1.
    fixed: tuple[tuple[str, int], ...] = ()


GPC = SubSegment(
    GPC_SEGMENT_INCLUDED,
    Layout([Field("GpcSegmentType", 2, default=1, low=1, high=1), boolean("Gpc")]),
    fixed=(("GpcSegmentType", 1),),
)
SENSITIVE_DATA_CONSENTS = SubSegment(
    SENSITIVE_DATA_CONSENT_SEGMENT_INCLUDED, Layout([consents("SensitiveDataProcessing", 8)])
)


class FixedSection:
    """A section of fixed-width fields (usnat and the states): decode, encode and complete."""

    def __init__(
        self,
        name: str,
        section_id: int,
        core: Sequence[Field],
        sub: SubSegment | None = None,
        version_field: str | None = "Version",
    ) -> None:
        self.name = name
        self.id = section_id
        self.core = Layout(core)
        self.sub = sub
        self.version_field = version_field
        defaults: dict[str, FieldValue] = {field.name: field.default_value() for field in self.core.fields}
        # Sub-segment values in the reference's field order, -1 standing for the "included" flag:
        # GpcSegmentType, GpcSegmentIncluded, Gpc; SensitiveDataConsentSegmentIncluded,
        # SensitiveDataProcessing.
        self._sub_order: tuple[int, ...] = ()
        self._sub_fixed: tuple[tuple[int, int], ...] = ()
        if sub is not None:
            self._sub_order = (0, -1, 1) if sub is GPC else (-1, 0)
            self._sub_fixed = tuple((sub.layout.names.index(name), value) for name, value in sub.fixed)
            for index in self._sub_order:
                if index < 0:
                    defaults[sub.included_field] = True
                else:
                    defaults[sub.layout.names[index]] = sub.layout.fields[index].default_value()
        self.defaults = defaults
        self.field_names = tuple(defaults)
        self._sub_defaults = (
            tuple(field.default_value() for field in sub.layout.fields) if sub is not None else ()
        )
        # Field name -> 0 (an integer), -1 (a boolean) or the length of a list.
        self._shapes = {
            field.name: -1 if field.boolean else field.count
            for field in chain(self.core.fields, sub.layout.fields if sub else ())
        }
        if sub is not None:
            self._shapes[sub.included_field] = -1

    def where(self, segment: str) -> str:
        return f"{self.name} {segment} segment"

    def check_version(self, values: list[FieldValue], where: str) -> None:
        if self.version_field is None:
            return
        field = self.core.fields[0]
        version_value = values[0]
        if not isinstance(version_value, int) or not field.low <= version_value <= field.high:
            known = "1" if field.low == field.high == 1 else f"{field.low}-{field.high}"
            raise GppStringError(f"{where}: {field.name} is {values[0]}; this codec reads version {known}")

    def decode_core(self, text: str) -> list[FieldValue]:
        where = self.where("core")
        values = self.core.read(text, where)
        self.check_version(values, where)
        return values

    def decode(self, text: str) -> Section:
        parts = text.split(".")
        most = 2 if self.sub is not None else 1
        if len(parts) > most:
            raise GppStringError(
                f"{self.name}: {len(parts)} segments separated by '.'; the section has at most {most}"
            )
        values = self.decode_core(parts[0])
        if self.sub is None:
            return frozen_section(dict(zip(self.core.names, values, strict=True)))
        sub = self.sub
        if len(parts) == 2:
            where = self.where("sub-section")
            sub_values = sub.layout.read(parts[1], where)
            for index, required in self._sub_fixed:
                if sub_values[index] != required:
                    raise GppStringError(
                        f"{where}: {sub.layout.names[index]} is {sub_values[index]}; "
                        f"a GPC sub-section has {required}"
                    )
            included = True
        else:
            sub_values = list(self._sub_defaults)
            included = False
        values.extend(included if index < 0 else sub_values[index] for index in self._sub_order)
        return frozen_section(dict(zip(self.field_names, values, strict=True)))

    def encode(self, fields: Section) -> str:
        core = self.encode_core(fields)
        sub = self.sub
        if sub is None:
            return core
        if fields[sub.included_field] is False:
            # The reference drops such values silently; a value the string cannot carry is refused.
            for field, default in zip(sub.layout.fields, self._sub_defaults, strict=True):
                if fields[field.name] != default:
                    raise GppStringError(
                        f"{self.name}: {field.name} is {fields[field.name]!r} but {sub.included_field} is "
                        "false, so the sub-section that holds it would not be written"
                    )
            return core
        if fields[sub.included_field] is not True:
            raise GppStringError(
                f"{self.name}: {sub.included_field} must be true or false, got {fields[sub.included_field]!r}"
            )
        layout = sub.layout
        return f"{core}.{_text(layout.pack(fields, self.where('sub-section')), layout.bits)}"

    def encode_core(self, fields: Section) -> str:
        return _text(self.core.pack(fields, self.where("core")), self.core.bits)

    def complete(self, fields: Mapping[str, object]) -> Section:
        """Every field, the given ones first checked for name and shape; lists shorter than the
        field are padded with 0 (as the reference does), longer ones refused."""
        completed = dict(self.defaults)
        shapes = self._shapes
        for field_name, value in fields.items():
            shape = shapes.get(field_name)
            if shape is None:
                raise GppStringError(
                    f"{self.name} has no field {field_name!r}; its fields are {', '.join(self.field_names)}"
                )
            if shape == 0:
                if type(value) is not int:
                    raise GppStringError(f"{self.name}: {field_name} must be an integer, got {value!r}")
            elif shape < 0:
                if type(value) is not bool:
                    raise GppStringError(f"{self.name}: {field_name} must be true or false, got {value!r}")
            else:
                if not isinstance(value, (list, tuple)) or not all_of_type(value, int):
                    raise GppStringError(
                        f"{self.name}: {field_name} must be a list of integers, got {value!r}"
                    )
                if len(value) != shape:
                    if len(value) > shape:
                        raise GppStringError(
                            f"{self.name}: {field_name} has {len(value)} values; the field holds {shape}"
                        )
                    value = tuple(value) + (0,) * (shape - len(value))
                elif type(value) is not tuple:
                    value = tuple(value)
            completed[field_name] = value
        return frozen_section(completed)


def _text(value: int, nbits: int) -> str:
    padded = compressed_length(nbits)
    return int_to_text(value << (padded - nbits), padded)


class UsNatSection(FixedSection):
    """usnat: Version 2 (16 SensitiveDataProcessing and 3 KnownChildSensitiveDataConsents entries)
    and Version 1 (12 and 2).

    As in the reference, the layout is chosen by the core's length, not by Version: 60 or 66 bits
    (10 or 11 characters, how 12-entry cores are padded) are the short layout, anything else the
    16-entry layout. Version 2 in the short layout (written before the lists grew) reads the
    missing entries as 0; Version 1 in the long layout keeps the first 12 and 2 entries, as the
    reference reads them. Encoding Version 1 writes the short layout.
    """

    def __init__(self, name: str, section_id: int, core: Sequence[Field], sub: SubSegment) -> None:
        super().__init__(name, section_id, core, sub)
        v1_fields = [
            consents(field.name, {16: 12, 3: 2}[field.count]) if field.count else field for field in core
        ]
        self.core_v1 = Layout(v1_fields)

    def decode_core(self, text: str) -> list[FieldValue]:
        where = self.where("core")
        if len(text) > MAX_FIXED_SEGMENT_LENGTH:
            raise GppStringError(
                f"{where} is {len(text)} characters; at most {MAX_FIXED_SEGMENT_LENGTH} are accepted"
            )
        value, nbits = text_to_int(text, where)
        if nbits in (60, 66):
            values = self.core_v1.cut(self.core_v1.fit(value, nbits, where))
            if values[0] == 2:
                # Version 2 strings written before the lists grew to 16 and 3 entries: the reference
                # reads the missing entries as 0.
                values = [
                    cast("tuple[int, ...]", item) + (0,) * (self.core.fields[index].count - len(item))
                    if isinstance(item, tuple)
                    else item
                    for index, item in enumerate(values)
                ]
            elif values[0] != 1:
                raise GppStringError(f"{where}: Version is {values[0]}; this codec reads version 1-2")
            return values
        values = self.core.cut(self.core.fit(value, nbits, where))
        self.check_version(values, where)
        if values[0] == 1:
            values = [
                value[: self.core_v1.fields[index].count] if isinstance(value, tuple) else value
                for index, value in enumerate(values)
            ]
        return values

    def encode_core(self, fields: Section) -> str:
        if fields["Version"] == 1:
            return _text(self.core_v1.pack(fields, self.where("core")), self.core_v1.bits)
        return super().encode_core(fields)

    def complete(self, fields: Mapping[str, object]) -> Section:
        completed = super().complete(fields)
        if completed["Version"] != 1:
            return completed
        # Version 1 has the first 12 and 2 entries; the reference drops the rest when it writes one.
        trimmed = dict(completed)
        for field in self.core_v1.fields:
            if field.count:
                value = completed[field.name]
                assert isinstance(value, tuple)
                trimmed[field.name] = value[: field.count]
        return frozen_section(trimmed)


_MSPA_MODES = [notice("MspaOptOutOptionMode"), notice("MspaServiceProviderMode")]


def _state(
    name: str,
    section_id: int,
    notices: Sequence[str],
    opt_outs: Sequence[str],
    sensitive: int,
    child: int,
    extra: str | None,
    gpc: bool,
) -> FixedSection:
    """The common shape of usca ... usmn: Version, notices, opt-outs, SensitiveDataProcessing,
    KnownChildSensitiveDataConsents (a list or, with `child` 0, one Int(2)), an optional consent
    field, then the three MSPA fields."""
    fields = [version()]
    fields += [notice(field) for field in notices]
    fields += [notice(field) for field in opt_outs]
    fields.append(consents("SensitiveDataProcessing", sensitive))
    fields.append(
        consents("KnownChildSensitiveDataConsents", child)
        if child
        else notice("KnownChildSensitiveDataConsents")
    )
    if extra:
        fields.append(notice(extra))
    fields += [covered(), *_MSPA_MODES]
    return FixedSection(name, section_id, fields, GPC if gpc else None)


def _mspa_first(name: str, section_id: int, child: bool, sub: SubSegment) -> FixedSection:
    """usmd, usin, usky, usri: MspaVersion, the MSPA fields first, then notices and opt-outs."""
    fields = [
        version("MspaVersion", default=1, low=0, high=63),
        covered(),
        notice("MspaMode"),
        notice("ProcessingNotice"),
        notice("SaleOptOutNotice"),
        notice("TargetedAdvertisingOptOutNotice"),
        notice("SaleOptOut"),
        notice("TargetedAdvertisingOptOut"),
    ]
    if child:
        fields.append(notice("KnownChildSensitiveDataConsents"))
    fields.append(notice("AdditionalDataProcessingConsent"))
    return FixedSection(name, section_id, fields, sub, version_field=None)


_SALE_TARGETED = ("SaleOptOut", "TargetedAdvertisingOptOut")
_PROCESSING_NOTICES = ("ProcessingNotice", "SaleOptOutNotice", "TargetedAdvertisingOptOutNotice")
_SHARING_NOTICES = ("SharingNotice", "SaleOptOutNotice", "TargetedAdvertisingOptOutNotice")

USNAT = UsNatSection(
    "usnat",
    7,
    [
        version(default=2, low=1, high=2),
        notice("SharingNotice"),
        notice("SaleOptOutNotice"),
        notice("SharingOptOutNotice"),
        notice("TargetedAdvertisingOptOutNotice"),
        notice("SensitiveDataProcessingOptOutNotice"),
        notice("SensitiveDataLimitUseNotice"),
        notice("SaleOptOut"),
        notice("SharingOptOut"),
        notice("TargetedAdvertisingOptOut"),
        consents("SensitiveDataProcessing", 16),
        consents("KnownChildSensitiveDataConsents", 3),
        notice("PersonalDataConsents"),
        covered(),
        *_MSPA_MODES,
    ],
    GPC,
)

FIXED_SECTIONS: tuple[FixedSection, ...] = (
    USNAT,
    _state(
        "usca",
        8,
        ("SaleOptOutNotice", "SharingOptOutNotice", "SensitiveDataLimitUseNotice"),
        ("SaleOptOut", "SharingOptOut"),
        9,
        2,
        "PersonalDataConsents",
        gpc=True,
    ),
    _state("usva", 9, _SHARING_NOTICES, _SALE_TARGETED, 8, 0, None, gpc=False),
    _state("usco", 10, _SHARING_NOTICES, _SALE_TARGETED, 7, 0, None, gpc=True),
    _state(
        "usut",
        11,
        (*_SHARING_NOTICES, "SensitiveDataProcessingOptOutNotice"),
        _SALE_TARGETED,
        8,
        0,
        None,
        gpc=False,
    ),
    _state("usct", 12, _SHARING_NOTICES, _SALE_TARGETED, 8, 3, None, gpc=True),
    _state(
        "usfl", 13, _PROCESSING_NOTICES, _SALE_TARGETED, 8, 3, "AdditionalDataProcessingConsent", gpc=False
    ),
    _state("usmt", 14, _SHARING_NOTICES, _SALE_TARGETED, 8, 3, "AdditionalDataProcessingConsent", gpc=True),
    _state(
        "usor", 15, _PROCESSING_NOTICES, _SALE_TARGETED, 11, 3, "AdditionalDataProcessingConsent", gpc=True
    ),
    _state(
        "ustx", 16, _PROCESSING_NOTICES, _SALE_TARGETED, 8, 0, "AdditionalDataProcessingConsent", gpc=True
    ),
    _state(
        "usde", 17, _PROCESSING_NOTICES, _SALE_TARGETED, 9, 5, "AdditionalDataProcessingConsent", gpc=True
    ),
    _state(
        "usia",
        18,
        (*_PROCESSING_NOTICES, "SensitiveDataOptOutNotice"),
        _SALE_TARGETED,
        8,
        0,
        None,
        gpc=True,
    ),
    _state(
        "usne", 19, _PROCESSING_NOTICES, _SALE_TARGETED, 8, 0, "AdditionalDataProcessingConsent", gpc=True
    ),
    _state(
        "usnh", 20, _PROCESSING_NOTICES, _SALE_TARGETED, 8, 3, "AdditionalDataProcessingConsent", gpc=True
    ),
    _state(
        "usnj", 21, _PROCESSING_NOTICES, _SALE_TARGETED, 10, 5, "AdditionalDataProcessingConsent", gpc=True
    ),
    _state(
        "ustn", 22, _PROCESSING_NOTICES, _SALE_TARGETED, 8, 0, "AdditionalDataProcessingConsent", gpc=True
    ),
    _state(
        "usmn", 23, _PROCESSING_NOTICES, _SALE_TARGETED, 8, 0, "AdditionalDataProcessingConsent", gpc=True
    ),
    _mspa_first("usmd", 24, child=False, sub=GPC),
    _mspa_first("usin", 25, child=True, sub=SENSITIVE_DATA_CONSENTS),
    _mspa_first("usky", 26, child=True, sub=SENSITIVE_DATA_CONSENTS),
    _mspa_first("usri", 27, child=True, sub=SENSITIVE_DATA_CONSENTS),
)

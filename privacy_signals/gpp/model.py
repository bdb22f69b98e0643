"""What a GPP string says, as read-only values.

A `GppModel` maps each section's client-side API prefix ("tcfeuv2", "usnat", ...) to that section's
fields, in section-id order (the order of the string). A section is a read-only mapping from field
name to value; names, value shapes and defaults are those of the reference library
`@iabgpp/cmpapi` 3.2.0 (`GppModel.getSection`, `getFieldValue`):

* Int(n) fields are `int`; Boolean fields `bool`;
* N-Bitfield(2, n) lists (e.g. usnat `SensitiveDataProcessing`) are tuples of ints;
* fixed bitfields (tcfeuv2 `PurposeConsents`) are tuples of bools, one per id from 1;
* vendor id lists (tcfeuv2 `VendorConsents`) are ascending tuples of ints;
* Datetime fields (tcfeuv2 `Created`) are aware UTC datetimes;
* publisher restrictions are tuples of `RangeEntry(key, type, ids)`.

Decoded models share their section mappings with the decoder's memo, which is why nothing here
can be changed in place: build a new model from a changed copy, e.g.
`GppModel({**model, "usnat": {**model["usnat"], "Gpc": True}})`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeGuard

from privacy_signals.gpp.errors import GppStringError

if TYPE_CHECKING:
    from privacy_signals.gpp.sections import SectionCodec


@dataclass(frozen=True, slots=True)
class RangeEntry:
    """One publisher restriction (N-ArrayOfRanges entry): `key` is the purpose id, `type` the
    restriction type, `ids` the vendor ids (ascending)."""

    key: int
    type: int
    ids: tuple[int, ...]


FieldValue = int | bool | str | dt.datetime | tuple[int, ...] | tuple[bool, ...] | tuple[RangeEntry, ...]
Section = Mapping[str, FieldValue]


def all_of_type(values: Iterable[object], kind: type) -> bool:
    """Whether every value is exactly of type `kind` (bool is not int here), at C speed."""
    return set(map(type, values)) <= {kind}


def uppercase_letters(code: object, length: int = 2) -> TypeGuard[str]:
    """Whether `code` is `length` ASCII letters A-Z."""
    return (
        isinstance(code, str) and len(code) == length and code.isascii() and code.isalpha() and code.isupper()
    )


def frozen_section(fields: dict[str, FieldValue]) -> Section:
    return MappingProxyType(fields)


#: The section codecs by API prefix; sections.py fills it when it is imported (which the package
#: does before any model can be built), so this module need not import it.
CODECS: dict[str, SectionCodec] = {}


def codec_named(name: str) -> SectionCodec:
    codec = CODECS.get(name) if isinstance(name, str) else None
    if codec is None:
        known = ", ".join(sorted(CODECS, key=lambda known_name: CODECS[known_name].id))
        raise GppStringError(f"unknown section {name!r}; the codec reads {known}")
    return codec


class GppModel(Mapping[str, Section]):
    """The sections of one GPP string, by API prefix, in section-id order.

    `GppModel({"usnat": {"SaleOptOut": 1, "Gpc": True}})` fills every field not given with the
    reference's default and checks names and value shapes (GppStringError otherwise); whether each
    value fits its field is checked when the model is encoded.
    """

    __slots__ = ("_sections",)

    _sections: dict[str, Section]

    def __init__(self, sections: Mapping[str, Mapping[str, object]] | None = None) -> None:
        if sections is None:
            sections = {}
        if not isinstance(sections, Mapping):
            raise GppStringError(f"sections must be a mapping of section name to fields, got {sections!r}")
        codecs: list[tuple[SectionCodec, Mapping[str, object]]] = []
        for name, fields in sections.items():
            if not isinstance(fields, Mapping):
                raise GppStringError(f"section {name!r}: fields must be a mapping, got {fields!r}")
            codecs.append((codec_named(name), fields))
        if len(codecs) > 1:
            codecs.sort(key=_by_id)
        self._sections = {codec.name: codec.complete(fields) for codec, fields in codecs}

    @classmethod
    def trusted(cls, sections: dict[str, Section]) -> GppModel:
        """A model of sections the decoder built (complete, in id order), without re-checking."""
        model = cls.__new__(cls)
        model._sections = sections
        return model

    @property
    def section_ids(self) -> tuple[int, ...]:
        return tuple([CODECS[name].id for name in self._sections])

    def __getitem__(self, name: str) -> Section:
        return self._sections[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sections)

    def __len__(self) -> int:
        return len(self._sections)

    def __repr__(self) -> str:
        return f"GppModel({ {name: dict(fields) for name, fields in self._sections.items()}!r})"


def _by_id(pair: tuple[SectionCodec, Mapping[str, object]]) -> int:
    return pair[0].id

"""The sections this codec reads and writes, by id and API prefix (Sections/Section Information.md).

Supported: tcfeuv2 (2), tcfcav1 (5), uspv1 (6), usnat (7) and every US state section both the
specification and the reference library `@iabgpp/cmpapi` 3.2.0 define: usca (8) ... usri (27),
i.e. every section the reference implements. Ids the specification lists but nobody encodes
(tcfeuv1 (1, deprecated), the header's own id 3, signal integrity (4)) and ids it does not list
at all are refused with a GppStringError, where the reference silently skips an unknown id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from privacy_signals.gpp import model
from privacy_signals.gpp.errors import GppStringError
from privacy_signals.gpp.fixed import FIXED_SECTIONS
from privacy_signals.gpp.model import FieldValue, Section, codec_named, frozen_section
from privacy_signals.gpp.tcfcav1 import TCFCAV1
from privacy_signals.gpp.tcfeuv2 import TCFEUV2


class SectionCodec(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def id(self) -> int: ...

    @property
    def field_names(self) -> tuple[str, ...]: ...

    def decode(self, text: str) -> Section:
        """The section's fields from its text (the part between two '~')."""

    def encode(self, fields: Section) -> str:
        """The section's text from complete fields; checks that every value fits its field."""

    def complete(self, fields: Mapping[str, object]) -> Section:
        """Every field: the given ones checked for name and shape, the others at their defaults."""


_USP_CHARACTERS = frozenset("YN-")


class UspV1Section:
    """uspv1 (id 6): the IAB CCPA US Privacy string carried as is, four characters: the
    specification version (a digit), then Notice, OptOutSale and LspaCovered, each Y, N or '-'.
    Deprecated by the IAB, still read by ad stacks. The reference accepts any character; this codec
    only those the US Privacy specification defines."""

    name = "uspv1"
    id = 6
    field_names = ("Version", "Notice", "OptOutSale", "LspaCovered")
    _defaults: dict[str, FieldValue] = {"Version": 1, "Notice": "-", "OptOutSale": "-", "LspaCovered": "-"}

    def decode(self, text: str) -> Section:
        if len(text) != 4:
            raise GppStringError(f"uspv1: the US Privacy string is 4 characters, got {len(text)}: {text!r}")
        if not "0" <= text[0] <= "9":
            raise GppStringError(f"uspv1: Version must be a digit, got {text[0]!r}")
        for name, character in zip(self.field_names[1:], text[1:], strict=True):
            if character not in _USP_CHARACTERS:
                raise GppStringError(f"uspv1: {name} must be Y, N or -, got {character!r}")
        return frozen_section(
            {"Version": ord(text[0]) - 48, "Notice": text[1], "OptOutSale": text[2], "LspaCovered": text[3]}
        )

    def encode(self, fields: Section) -> str:
        version = fields["Version"]
        if type(version) is not int or not 0 <= version <= 9:
            raise GppStringError(f"uspv1: Version must be an integer 0-9, got {version!r}")
        characters = [str(version)]
        for name in self.field_names[1:]:
            value = fields[name]
            if not isinstance(value, str) or value not in _USP_CHARACTERS:
                raise GppStringError(f"uspv1: {name} must be 'Y', 'N' or '-', got {value!r}")
            characters.append(value)
        return "".join(characters)

    def complete(self, fields: Mapping[str, object]) -> Section:
        completed = dict(self._defaults)
        for name, value in fields.items():
            if name not in completed:
                raise GppStringError(
                    f"uspv1 has no field {name!r}; its fields are {', '.join(self.field_names)}"
                )
            if name == "Version" and type(value) is not int:
                raise GppStringError(f"uspv1: Version must be an integer, got {value!r}")
            if name != "Version" and not isinstance(value, str):
                raise GppStringError(f"uspv1: {name} must be 'Y', 'N' or '-', got {value!r}")
            completed[name] = value  # type: ignore[assignment]
        return frozen_section(completed)


USPV1 = UspV1Section()

SECTIONS: tuple[SectionCodec, ...] = (TCFEUV2, TCFCAV1, USPV1, *FIXED_SECTIONS)
BY_ID: dict[int, SectionCodec] = {codec.id: codec for codec in SECTIONS}
BY_NAME: dict[str, SectionCodec] = {codec.name: codec for codec in SECTIONS}
model.CODECS.update(BY_NAME)
#: Highest section id this codec reads.
HIGHEST_ID = max(BY_ID)

#: Section ids the specification lists that this codec does not read, and why.
UNSUPPORTED = {
    1: "tcfeuv1 (EU TCF v1, deprecated by the specification)",
    3: "the GPP header's own id",
    4: "the GPP signal integrity section (not specified yet)",
}


def codec_with_id(section_id: int) -> SectionCodec:
    codec = BY_ID.get(section_id)
    if codec is None:
        reason = UNSUPPORTED.get(section_id, "not a section id of the GPP specification")
        raise GppStringError(f"section id {section_id} is not supported: {reason}")
    return codec


__all__ = ["BY_ID", "BY_NAME", "HIGHEST_ID", "SECTIONS", "SectionCodec", "codec_named", "codec_with_id"]

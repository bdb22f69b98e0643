"""The GPP string of a US visitor's choice, built on the server from what they chose.

One function for the banner document (the string before any choice: notices given, nothing opted
out) and for the consent record (the string of the recorded opt-outs and GPC). Values follow the
IAB GPP US National and state section specifications: a notice field is 1 (notice provided); an
opt-out field 1 (opted out) or 2 (did not opt out); SensitiveDataProcessing in usnat and usca is
an opt-out (1 limited, 2 not), in the other states a consent we never collect (1, no consent).
Children's and MSPA fields say what this product knows: not applicable, and no MSPA transaction
(MspaCoveredTransaction 2) since the publisher's MSPA status is not configured.
"""

from __future__ import annotations

from privacy_signals.gpp import SECTION_IDS, GppModel, encode
from privacy_signals.gpp.fixed import Field, FixedSection
from privacy_signals.gpp.model import codec_named
from sites.jurisdictions import US_STATE_LAWS

_OPT_OUTS = ("SaleOptOut", "SharingOptOut", "TargetedAdvertisingOptOut")
_SENSITIVE_IS_OPT_OUT = ("usnat", "usca")


def _section(name: str, opted_out: bool, limited: bool, gpc: bool) -> dict[str, object]:
    defaults = GppModel({name: {}})[name]
    fields: dict[str, object] = {}
    for field, value in defaults.items():
        if field.endswith("Notice"):
            fields[field] = 1
        elif field in _OPT_OUTS:
            fields[field] = 1 if opted_out else 2
        elif field == "SensitiveDataProcessing" and isinstance(value, tuple):
            entry = (1 if limited else 2) if name in _SENSITIVE_IS_OPT_OUT else 1
            fields[field] = (entry,) * len(value)
        elif field == "MspaCoveredTransaction":
            fields[field] = 2
        elif field == "Gpc":
            fields[field] = gpc
    return fields


def us_gpp_string(sections: tuple[str, ...], *, opted_out: bool, limited: bool, gpc: bool) -> str:
    """The GPP string with `sections` (usnat and the state's) for a visitor who opted out of sale,
    sharing and targeted advertising (`opted_out`, which GPC implies), limited the use of their
    sensitive data (`limited`), and whose browser sent GPC (`gpc`)."""
    opted_out = opted_out or gpc
    return encode({name: _section(name, opted_out, limited, gpc) for name in sections})


#: The GPP sections this CMP writes, as the CMP API's supportedAPIs lists them ("7:usnat").
SUPPORTED_APIS = tuple(
    f"{SECTION_IDS[name]}:{name}"
    for name in sorted({"usnat", *(law[0] for law in US_STATE_LAWS.values())}, key=SECTION_IDS.__getitem__)
)


def _fields(fields: tuple[Field, ...]) -> list[list[object]]:
    return [[field.name, field.width, field.count, int(field.boolean)] for field in fields]


def section_layouts(sections: tuple[str, ...]) -> dict[str, dict[str, object]]:
    """The bit layout of each section (core, then the optional sub-segment), from the codec's own
    tables, for the banner's __gpp to read its strings back without a decoder of its own."""
    layouts: dict[str, dict[str, object]] = {}
    for name in sections:
        codec = codec_named(name)
        assert isinstance(codec, FixedSection)
        sub = codec.sub
        layouts[name] = {
            "id": codec.id,
            "core": _fields(codec.core.fields),
            "sub": _fields(sub.layout.fields) if sub else [],
        }
    return layouts

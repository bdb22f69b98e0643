"""IAB Global Privacy Platform (GPP) string v1 codec: pure Python (no Django), strict, byte-exact
with the IAB reference library `@iabgpp/cmpapi` 3.2.0.

    from privacy_signals.gpp import decode, encode, GppModel, GppStringError
    model = decode("DBABLA~CVVVkkkkkpFY.YA")
    model["usnat"]["SaleOptOut"], model["usnat"]["Gpc"], model.section_ids
    encode({"usnat": {"SaleOptOutNotice": 1, "SaleOptOut": 1, "Gpc": True}})

    from privacy_signals.gpp import decode_section, encode_section, model_to_canonical, model_from_canonical

Sections: tcfeuv2 (2, through privacy_signals.tcf), uspv1 (6), usnat (7, versions 1 and 2, with
the GPC sub-section), usca, usva, usco, usut, usct (8-12) and the later state sections usfl ...
usri (13-27). Field names, value shapes and defaults are the reference's (model.py); decisions
where the specification or the reference leave a choice are in codec.py, fixed.py, tcfeuv2.py
and docs/gpp-canonical-json.md. Every malformed input raises GppStringError and nothing else.
"""

from privacy_signals.gpp.canonical import model_from_canonical, model_to_canonical
from privacy_signals.gpp.codec import (
    MAX_GPP_STRING_LENGTH,
    clear_caches,
    decode,
    decode_section,
    encode,
    encode_section,
)
from privacy_signals.gpp.errors import GppStringError
from privacy_signals.gpp.model import FieldValue, GppModel, RangeEntry, Section
from privacy_signals.gpp.sections import SECTIONS

SECTION_NAMES = tuple(codec.name for codec in SECTIONS)
SECTION_IDS = {codec.name: codec.id for codec in SECTIONS}

__all__ = [
    "MAX_GPP_STRING_LENGTH",
    "SECTION_IDS",
    "SECTION_NAMES",
    "FieldValue",
    "GppModel",
    "GppStringError",
    "RangeEntry",
    "Section",
    "clear_caches",
    "decode",
    "decode_section",
    "encode",
    "encode_section",
    "model_from_canonical",
    "model_to_canonical",
]

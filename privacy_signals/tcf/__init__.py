"""IAB TCF v2 TC string codec: pure Python (no Django), strict, byte-exact with @iabtechlabtcf/core.

    from privacy_signals.tcf import TCModel, PublisherRestriction, TCStringError, encode, decode, validate_v23
    from privacy_signals.tcf import model_to_canonical, model_from_canonical, day_deciseconds

Decisions where the spec digest (docs/tcf-spec.md) leaves a choice (details in
`decoder.py` and `encoder.py`):
* Trailing '=' padding is tolerated on input (RFC 4648 form only); output never carries it.
* A later segment with SegmentType 0 is refused (spec §1.9 lists it as malformed), as are types 4-7
  and a repeated segment. TCF v1.1 strings are refused with a message saying so.
* Input is limited to `MAX_TC_STRING_LENGTH` (16 KiB) characters and `MAX_EXPANDED_IDS` vendor ids.
* Publisher restrictions are one entry per (purpose, type): duplicates in a string are merged and
  empty entries dropped, as the reference library does.
* The encoder picks range or bitfield exactly as the reference does, including its size estimate,
  which differs from "whichever is shorter" in a narrow band (see encoder.py).
"""

from privacy_signals.tcf.canonical import model_from_canonical, model_to_canonical
from privacy_signals.tcf.decoder import MAX_EXPANDED_IDS, MAX_TC_STRING_LENGTH, decode, decode_vendor_set
from privacy_signals.tcf.encoder import encode, encode_vendor_set
from privacy_signals.tcf.errors import TCStringError
from privacy_signals.tcf.model import PublisherRestriction, TCModel, day_deciseconds
from privacy_signals.tcf.policy import validate_v23

__all__ = [
    "MAX_EXPANDED_IDS",
    "MAX_TC_STRING_LENGTH",
    "PublisherRestriction",
    "TCModel",
    "TCStringError",
    "day_deciseconds",
    "decode",
    "decode_vendor_set",
    "encode",
    "encode_vendor_set",
    "model_from_canonical",
    "model_to_canonical",
    "validate_v23",
]

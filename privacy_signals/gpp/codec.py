"""GPP string v1: `decode`, `encode` and their section-level forms (Consent String Specification,
"GPP String Format", "Header Encoding").

A GPP string is a header and its sections joined by '~'. The header is Type Int(6) = 3, Version
Int(6) = 1 and Sections, a Range(Fibonacci) of section ids, which lists the sections in ascending
id order, one per '~'-separated part.

Strictness, decided here (the reference library is more lenient in each case):
* Input longer than MAX_GPP_STRING_LENGTH characters is refused before any work.
* The header must have Type 3 and Version 1 and zero padding; every id it lists must be a section
  this codec reads (sections.py), and there must be exactly one non-empty part per id.
* Each section is decoded completely and strictly by its own codec (fixed.py, tcfeuv2.py,
  sections.py); nothing is decoded lazily, so a defect anywhere fails `decode` itself.
* Nothing but GppStringError leaves `decode` or `encode`, whatever the input.

Sections and headers recur across users (a site's policy gives the same usnat section to every
visitor who makes the same choice), so decoded sections are memoised by their text and headers by
their text and ids, in bounded memos; `clear_caches` empties them and the TC codec's.
"""

from __future__ import annotations

from collections.abc import Mapping

from privacy_signals.gpp import sections as _sections
from privacy_signals.gpp.bits import (
    bit_text,
    encode_compressed,
    fibonacci_range,
    read_fibonacci_range,
    text_to_int,
)
from privacy_signals.gpp.errors import GppStringError
from privacy_signals.gpp.model import GppModel, Section
from privacy_signals.gpp.sections import HIGHEST_ID, codec_named, codec_with_id
from privacy_signals.tcf import decoder as tcf_decoder
from privacy_signals.tcf import encoder as tcf_encoder
from privacy_signals.tcf.memo import Memo

#: Longest input accepted, in characters. The largest section is a TC string (at most 16 KiB,
#: the TC codec's own limit); every other section is a few characters, so 32 KiB holds any
#: string a CMP writes and bounds the work per call.
MAX_GPP_STRING_LENGTH = 32768
#: Longest header accepted: 27 section ids need well under 20 characters.
MAX_HEADER_LENGTH = 64

_HEADER_TYPE = 3
_HEADER_VERSION = 1

_HEADER_CACHE: Memo[str, tuple[int, ...]] = Memo()
_HEADER_TEXT_CACHE: Memo[tuple[int, ...], str] = Memo()
_SECTION_CACHE: Memo[tuple[int, str], Section] = Memo()


def clear_caches() -> None:
    """Forget memoised headers and sections, and the TC codec's memos (the benchmark's uncached
    figures clear them before every call)."""
    _HEADER_CACHE.clear()
    _HEADER_TEXT_CACHE.clear()
    _SECTION_CACHE.clear()
    tcf_decoder.clear_caches()
    tcf_encoder.clear_caches()


def decode_header(text: str) -> tuple[int, ...]:
    """The section ids a GPP header lists, in order."""
    cached = _HEADER_CACHE.get(text)
    if cached is not None:
        return cached
    if len(text) > MAX_HEADER_LENGTH:
        raise GppStringError(
            f"the GPP header is {len(text)} characters; at most {MAX_HEADER_LENGTH} are accepted"
        )
    value, nbits = text_to_int(text, "the GPP header")
    if nbits < 12:
        raise GppStringError("the GPP header is truncated: it needs Type and Version (12 bits)")
    header_type = value >> (nbits - 6)
    header_version = value >> (nbits - 12) & 0x3F
    if header_type != _HEADER_TYPE:
        hint = (
            " (a TC string starts with Version 2; a GPP string starts with 'DB')" if header_type == 2 else ""
        )
        raise GppStringError(f"the GPP header's Type is {header_type}, not 3{hint}")
    if header_version != _HEADER_VERSION:
        raise GppStringError(f"the GPP header's Version is {header_version}; only version 1 is defined")
    bits = bit_text(value, nbits)
    ids, end = read_fibonacci_range(bits, 12, HIGHEST_ID, "the GPP header's section ids")
    if "1" in bits[end:]:
        raise GppStringError(f"the GPP header has non-zero bits after its section ids (bit {end} onwards)")
    for section_id in ids:
        codec_with_id(section_id)
    result = tuple(ids)
    _HEADER_CACHE.remember(text, result, len(text) + 8 * len(result))
    return result


def encode_header(section_ids: tuple[int, ...]) -> str:
    cached = _HEADER_TEXT_CACHE.get(section_ids)
    if cached is not None:
        return cached
    bits = f"{_HEADER_TYPE:06b}{_HEADER_VERSION:06b}{fibonacci_range(list(section_ids))}"
    text = encode_compressed(int(bits, 2), len(bits))
    _HEADER_TEXT_CACHE.remember(section_ids, text, len(text) + 8 * len(section_ids))
    return text


def _decode_section(section_id: int, text: str) -> Section:
    key = (section_id, text)
    fields = _SECTION_CACHE.get(key)
    if fields is None:
        fields = _sections.BY_ID[section_id].decode(text)
        # Each character can stand for up to 6 ids of a tuple (8 bytes a slot).
        _SECTION_CACHE.remember(key, fields, 64 * len(fields) + 48 * len(text))
    return fields


def decode(gpp_string: str) -> GppModel:
    """Decodes a GPP string; raises GppStringError naming the section, segment and field at fault."""
    if type(gpp_string) is not str:
        if not isinstance(gpp_string, str):
            raise GppStringError(f"a GPP string must be text, got {type(gpp_string).__name__}")
        gpp_string = str(gpp_string)
    if not gpp_string:
        raise GppStringError("the GPP string is empty")
    if len(gpp_string) > MAX_GPP_STRING_LENGTH:
        raise GppStringError(
            f"the GPP string is {len(gpp_string)} characters, over the limit of {MAX_GPP_STRING_LENGTH}"
        )
    parts = gpp_string.split("~")
    try:
        section_ids = decode_header(parts[0])
        if len(section_ids) != len(parts) - 1:
            raise GppStringError(
                f"the header lists {len(section_ids)} section(s) but the string has {len(parts) - 1} after it"
            )
        sections: dict[str, Section] = {}
        for number, (section_id, text) in enumerate(zip(section_ids, parts[1:], strict=True), start=1):
            if not text:
                raise GppStringError(f"section {number} ({_sections.BY_ID[section_id].name}) is empty")
            sections[_sections.BY_ID[section_id].name] = _decode_section(section_id, text)
    except GppStringError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError) as error:
        # A defect no check above names; still the codec's error, never another exception.
        raise GppStringError(f"the GPP string is malformed: {type(error).__name__}: {error}") from None
    return GppModel.trusted(sections)


def encode(model: GppModel | Mapping[str, Mapping[str, object]]) -> str:
    """The GPP string of a model (or of a mapping of sections to fields, completed with defaults).

    Sections are written in ascending id order, as the specification requires. Raises
    GppStringError when a field is unknown or a value does not fit its field."""
    if not isinstance(model, GppModel):
        if not isinstance(model, Mapping):
            raise GppStringError(
                f"encode expects a GppModel or a mapping of sections, got {type(model).__name__}"
            )
        model = GppModel(model)
    try:
        parts = [encode_header(model.section_ids)]
        for name, fields in model.items():
            parts.append(codec_named(name).encode(fields))
    except GppStringError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as error:
        raise GppStringError(
            f"the model holds a value of the wrong type: {type(error).__name__}: {error}"
        ) from None
    gpp_string = "~".join(parts)
    if len(gpp_string) > MAX_GPP_STRING_LENGTH:
        raise GppStringError(
            f"the encoded string is {len(gpp_string)} characters, over the codec's limit of "
            f"{MAX_GPP_STRING_LENGTH}"
        )
    return gpp_string


def decode_section(name: str, text: str) -> Section:
    """One section's fields from its text (e.g. `decode_section("usnat", "CVVVkkkkkpFY.YA")`)."""
    codec = codec_named(name)
    if type(text) is not str:
        raise GppStringError(f"a section must be text, got {type(text).__name__}")
    if not text:
        raise GppStringError(f"the {name} section is empty")
    if len(text) > MAX_GPP_STRING_LENGTH:
        raise GppStringError(
            f"the {name} section is {len(text)} characters, over the limit of {MAX_GPP_STRING_LENGTH}"
        )
    try:
        return _decode_section(codec.id, text)
    except GppStringError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError) as error:
        raise GppStringError(f"the {name} section is malformed: {type(error).__name__}: {error}") from None


def encode_section(name: str, fields: Mapping[str, object]) -> str:
    """One section's text from its fields (missing fields take the reference's defaults)."""
    codec = codec_named(name)
    if not isinstance(fields, Mapping):
        raise GppStringError(f"the {name} fields must be a mapping, got {type(fields).__name__}")
    completed = codec.complete(fields)
    try:
        return codec.encode(completed)
    except GppStringError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as error:
        raise GppStringError(f"the {name} fields hold a value of the wrong type: {error}") from None

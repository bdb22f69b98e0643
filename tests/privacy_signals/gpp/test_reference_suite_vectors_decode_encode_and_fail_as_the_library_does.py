"""Every vector of the reference library's own test suite (data/gpp-vectors.json, see its
PROVENANCE.md): encode vectors encode to the same string, decode vectors decode to the values the
library 3.2.0 decodes (`decodedByLibrary`), invalid vectors raise GppStringError, and the bit-level
Fibonacci and range vectors hold for the codec's primitives.

Encode vectors were made by setting fields through the library's public setters, two of which
rewrite what they are given (TcfEuV2 clears purpose 1 and 3-6 legitimate interests and keeps
Created/LastUpdated equal; TcfCaV1 restamps both dates on every change). The codec writes values as
given, so these tests apply the same rewrites to the vectors' field values before encoding.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from privacy_signals.gpp import (
    GppModel,
    GppStringError,
    decode,
    decode_section,
    encode,
    encode_section,
)
from privacy_signals.gpp.bits import fibonacci_code, fibonacci_range, read_fibonacci, read_fibonacci_range
from privacy_signals.gpp.canonical import value_to_json
from privacy_signals.gpp.codec import decode_header, encode_header
from privacy_signals.gpp.tcfcav1 import _int_range, _read_int_range

VECTORS = json.loads((Path(__file__).resolve().parent / "data" / "gpp-vectors.json").read_text())["vectors"]
BIT_VECTORS = json.loads((Path(__file__).resolve().parent / "data" / "gpp-vectors.json").read_text())[
    "bitEncoderVectors"
]

#: Vectors this codec refuses on purpose, and why.
REFUSED = {
    19: (
        "its tcfcav1 core reproduces its bits in neither of the library's two forms; the library "
        "then reads PubRestrictions as one entry {key 56, type 0, ids []} and ignores ten non-zero "
        "bits after it, which strict decoding refuses"
    ),
}


def _by_kind(kind: str) -> list[dict[str, Any]]:
    return [vector for vector in VECTORS if vector["kind"] == kind]


def _json_value(value: Any) -> Any:
    """The vectors' JSON ({"$date": ...}, {"$RangeEntry": [...]}) as canonical JSON values."""
    if isinstance(value, dict) and "$date" in value:
        return dt.datetime.fromisoformat(value["$date"])
    if isinstance(value, dict) and "$RangeEntry" in value:
        key, kind, ids = value["$RangeEntry"]
        return {"key": key, "type": kind, "ids": ids}
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    return value


def _as_the_library_sets(section: str, fields: dict[str, Any], today: dt.datetime) -> dict[str, Any]:
    """Field values after the library's public setters have applied them one by one."""
    applied: dict[str, Any] = {}
    for name, raw in fields.items():
        value = _json_value(raw)
        if section == "tcfeuv2":
            if name in ("Created", "LastUpdated"):
                applied["Created"] = applied["LastUpdated"] = value
                continue
            if name == "PurposeLegitimateInterests":
                value = list(value) + [False] * max(0, 6 - len(value))
                for index in (0, 2, 3, 4, 5):
                    value[index] = False
            applied["Created"] = applied["LastUpdated"] = today
        elif section == "tcfcav1" and name not in ("Created", "LastUpdated"):
            applied["Created"] = applied["LastUpdated"] = today
        applied[name] = value
    return applied


def _library_fields(section: str, fields: Any) -> dict[str, Any]:
    return {name: value_to_json(value) for name, value in fields.items()}


def _assert_matches_library(ours: dict[str, Any], library: dict[str, Any], where: str) -> None:
    # The library's toObj() leaves out the "included" flags, which the codec also reports.
    for field, value in library.items():
        assert field in ours, f"{where}: no field {field}"
        assert ours[field] == value, f"{where}.{field}: {ours[field]!r} != library {value!r}"


@pytest.mark.parametrize("vector", _by_kind("encode"), ids=lambda vector: f"vector{vector['id']}")
def test_encode_vectors_encode_to_the_same_string(vector: dict[str, Any]) -> None:
    today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    fields_set = vector["fieldsSet"]
    if vector["section"] == "header":
        assert encode_header(tuple(fields_set["header"]["SectionIds"])) == vector["string"]
        return
    if not vector["isFullGppString"]:
        section = vector["section"]
        fields = _as_the_library_sets(section, fields_set.get(section, {}), today)
        assert encode_section(section, fields) == vector["string"]
        return
    sections: dict[str, dict[str, Any]] = {}
    if vector["startFromString"]:
        sections = {name: dict(fields) for name, fields in decode(vector["startFromString"]).items()}
    for name, fields in fields_set.items():
        sections[name] = {**sections.get(name, {}), **_as_the_library_sets(name, fields, today)}
    assert encode(GppModel(sections)) == vector["string"]


@pytest.mark.parametrize("vector", _by_kind("decode"), ids=lambda vector: f"vector{vector['id']}")
def test_decode_vectors_decode_to_the_librarys_values(vector: dict[str, Any]) -> None:
    text = vector["string"]
    if vector["id"] in REFUSED:
        with pytest.raises(GppStringError):
            decode(text)
        return
    if vector["section"] == "header":
        assert list(decode_header(text)) == vector["decodedByLibrary"]["SectionIds"]
        return
    if vector["isFullGppString"]:
        model = decode(text)
        assert list(model.section_ids) == vector["sectionIds"]
        assert set(model) == set(vector["decodedByLibrary"])
        for name, library in vector["decodedByLibrary"].items():
            _assert_matches_library(
                _library_fields(name, model[name]), library, f"vector {vector['id']} {name}"
            )
    else:
        section = vector["section"]
        ours = _library_fields(section, decode_section(section, text))
        _assert_matches_library(ours, vector["decodedByLibrary"], f"vector {vector['id']} {section}")
    for expected in vector["expectedFields"]:
        fields = (
            decode(text)[expected["section"]]
            if vector["isFullGppString"]
            else decode_section(expected["section"], text)
        )
        value = value_to_json(fields[expected["field"]])
        if "index" in expected:
            value = value[expected["index"]]
        assert value == expected["libraryValue"], f"vector {vector['id']} {expected['field']}"


@pytest.mark.parametrize("vector", _by_kind("invalid"), ids=lambda vector: f"vector{vector['id']}")
def test_invalid_vectors_raise_the_codecs_error(vector: dict[str, Any]) -> None:
    assert vector["libraryThrows"]
    with pytest.raises(GppStringError):
        _decode_vector(vector)


def _decode_vector(vector: dict[str, Any]) -> object:
    if vector["isFullGppString"]:
        return decode(vector["string"])
    if vector["section"] == "header":
        return decode_header(vector["string"])
    return decode_section(vector["section"], vector["string"])


def test_legacy_tcfcav1_strings_decode_and_reencode_in_the_current_form() -> None:
    (vector,) = _by_kind("reencode")
    fields = decode_section("tcfcav1", vector["string"])
    assert encode_section("tcfcav1", fields) == vector["canonicalReencoding"]
    assert decode_section("tcfcav1", vector["canonicalReencoding"]) == fields


def test_every_vector_kind_was_checked() -> None:
    kinds = {vector["kind"] for vector in VECTORS}
    assert kinds == {"encode", "decode", "invalid", "reencode"}
    assert len(VECTORS) == 201
    assert list(REFUSED) == [19]


def _bits_only(text: str) -> str:
    if set(text) - {"0", "1"}:
        raise GppStringError("not a bit string")
    return text


def _decode_whole(decoder: Any, text: str) -> Any:
    """Decodes `text` as exactly one value (the library's decoders take the value's bits alone)."""
    bits = _bits_only(text)
    value, end = decoder(bits)
    if end != len(bits):
        raise GppStringError("bits left over")
    return value


BIT_DECODERS = {
    "FibonacciIntegerEncoder": lambda bits: read_fibonacci(bits, 0, "vector"),
    "FibonacciIntegerRangeEncoder": lambda bits: read_fibonacci_range(bits, 0, 1 << 16, "vector"),
    "FixedIntegerRangeEncoder": lambda bits: _read_int_range(bits, 0, "vector"),
}
BIT_ENCODERS = {
    "FibonacciIntegerEncoder": fibonacci_code,
    "FibonacciIntegerRangeEncoder": lambda ids: fibonacci_range(sorted(ids)),
    "FixedIntegerRangeEncoder": lambda ids: _int_range(sorted(ids)),
}


@pytest.mark.parametrize(
    "vector",
    [vector for vector in BIT_VECTORS if vector["encoder"] in BIT_DECODERS],
    ids=lambda vector: f"{vector['encoder']}-{vector['op']}-{vector['input']}",
)
def test_fibonacci_and_range_primitives_match_the_librarys_bit_vectors(vector: dict[str, Any]) -> None:
    if vector["op"] == "encode":
        assert BIT_ENCODERS[vector["encoder"]](vector["input"]) == vector["expected"]
    elif vector.get("expectedThrow"):
        with pytest.raises(GppStringError):
            _decode_whole(BIT_DECODERS[vector["encoder"]], vector["input"])
    else:
        assert _decode_whole(BIT_DECODERS[vector["encoder"]], vector["input"]) == vector["expected"]

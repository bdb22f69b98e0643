"""Whatever text arrives (random, mutated real strings, random bits behind a valid header, wrong
types, wrong field values on encode), the codec decodes it or raises GppStringError, nothing else;
and whatever it decodes, it encodes back to a string that decodes to the same model."""

from __future__ import annotations

import contextlib
import json
import random
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from privacy_signals.gpp import (
    SECTION_IDS,
    GppModel,
    GppStringError,
    decode,
    decode_section,
    encode,
    encode_section,
)
from privacy_signals.gpp.bits import BASE64URL
from privacy_signals.gpp.codec import encode_header
from privacy_signals.gpp.sections import codec_named
from tests.privacy_signals.mutations import mutants

VECTORS = json.loads((Path(__file__).resolve().parent / "data" / "gpp-vectors.json").read_text())["vectors"]
HEADERS = {name: encode_header((section_id,)) for name, section_id in SECTION_IDS.items()}


def decoded_or_none(text: Any) -> GppModel | None:
    """The model, or None when the codec's own error was raised (anything else propagates)."""
    try:
        return decode(text)
    except GppStringError:
        return None


def decode_and_round_trip(text: Any) -> None:
    model = decoded_or_none(text)
    if model is None:
        return
    try:
        again = encode(model)
    except GppStringError:
        # Decoding reports values as written (a 2-bit 3, lower-case letters, a globally scoped TC
        # string); the encoder refuses those, with its own error.
        return
    assert decode(again) == model


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    decode_and_round_trip(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=BASE64URL + ".~=", max_size=300))
def test_random_base64url_with_separators(text: str) -> None:
    decode_and_round_trip("DB" + text)


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(sorted(SECTION_IDS)), st.text(alphabet=BASE64URL + ".", min_size=1, max_size=120))
def test_random_section_text_behind_a_valid_header(name: str, text: str) -> None:
    decode_and_round_trip(f"{HEADERS[name]}~{text}")
    with contextlib.suppress(GppStringError):
        decode_section(name, text)


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=40))
def test_random_header_bits(data: bytes) -> None:
    header = "DB" + "".join(BASE64URL[byte % 64] for byte in data)
    decode_and_round_trip(header)
    decode_and_round_trip(header + "~CAAAAAAAAABA.QA~BAAAAABA")


def test_mutations_and_truncations_of_every_reference_vector() -> None:
    rnd = random.Random(20261202)
    alphabet = BASE64URL + ".~=!é "
    for vector in VECTORS:
        original = vector["string"]
        if not vector["isFullGppString"] and vector["section"] in HEADERS:
            original = f"{HEADERS[vector['section']]}~{original}"
        for mutant in mutants(rnd, original, alphabet, 60):
            decode_and_round_trip(mutant)
        for cut in range(1, len(original), max(1, len(original) // 40)):
            decode_and_round_trip(original[:cut])


def decode_section_of_usnat(value: Any) -> Any:
    return decode_section("usnat", value)


def test_non_text_input_is_the_codecs_error() -> None:
    for value in (None, b"DBABLA~CAAAAAAAAABA.QA", 42, ["DBAA"]):
        assert decoded_or_none(value) is None
        for call in (decode_section_of_usnat, encode):
            try:
                call(value)
            except GppStringError:
                continue
            raise AssertionError(f"{value!r} was accepted by {call.__name__}")


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.lists(st.one_of(st.integers(-3, 70000), st.booleans(), st.none(), st.text(max_size=2)), max_size=20),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=3),
)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(SECTION_IDS)), st.data())
def test_any_field_value_on_encode_encodes_or_raises_the_codecs_error(name: str, data: st.DataObject) -> None:
    codec = codec_named(name)
    fields = {
        field: data.draw(JUNK, label=field)
        for field in data.draw(st.lists(st.sampled_from(codec.field_names), max_size=4, unique=True))
    }
    if data.draw(st.booleans()):
        fields[data.draw(st.text(max_size=6))] = 1
    try:
        text = encode_section(name, fields)
    except GppStringError:
        return
    assert decode_section(name, text) is not None

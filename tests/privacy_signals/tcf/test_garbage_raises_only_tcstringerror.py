"""Random text and mutated real strings either decode or raise TCStringError, nothing else."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from privacy_signals.tcf import TCModel, TCStringError, decode, encode
from tests.privacy_signals.mutations import mutants

BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def decoded_or_none(text: str) -> TCModel | None:
    """The model, or None when the codec's own error was raised (anything else propagates)."""
    try:
        return decode(text)
    except TCStringError:
        return None


def decode_or_tc_error(text: str) -> None:
    model = decoded_or_none(text)
    if model is None:
        return
    letters = model.consent_language + model.publisher_country_code
    if letters.isascii() and letters.isalpha() and letters.isupper():
        # Whatever decodes must be a model the encoder accepts back.
        assert decode(encode(model)) == model
    else:
        # 6-bit letters 26-63 are not A-Z; like the reference, the encoder writes ASCII letters upper
        # case and refuses anything else.
        try:
            encode(model)
        except TCStringError:
            return
        assert letters.isalpha()


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    decode_or_tc_error(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=BASE64URL + ".=", max_size=400))
def test_random_base64url(text: str) -> None:
    decode_or_tc_error(text)


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=600))
def test_random_bits_after_a_valid_core_prefix(data: bytes) -> None:
    # Start with Version 2 so the decoder gets past the first check and into the variable parts.
    text = "C" + "".join(BASE64URL[byte % 64] for byte in data)
    decode_or_tc_error(text)


def test_mutations_of_every_vector(vectors: list[dict[str, Any]]) -> None:
    rnd = random.Random(20261123)
    alphabet = BASE64URL + ".=!~ é"
    for vector in vectors:
        original = vector["tcString"]
        for mutant in mutants(rnd, original, alphabet, 300):
            decode_or_tc_error(mutant)
        for cut in range(1, len(original)):
            decode_or_tc_error(original[:cut])


def test_non_text_input_is_a_tc_error() -> None:
    for value in (None, b"CQSbk4AQ", 42):
        try:
            decode(value)  # type: ignore[arg-type]
        except TCStringError:
            continue
        raise AssertionError(f"{value!r} was accepted")

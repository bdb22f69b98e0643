"""Google Additional Consent strings (tcf-spec.md §4.1)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privacy_signals.ac_string import ACStringError, decode_ac_string, encode_ac_string


def test_googles_examples() -> None:
    assert encode_ac_string([1, 35, 41, 101], [1, 9, 21, 35, 41, 81, 101]) == "2~1.35.41.101~dv.9.21.81"
    assert encode_ac_string([], [4, 1, 10, 2, 3]) == "2~~dv.1.2.3.4.10"
    assert encode_ac_string([1, 2, 3, 4, 10], [1, 2, 3, 4, 10]) == "2~1.2.3.4.10~dv."
    assert decode_ac_string("2~1.2.3.4.10~dv") == (frozenset({1, 2, 3, 4, 10}),) * 2
    assert decode_ac_string("2~1.10~dv.2.3.4") == (frozenset({1, 10}), frozenset({1, 2, 3, 4, 10}))
    assert decode_ac_string("1~1.35.41.101") == (frozenset({1, 35, 41, 101}),) * 2


@given(st.frozensets(st.integers(1, 99999)), st.frozensets(st.integers(1, 99999)))
def test_round_trip(consented: frozenset[int], disclosed: frozenset[int]) -> None:
    assert decode_ac_string(encode_ac_string(consented, disclosed)) == (consented, consented | disclosed)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "3~1~dv.",
        "2~1.2",
        "2~1..2~dv.",
        "2~a~dv.",
        "2~1~dv.1",
        "2~1.1~dv.",
        "2~1~xx.2",
        "2~0~dv.",
        "1~1~2",
    ],
)
def test_malformed_strings_raise(text: str) -> None:
    with pytest.raises(ACStringError):
        decode_ac_string(text)


@given(st.text(max_size=60))
def test_random_text_raises_only_tc_errors(text: str) -> None:
    with contextlib.suppress(ACStringError):
        decode_ac_string(text)


def test_encoder_refuses_non_ids() -> None:
    with pytest.raises(ACStringError):
        encode_ac_string([0], [])
    with pytest.raises(ACStringError):
        encode_ac_string(["5"], [])  # type: ignore[list-item]

"""Malformed GPP strings are refused with a GppStringError whose message says what is wrong and where,
including cases the reference library lets through (unknown section ids, trailing segments,
non-zero padding, a wrong GPC sub-section type)."""

from __future__ import annotations

import pytest

from privacy_signals.gpp import MAX_GPP_STRING_LENGTH, GppStringError, decode, decode_section
from privacy_signals.gpp.bits import encode_compressed
from privacy_signals.gpp.codec import encode_header

USNAT = "CVVVkkkkkpFY.YA"
USNAT_STRING = f"DBABLA~{USNAT}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA", "a GPP string starts with 'DB'"),
        ("DCABLA~" + USNAT, "Version is 2; only version 1"),
        ("D", "truncated"),
        ("DB", "NumEntries"),
        ("DBABLA", "lists 1 section(s) but the string has 0"),
        ("DBABLA~" + USNAT + "~BAAAAABA", "lists 1 section(s) but the string has 2"),
        ("DBACNYA~1YNN", "lists 2 section(s) but the string has 1"),
        ("DBABLA~", "section 1 (usnat) is empty"),
        ("DBAB!A~" + USNAT, "character '!' at position 4 is not base64url"),
        ("DBABLA=~" + USNAT, "'=' padding is not allowed"),
        ("DBABLB~" + USNAT, "non-zero bits after its section ids"),
        ("DBABLA~CVVVkkkkkpFY.YA.YA", "3 segments"),
        ("DBABLA~CVVVkkkkkpFZ.YA", "non-zero bits after the last field"),
        ("DBABLA~CVVVkkkkk", "truncated at bit 24 reading SensitiveDataProcessing (needs 32 bits, 30 left)"),
        ("DBABLA~DVVVkkkkkpFY.YA", "Version is 3"),
        ("DBABLA~CVVVkkkkkpFY.IA", "GpcSegmentType is 0; a GPC sub-section has 1"),
        ("DBABRg~BVWSSVY.YA", "usva: 2 segments"),
        ("DBABTA~1YNX", "LspaCovered must be Y, N or -"),
        ("DBABTA~1YN", "4 characters"),
        ("DBABMA~CPSG_8APSG_8ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA==", "tcfeuv2: '=' padding"),
        ("DBABMA~BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA", "tcfeuv2: this is a TCF v1.1 consent string"),
    ],
)
def test_malformed_strings_name_the_defect(text: str, message: str) -> None:
    with pytest.raises(GppStringError) as error:
        decode(text)
    assert message in str(error.value)


def test_section_ids_outside_the_supported_set_are_refused_not_skipped() -> None:
    for section_id, reason in ((1, "tcfeuv1"), (3, "header"), (4, "signal integrity")):
        with pytest.raises(GppStringError, match=reason):
            decode(f"{encode_header((section_id,))}~AAAA")
    # Id 28 is past the last section the specification defines.
    ids = f"{3:06b}{1:06b}{1:012b}0" + "00000000011"  # one entry, offset Fibonacci(...)=34
    with pytest.raises(GppStringError, match="highest allowed is 27"):
        decode(encode_compressed(int(ids, 2), len(ids)) + "~AAAA")


def test_a_header_group_cannot_expand_past_the_known_ids() -> None:
    # One group from id 1 over a Fibonacci length of ~10**12: refused before anything is expanded.
    bits = f"{3:06b}{1:06b}{1:012b}1" + "11" + "0" * 56 + "11"
    with pytest.raises(GppStringError, match="highest allowed"):
        decode(encode_compressed(int(bits, 2), len(bits)) + "~AAAA")


def test_oversize_input_is_refused_before_any_work() -> None:
    with pytest.raises(GppStringError, match=f"over the limit of {MAX_GPP_STRING_LENGTH}"):
        decode("DBABLA~" + "A" * MAX_GPP_STRING_LENGTH)
    with pytest.raises(GppStringError, match="at most 64 are accepted"):
        decode("DBABLA~CVVVkkkkkpFY" + "A" * 60)


def test_zero_padding_of_any_length_is_accepted() -> None:
    # The specification's own examples pad the header to a multiple of 6 bits, the reference to 8
    # then 6; zero padding beyond the last field is not a defect.
    assert decode("DBABM~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA").section_ids == (2,)
    assert decode(f"DBABLAAA~{USNAT.replace('.', 'AA.')}")["usnat"] == decode(USNAT_STRING)["usnat"]


def test_two_bit_values_of_3_are_reported_as_written() -> None:
    # "BbYbGwXY.YA" is in the reference's own tests; 3 means nothing in any value table, but the
    # string is well formed, and the reference reports the 3s too.
    fields = decode_section("usca", "BbYbGwXY.YA")
    assert fields["SensitiveDataLimitUseNotice"] == 3
    assert fields["MspaCoveredTransaction"] == 3


def test_usnat_reads_both_layouts_as_the_reference_does() -> None:
    version_1 = decode_section("usnat", "BAAAVVVVUQA.QA")
    assert version_1["Version"] == 1
    assert version_1["SensitiveDataProcessing"] == (1,) * 12
    assert version_1["KnownChildSensitiveDataConsents"] == (1, 1)
    # A Version 2 core in the short (12-entry) layout: the missing entries read as 0.
    short_version_2 = decode_section("usnat", "CVQqAAAACg")
    assert short_version_2["Version"] == 2
    assert short_version_2["SensitiveDataProcessing"] == (0,) * 16
    assert short_version_2["GpcSegmentIncluded"] is False

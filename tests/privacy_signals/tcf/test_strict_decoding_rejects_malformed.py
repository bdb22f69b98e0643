"""Structural checks of tcf-spec.md §1.9, each on a string built bit by bit, with the error naming
the segment, the field and the bit offset."""

from __future__ import annotations

import pytest

from privacy_signals.tcf import MAX_EXPANDED_IDS, MAX_TC_STRING_LENGTH, TCModel, TCStringError, decode, encode

BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def to_base64url(bits: str) -> str:
    bits += "0" * (-len(bits) % 24)
    return "".join(BASE64URL[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))


def uint(value: int, width: int) -> str:
    return format(value, f"0{width}b")


HEADER = (
    uint(2, 6)  # Version
    + uint(17_489_088_000, 36) * 2  # Created, LastUpdated
    + uint(300, 12)  # CmpId
    + uint(1, 12)  # CmpVersion
    + uint(0, 6)  # ConsentScreen
    + uint(4, 6)
    + uint(13, 6)  # EN
    + uint(106, 12)  # VendorListVersion
    + uint(5, 6)  # TcfPolicyVersion
    + "1"  # IsServiceSpecific
    + "0"  # UseNonStandardTexts
    + "0" * 12  # SpecialFeatureOptIns
    + "1" * 11
    + "0" * 13  # PurposesConsent
    + "0" * 24  # PurposesLITransparency
    + "0"  # PurposeOneTreatment
    + uint(0, 6) * 2  # AA
)
EMPTY_SECTION = uint(0, 16) + "0"
NO_RESTRICTIONS = uint(0, 12)


def core(*parts: str) -> str:
    return to_base64url(HEADER + "".join(parts))


def ranges(max_id: int, *entries: tuple[int, int]) -> str:
    bits = uint(max_id, 16) + "1" + uint(len(entries), 12)
    for start, end in entries:
        bits += ("0" + uint(start, 16)) if start == end else ("1" + uint(start, 16) + uint(end, 16))
    return bits


VALID = core(EMPTY_SECTION, EMPTY_SECTION, NO_RESTRICTIONS)


def test_the_hand_built_string_is_valid() -> None:
    assert len(HEADER) == 213
    model = decode(VALID)
    assert model.cmp_id == 300
    assert model.purpose_consents == frozenset(range(1, 12))
    assert encode(model) == VALID


@pytest.mark.parametrize(
    ("tc_string", "message"),
    [
        ("", "empty"),
        ("B" + VALID[1:], "TCF v1.1"),
        (to_base64url(uint(3, 6) + HEADER[6:] + EMPTY_SECTION * 2 + NO_RESTRICTIONS), "Version is 3"),
        (to_base64url("001" + "0" * 40), "first segment must be the core"),
        (VALID[:-4] + "AA!A", "'!' at position"),
        (VALID[:-4] + "AA+A", "'\\+' at position"),
        (VALID + ".", "segment 2 is empty"),
        (VALID[:30], "truncated at bit 176 reading PurposesLITransparency"),
        # 257 bits pad to 264: the 7 zero padding bits cannot hold the 12-bit NumPubRestrictions.
        (
            core(uint(10, 16) + "0" + "1" * 10, EMPTY_SECTION),
            "truncated at bit 257 reading NumPubRestrictions",
        ),
        (
            core(uint(40, 16) + "0" + "1" * 10),
            r"bitfield at bit 230 has \d+ bits, shorter than its MaxVendorId 40",
        ),
        (core(ranges(50, (0, 3)), EMPTY_SECTION, NO_RESTRICTIONS), "range entry 1 at bit 242 is 0-3"),
        (core(ranges(50, (9, 4)), EMPTY_SECTION, NO_RESTRICTIONS), "is 9-4; ids must satisfy"),
        (core(ranges(50, (49, 51)), EMPTY_SECTION, NO_RESTRICTIONS), "<= 50"),
        (core(ranges(50, (60, 60)), EMPTY_SECTION, NO_RESTRICTIONS), "is 60-60"),
        (core(uint(50, 16) + "1" + uint(3, 12) + "0" + uint(7, 16)), "range entry 2"),
        (
            core(EMPTY_SECTION, EMPTY_SECTION, uint(1, 12) + uint(0, 6) + "00" + uint(0, 12)),
            "PurposeId 0",
        ),
        (
            core(EMPTY_SECTION, EMPTY_SECTION, uint(1, 12) + uint(2, 6) + "11" + uint(0, 12)),
            "RestrictionType 3",
        ),
        (core(EMPTY_SECTION, EMPTY_SECTION, NO_RESTRICTIONS, "0001"), "non-zero bits after the last field"),
        (VALID + "." + to_base64url("000" + EMPTY_SECTION), "SegmentType 0"),
        (VALID + "." + to_base64url("100" + EMPTY_SECTION), "SegmentType 4"),
        (VALID + "." + to_base64url("111" + EMPTY_SECTION), "SegmentType 7"),
        (VALID + ".IAAA.IAAA", "a second vendorsDisclosed segment"),
        (VALID + ".YAAAAAAA", "truncated at bit 27 reading PubPurposesLITransparency"),
        (VALID + ".YAAAAAAAA", "truncated at bit 51 reading NumCustomPurposes"),
        (
            VALID + "." + to_base64url("011" + "0" * 48 + uint(40, 6)),
            "at bit 57 reading CustomPurposesConsent",
        ),
        (VALID + ".IAAA===", "'=' padding"),
        (VALID + ".IA=", "'=' padding"),
        ("C" * (MAX_TC_STRING_LENGTH + 1), "over the limit of 16384"),
    ],
)
def test_malformed_strings_are_refused_with_a_precise_message(tc_string: str, message: str) -> None:
    with pytest.raises(TCStringError, match=message):
        decode(tc_string)


def test_tolerated_forms() -> None:
    # Trailing '=' completing a 4-character group, byte-aligned (not 24-bit aligned) segments,
    # and segments after the core in any order.
    unpadded = to_base64url(HEADER + EMPTY_SECTION * 2 + NO_RESTRICTIONS)
    byte_aligned = unpadded[:44]
    assert decode(byte_aligned) == decode(unpadded)
    reordered = decode(VALID + ".YAAAAAAAAAAA.IAAA")
    assert reordered.segments == ("core", "publisherTC", "vendorsDisclosed")
    assert decode(VALID + ".IAAAAAA=").vendors_disclosed == frozenset()
    assert decode(VALID + ".IAAAAA==").vendors_disclosed == frozenset()


def test_duplicate_restriction_entries_are_merged() -> None:
    entry = uint(3, 6) + "00" + uint(1, 12) + "1" + uint(5, 16) + uint(9, 16)
    entry_again = uint(3, 6) + "00" + uint(1, 12) + "0" + uint(20, 16)
    model = decode(core(EMPTY_SECTION, EMPTY_SECTION, uint(2, 12) + entry + entry_again))
    assert len(model.publisher_restrictions) == 1
    assert model.publisher_restrictions[0].vendor_ids == frozenset({5, 6, 7, 8, 9, 20})


def test_wide_ranges_are_merged_and_the_expansion_is_bounded() -> None:
    # About 4 KB of overlapping full-width ranges in the vendor section: merged to one interval.
    overlapping = ranges(65535, *[(1 + i, 65535) for i in range(700)])
    model = decode(core(overlapping, EMPTY_SECTION, NO_RESTRICTIONS))
    assert model.vendor_consents == frozenset(range(1, 65536))
    # The same size spread over many restriction purposes would expand to millions of ids: refused.
    restriction = "".join(
        uint(purpose, 6) + "00" + uint(1, 12) + "1" + uint(1, 16) + uint(65535, 16)
        for purpose in range(1, 64)
    )
    crafted = core(EMPTY_SECTION, EMPTY_SECTION, uint(63, 12) + restriction)
    assert len(crafted) < 4096
    with pytest.raises(TCStringError, match=f"more than {MAX_EXPANDED_IDS} vendor ids"):
        decode(crafted)


def test_cmp_id_zero_and_one_are_read_faithfully() -> None:
    # The reference library refuses them; the raw codec reads them and validate_v23 reports them.
    model = TCModel(created=1, last_updated=1, cmp_id=1)
    assert decode(encode(model)).cmp_id == 1

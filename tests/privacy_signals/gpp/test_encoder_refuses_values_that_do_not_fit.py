"""Encoding checks every value against its field and refuses, with GppStringError naming the section
and field, what the reference would refuse (its validators) and what it would silently truncate,
pad or drop."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from privacy_signals.gpp import GppModel, GppStringError, RangeEntry, encode, encode_section

DAY = dt.datetime(2026, 1, 13, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("section", "fields", "message"),
    [
        ("usnat", {"SaleOptOut": 3}, "SaleOptOut must be an integer 0-2, got 3"),
        ("usnat", {"MspaCoveredTransaction": 0}, "MspaCoveredTransaction must be an integer 1-2"),
        ("usnat", {"Version": 3}, "Version must be an integer 1-2"),
        ("usnat", {"SensitiveDataProcessing": [0] * 17}, "has 17 values; the field holds 16"),
        ("usnat", {"SensitiveDataProcessing": [0, 3]}, "SensitiveDataProcessing must be an integer 0-2"),
        ("usnat", {"Gpc": 1}, "Gpc must be true or false"),
        ("usnat", {"GpcSegmentType": 2}, "GpcSegmentType must be an integer 1"),
        ("usnat", {"SaleOptOut": True}, "SaleOptOut must be an integer"),
        ("usnat", {"SaleOptout": 1}, "usnat has no field 'SaleOptout'"),
        ("usnat", {"Gpc": True, "GpcSegmentIncluded": False}, "would not be written"),
        ("usca", {"Version": 2}, "Version must be an integer 1, got 2"),
        ("usmd", {"MspaVersion": 64}, "MspaVersion must be an integer 0-63"),
        ("usin", {"SensitiveDataConsentSegmentIncluded": "yes"}, "must be true or false"),
        ("uspv1", {"Notice": "X"}, "Notice must be 'Y', 'N' or '-'"),
        ("uspv1", {"Version": 10}, "Version must be an integer 0-9"),
        ("tcfeuv2", {"IsServiceSpecific": False}, "IsServiceSpecific must be true"),
        ("tcfeuv2", {"ConsentLanguage": "en"}, "ConsentLanguage must be two letters A-Z"),
        ("tcfeuv2", {"PublisherCountryCode": "D"}, "PublisherCountryCode must be two letters A-Z"),
        ("tcfeuv2", {"CmpId": 4096}, "CmpId must be an integer 0-4095"),
        ("tcfeuv2", {"VendorConsents": [0, 5]}, "VendorConsents: ids must be between 1 and 65535"),
        ("tcfeuv2", {"PurposeConsents": [True] * 25}, "has 25 values; the field holds 24"),
        ("tcfeuv2", {"NumCustomPurposes": 2, "PublisherCustomConsents": [True] * 3}, "at most 2"),
        ("tcfeuv2", {"PublisherRestrictions": [RangeEntry(0, 1, (1,))]}, "key 0 is not 1-63"),
        (
            "tcfeuv2",
            {"PublisherRestrictions": [{"key": 1, "type": 3, "ids": [1]}]},
            "type 3 is not 0, 1 or 2",
        ),
        ("tcfeuv2", {"Created": "2026-01-13"}, "Created must be a datetime"),
        ("tcfeuv2", {"Version": 1}, "only Version 2 can be encoded"),
        ("tcfcav1", {"PubRestrictions": [{"key": 64, "type": 1, "ids": [1]}]}, "keys are 1-63"),
        ("tcfcav1", {"VendorExpressConsent": [70000]}, "vendor ids must be 1-65535"),
        ("tcfcav1", {"ConsentLanguage": "FRA"}, "ConsentLanguage must be two letters A-Z"),
    ],
)
def test_values_that_do_not_fit_are_refused_with_the_field_named(
    section: str, fields: dict[str, Any], message: str
) -> None:
    if section in ("tcfeuv2", "tcfcav1") and "Created" not in fields:
        fields = {**fields, "Created": DAY}
    with pytest.raises(GppStringError) as error:
        encode_section(section, fields)
    assert message in str(error.value)
    assert section in str(error.value)


def test_unknown_sections_and_shapes_are_refused() -> None:
    with pytest.raises(GppStringError, match="unknown section 'usxx'"):
        encode({"usxx": {}})
    with pytest.raises(GppStringError, match="fields must be a mapping"):
        GppModel({"usnat": [1, 2]})  # type: ignore[dict-item]


def test_missing_fields_take_the_reference_defaults() -> None:
    # An empty usnat is Version 2 with MspaCoveredTransaction 1 and the GPC sub-section included,
    # as the reference writes it (its own test vector).
    assert encode({"usnat": {}}) == "DBABLA~CAAAAAAAAABA.QA"
    fields = GppModel({"tcfeuv2": {"LastUpdated": DAY}})["tcfeuv2"]
    assert fields["Created"] == fields["LastUpdated"] == DAY
    undated = GppModel({"tcfeuv2": {}})["tcfeuv2"]["Created"]
    assert isinstance(undated, dt.datetime)
    assert undated.time() == dt.time(0)
    assert undated.date() == dt.datetime.now(dt.UTC).date()


def test_sections_are_written_in_id_order_whatever_the_order_given() -> None:
    assert encode({"usca": {}, "usnat": {}}) == encode({"usnat": {}, "usca": {}})
    assert GppModel({"usca": {}, "tcfeuv2": {"Created": DAY}, "usnat": {}}).section_ids == (2, 7, 8)


def test_short_lists_are_padded_like_the_reference_and_version_1_keeps_12_entries() -> None:
    assert (
        GppModel({"usca": {"SensitiveDataProcessing": [2]}})["usca"]["SensitiveDataProcessing"]
        == (2,) + (0,) * 8
    )
    version_1 = GppModel(
        {
            "usnat": {
                "Version": 1,
                "SensitiveDataProcessing": [1] * 16,
                "KnownChildSensitiveDataConsents": [1] * 3,
            }
        }
    )["usnat"]
    assert version_1["SensitiveDataProcessing"] == (1,) * 12
    assert encode_section("usnat", version_1) == "BAAAVVVVUQA.QA"

"""The encoder raises TCStringError, naming the field, for any value that does not fit its bits
(the reference library silently drops some of them)."""

from __future__ import annotations

import dataclasses

import pytest

from privacy_signals.tcf import PublisherRestriction, TCModel, TCStringError, day_deciseconds, decode, encode

BASE = TCModel(created=17682624000, last_updated=17682624000, cmp_id=300)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"created": 2**36}, "created is 68719476736"),
        ({"last_updated": -1}, "last_updated is -1"),
        ({"cmp_id": 4096}, "cmp_id is 4096, which does not fit 12 bits"),
        ({"consent_screen": 64}, "consent_screen"),
        ({"policy_version": "5"}, "policy_version must be an integer"),
        ({"version": 1}, "only version 2"),
        ({"consent_language": "ENG"}, "consent_language must be two letters"),
        ({"publisher_country_code": "F1"}, "publisher_country_code"),
        ({"purpose_consents": {0, 3}}, "purpose_consents: ids must be between 1 and 24"),
        ({"purpose_legitimate_interests": {25}}, "purpose_legitimate_interests"),
        ({"special_feature_optins": {13}}, "special_feature_optins"),
        ({"vendor_consents": {65536}}, "vendor_consents: ids must be between 1 and 65535"),
        ({"vendor_legitimate_interests": {"7"}}, "must be integers"),
        ({"vendors_disclosed": {1, 2.5, 9}}, "wrong type"),
        ({"publisher_restrictions": (PublisherRestriction(64, 0, {1}),)}, "purpose_id 64 is not 1-63"),
        ({"publisher_restrictions": (PublisherRestriction(2, 3, {1}),)}, "restriction_type 3"),
        ({"publisher_restrictions": (PublisherRestriction(2, 0, {0}),)}, "publisher restriction 1"),
        (
            {"publisher_restrictions": (PublisherRestriction(2, 0, range(2, 8200, 2)),)},
            "do not fit NumEntries",
        ),
        ({"num_custom_purposes": 2, "publisher_custom_consents": {3}}, "publisher_custom_consents"),
        ({"num_custom_purposes": 64}, "num_custom_purposes is 64"),
        ({"vendor_consents": range(1, 65536, 2), "vendors_disclosed": range(2, 65536, 2)}, "limit of 16384"),
    ],
)
def test_out_of_range_values_are_refused(changes: dict[str, object], message: str) -> None:
    model = dataclasses.replace(BASE, **changes)  # type: ignore[arg-type]
    with pytest.raises(TCStringError, match=message):
        encode(model)


def test_lower_case_letters_are_written_upper_case_like_the_reference() -> None:
    model = dataclasses.replace(BASE, consent_language="fr", publisher_country_code="de")
    decoded = decode(encode(model))
    assert (decoded.consent_language, decoded.publisher_country_code) == ("FR", "DE")


def test_fields_decide_the_segments_and_segments_orders_them() -> None:
    with pytest.raises(TCStringError, match="must start with 'core'"):
        TCModel(created=0, last_updated=0, segments=("vendorsDisclosed",))
    with pytest.raises(TCStringError, match="at most once"):
        TCModel(created=0, last_updated=0, segments=("core", "publisherTC", "publisherTC"))
    ordered = TCModel(
        created=0,
        last_updated=0,
        vendors_disclosed={1},
        publisher_consents={2},
        segments=("core", "publisherTC"),
    )
    assert ordered.segments == ("core", "publisherTC", "vendorsDisclosed")
    assert decode(encode(ordered)) == ordered
    dropped = dataclasses.replace(ordered, vendors_disclosed=None)
    assert dropped.segments == ("core", "publisherTC")
    assert decode(encode(dropped)).vendors_disclosed is None


def test_day_deciseconds_is_utc_midnight() -> None:
    import datetime as dt

    assert day_deciseconds(dt.date(2025, 6, 3)) == 17489088000
    late_evening_paris = dt.datetime(2025, 6, 3, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert day_deciseconds(late_evening_paris) == 17489088000
    assert day_deciseconds(dt.datetime(2025, 6, 3, 12, 0)) == 17489088000

"""validate_v23 reports every TCF v2.3 policy rule a model breaks; the decoder itself stays faithful."""

from __future__ import annotations

import dataclasses

from privacy_signals.tcf import TCModel, decode, encode, validate_v23

VALID = TCModel(
    created=17682624000,
    last_updated=17682624000,
    cmp_id=300,
    vendor_list_version=106,
    policy_version=5,
    purpose_consents=frozenset(range(1, 12)),
    purpose_legitimate_interests=frozenset({2, 7, 8, 9, 10, 11}),
    vendor_consents=frozenset({755}),
    vendors_disclosed=frozenset({755}),
)


def test_a_current_signal_has_no_violations() -> None:
    assert validate_v23(VALID) == []
    assert validate_v23(_fields(VALID, policy_version=4)) == []


def _fields(model: TCModel, **changes: object) -> TCModel:
    return dataclasses.replace(model, **changes)  # type: ignore[arg-type]


def test_each_rule_is_reported_and_the_decoder_still_reads_the_string() -> None:
    cases = {
        "TcfPolicyVersion is 2": _fields(VALID, policy_version=2),
        "TcfPolicyVersion is 6": _fields(VALID, policy_version=6),
        "IsServiceSpecific is 0": _fields(VALID, is_service_specific=False),
        "purposes [1, 3]": _fields(VALID, purpose_legitimate_interests=frozenset({1, 2, 3})),
        "no DisclosedVendors": _fields(VALID, vendors_disclosed=None, segments=None),
        "AllowedVendors": _fields(VALID, vendors_allowed=frozenset({1}), segments=None),
        "CmpId is 1": _fields(VALID, cmp_id=1),
    }
    for fragment, model in cases.items():
        violations = validate_v23(model)
        assert len(violations) == 1, (fragment, violations)
        assert fragment in violations[0]
        assert validate_v23(decode(encode(model))) == violations


def test_several_violations_are_all_listed() -> None:
    model = _fields(VALID, policy_version=2, is_service_specific=False, vendors_disclosed=None, segments=None)
    assert len(validate_v23(model)) == 3

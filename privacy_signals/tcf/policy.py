"""TCF v2.3 policy rules for a consent signal, kept apart from the (faithful) decoder.

tcf-spec.md §1.9 "Semantic checks": a string can decode cleanly and still not be a valid current
consent signal. `validate_v23` lists every such violation; an empty list means the model is valid.
"""

from __future__ import annotations

from privacy_signals.tcf.model import VENDORS_ALLOWED, TCModel

#: TcfPolicyVersion values a TCF v2.3 signal may carry (4 = TCF 2.2, 5 = GVL v3 since 2024).
ACCEPTED_POLICY_VERSIONS = frozenset({4, 5})
#: Purposes that may never be processed on legitimate interest (1 by policy, 3-6 since TCF 2.2).
CONSENT_ONLY_PURPOSES = frozenset({1, 3, 4, 5, 6})


def validate_v23(model: TCModel) -> list[str]:
    """Violations of the TCF v2.3 rules, in a stable order, each a sentence saying what is wrong."""
    violations = []
    if model.version != 2:
        violations.append(f"Version is {model.version}; TCF v2.3 signals are Version 2")
    if model.policy_version not in ACCEPTED_POLICY_VERSIONS:
        violations.append(
            f"TcfPolicyVersion is {model.policy_version}; a TCF v2.3 signal needs 4 or 5 "
            "(versions below 4 are invalid for strings created after 2023-09-30)"
        )
    if not model.is_service_specific:
        violations.append("IsServiceSpecific is 0; global-scope strings are invalid since 2021-09-01")
    li_forbidden = sorted(model.purpose_legitimate_interests & CONSENT_ONLY_PURPOSES)
    if li_forbidden:
        violations.append(
            f"legitimate interest is set for purposes {li_forbidden}; purposes 1 and 3-6 allow consent only"
        )
    if model.vendors_disclosed is None:
        violations.append("no DisclosedVendors segment; it is mandatory in TCF v2.3")
    if VENDORS_ALLOWED in (model.segments or ()):
        violations.append("contains a legacy AllowedVendors segment (OOB was deprecated in 2021)")
    if model.cmp_id <= 1:
        violations.append(f"CmpId is {model.cmp_id}; registered CMP ids start at 2")
    return violations

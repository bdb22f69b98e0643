"""The one rule of what a recorded choice allows: may this vendor process (for this purpose, with
this special feature), may this purpose be used, may a script of this cookie category run.

The downstream check (consent/check.py, and the batch check through it) asks it question by
question; the consent POST ships the vendor-only answers for every disclosed vendor with the choice
(`allowed_vendor_ids`), and the banner's script gating only looks them up, so the page and the API
cannot disagree (tests/banner/test_tagged_scripts_run_exactly_when_the_check_allows.py).

It reads the TC string the choice was signalled with, as a vendor reading that string would, and
the declarations of the GVL version the string names (tcf-spec.md §1.3-1.5, §3.4):

* (vendor, purpose): the vendor must be in DisclosedVendors and declare the purpose. Its basis is
  the list that holds the purpose (`purposes`: consent; `legIntPurposes`: legitimate interest). A
  publisher restriction on (purpose, vendor) comes first (§1.5): "not allowed" refuses; "require
  consent" / "require LI" switch the basis of a flexible purpose and refuse a purpose declared on
  the other basis only. Consent needs the purpose consent and vendor consent bits; LI needs the
  purpose LI and vendor LI bits (set only where the visitor did not object). Under purpose-one
  treatment purpose 1 was not disclosed because the publisher's jurisdiction needs no consent for
  storage (§1.3 field 15), so purpose 1 is allowed without a bit, restrictions still applying.
* (vendor) alone, and a script tagged with the vendor: the vendor may run in the visitor's browser
  when (1) it was disclosed, (2) it may store and access information on the device: purpose 1 is
  allowed for it by the rule above (under purpose-one treatment no consent is needed, so only a
  publisher restriction on purpose 1 refuses a vendor that declares it), and (3) it may use at
  least one purpose it declares other than purpose 1 (a vendor that declares purpose 1 alone needs
  only (2)). So, without purpose-one treatment, a vendor that does not declare purpose 1 (no device
  access declared) is refused: a tag of its own would access the device without the basis for it;
  ask with a purpose to learn about processing that needs no device access. A vendor that declares
  only special purposes (no choice to signal, TCF v2.4) is always refused. Special purposes are
  not signalled in the string and decide nothing here.
* (purpose) alone: the purpose consent or purpose LI bit (purpose 1: also purpose-one treatment).
* (special feature): the visitor's opt-in. (special feature, vendor): the vendor declares it, the
  visitor opted in, and the vendor may process at all (above).
* (category): the recorded category choice; "necessary" needs none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from privacy_signals.tcf import TCModel
from vendors.gvl_format import GvlVendor

NOT_ALLOWED, REQUIRE_CONSENT, REQUIRE_LI = 0, 1, 2
CONSENT = "consent"
LEGITIMATE_INTEREST = "legitimate_interest"
STORAGE_PURPOSE = 1


@dataclass(frozen=True)
class Answer:
    allowed: bool
    legal_basis: str | None
    reason: str

    def as_json(self) -> dict[str, object]:
        return {
            "allowed": self.allowed,
            "legal_basis": self.legal_basis if self.allowed else None,
            "reason": self.reason,
        }


def _no(reason: str) -> Answer:
    return Answer(False, None, reason)


def _restriction(signal: TCModel, vendor_id: int, purpose_id: int) -> int | None:
    """The restriction on (purpose, vendor); "not allowed" wins over the others (§1.5)."""
    types = [
        r.restriction_type
        for r in signal.publisher_restrictions
        if r.purpose_id == purpose_id and vendor_id in r.vendor_ids
    ]
    return min(types) if types else None


def purpose_answer(signal: TCModel, purpose_id: int) -> Answer:
    if purpose_id == STORAGE_PURPOSE and signal.purpose_one_treatment:
        return Answer(
            True,
            None,
            "Purpose-one treatment: the publisher's jurisdiction needs no consent to store or access "
            "information on the device.",
        )
    if purpose_id in signal.purpose_consents:
        return Answer(True, CONSENT, f"The user consented to purpose {purpose_id}.")
    if purpose_id in signal.purpose_legitimate_interests:
        return Answer(
            True, LEGITIMATE_INTEREST, f"Legitimate interest for purpose {purpose_id} stands (no objection)."
        )
    return _no(f"Neither consent nor legitimate interest stands for purpose {purpose_id}.")


class Verdict(NamedTuple):
    """What the rule decided for (vendor, purpose), before it is worded: `why` names the step that
    decided. The vendor-only rule runs it for every purpose of every disclosed vendor when a new
    choice is recorded, so it builds no text: an accept-all's 725 allowed vendors of GVL v106 took
    53 ms with every reason worded, 3.9 ms as verdicts."""

    allowed: bool
    basis: str | None
    why: str
    declared: str | None = None


def vendor_purpose_verdict(signal: TCModel, vendor: GvlVendor, purpose_id: int) -> Verdict:
    vendor_id = vendor.id
    if vendor_id not in (signal.vendors_disclosed or frozenset()):
        return Verdict(False, None, "undisclosed")
    basis: str | None
    if purpose_id in vendor.purposes:
        basis = CONSENT
    elif purpose_id in vendor.leg_int_purposes:
        basis = LEGITIMATE_INTEREST
    else:
        return Verdict(False, None, "undeclared")
    declared = basis
    if signal.publisher_restrictions:
        restriction = _restriction(signal, vendor_id, purpose_id)
        if restriction is not None:
            wanted = {NOT_ALLOWED: None, REQUIRE_CONSENT: CONSENT, REQUIRE_LI: LEGITIMATE_INTEREST}.get(
                restriction
            )
            if wanted is None:
                return Verdict(False, None, "not_allowed")
            if wanted != basis and purpose_id not in vendor.flexible_purposes:
                return Verdict(False, None, "other_basis", declared)
            basis = wanted
    if purpose_id == STORAGE_PURPOSE and signal.purpose_one_treatment:
        return Verdict(True, None, "purpose_one_treatment")
    if basis == CONSENT:
        if purpose_id not in signal.purpose_consents:
            return Verdict(False, None, "no_purpose_consent")
        if vendor_id not in signal.vendor_consents:
            return Verdict(False, None, "no_vendor_consent")
        return Verdict(True, CONSENT, "consent")
    if purpose_id in signal.purpose_legitimate_interests and vendor_id in signal.vendor_legitimate_interests:
        return Verdict(True, LEGITIMATE_INTEREST, "legitimate_interest")
    return Verdict(False, None, "objected")


def _worded(verdict: Verdict, vendor_id: int, purpose_id: int) -> Answer:
    restricted = f"The publisher's restriction does not let vendor {vendor_id} use purpose {purpose_id}"
    reasons = {
        "undisclosed": f"Vendor {vendor_id} was not disclosed to the user.",
        "undeclared": f"Vendor {vendor_id} does not declare purpose {purpose_id}.",
        "not_allowed": f"{restricted}.",
        "other_basis": f"{restricted} on its declared legal basis ({verdict.declared}).",
        "purpose_one_treatment": f"Purpose-one treatment: vendor {vendor_id} needs no consent to store or "
        "access information on the device in the publisher's jurisdiction.",
        "no_purpose_consent": f"Vendor {vendor_id} needs consent for purpose {purpose_id}; "
        "the purpose consent is missing.",
        "no_vendor_consent": f"Vendor {vendor_id} needs consent for purpose {purpose_id}; "
        "the vendor consent is missing.",
        "consent": f"The user consented to purpose {purpose_id} and to vendor {vendor_id}.",
        "legitimate_interest": f"Vendor {vendor_id} relies on legitimate interest for purpose {purpose_id}; "
        "the user did not object.",
        "objected": f"The user objected to legitimate interest for purpose {purpose_id} "
        f"or vendor {vendor_id}.",
    }
    return Answer(verdict.allowed, verdict.basis, reasons[verdict.why])


def vendor_purpose_answer(signal: TCModel, vendor: GvlVendor, purpose_id: int) -> Answer:
    return _worded(vendor_purpose_verdict(signal, vendor, purpose_id), vendor.id, purpose_id)


class VendorVerdict(NamedTuple):
    allowed: bool
    basis: str | None
    #: undisclosed, no_storage, storage_only (purpose 1 is all it declares), no_usable_purpose, usable
    why: str
    storage: Verdict | None = None
    #: The declared purposes other than 1, and those of them the vendor may use.
    others: tuple[int, ...] = ()
    usable: tuple[int, ...] = ()


def vendor_verdict(signal: TCModel, vendor: GvlVendor) -> VendorVerdict:
    """The (vendor) rule of the module docstring."""
    if vendor.id not in (signal.vendors_disclosed or frozenset()):
        return VendorVerdict(False, None, "undisclosed")
    storage = vendor_purpose_verdict(signal, vendor, STORAGE_PURPOSE)
    # Under purpose-one treatment storage needs no consent, but a vendor that declares it may still
    # be refused it by the publisher's restriction.
    declares_storage = STORAGE_PURPOSE in vendor.purposes or STORAGE_PURPOSE in vendor.leg_int_purposes
    if not storage.allowed and (declares_storage or not signal.purpose_one_treatment):
        return VendorVerdict(False, None, "no_storage", storage)
    others = tuple(sorted((vendor.purposes | vendor.leg_int_purposes) - {STORAGE_PURPOSE}))
    if not others:
        return VendorVerdict(storage.allowed, storage.basis, "storage_only", storage)
    bases = []
    usable = []
    for purpose_id in others:
        verdict = vendor_purpose_verdict(signal, vendor, purpose_id)
        if verdict.allowed:
            usable.append(purpose_id)
            bases.append(verdict.basis)
    if not usable:
        return VendorVerdict(False, None, "no_usable_purpose", storage, others)
    basis = CONSENT if storage.basis == CONSENT or CONSENT in bases else LEGITIMATE_INTEREST
    return VendorVerdict(True, basis, "usable", storage, others, tuple(usable))


def vendor_answer(signal: TCModel, vendor: GvlVendor) -> Answer:
    """May the vendor process at all (and run its tags): the module's (vendor) rule, worded."""
    vendor_id = vendor.id
    verdict = vendor_verdict(signal, vendor)
    if verdict.storage is None:
        return _no(f"Vendor {vendor_id} was not disclosed to the user.")
    storage = _worded(verdict.storage, vendor_id, STORAGE_PURPOSE).reason
    if verdict.why == "no_storage":
        return _no(f"Vendor {vendor_id} may not store or access information on the device: {storage}")
    if verdict.why == "storage_only":
        if verdict.allowed:
            return Answer(True, verdict.basis, f"Vendor {vendor_id} declares purpose 1 only: {storage}")
        return _no(f"Vendor {vendor_id} declares no purpose the user could allow.")
    if not verdict.allowed:
        return _no(f"Vendor {vendor_id} may use none of the purposes it declares ({_ids(verdict.others)}).")
    if signal.purpose_one_treatment:
        how = "needs no consent for device access (purpose-one treatment) and"
    else:
        how = "may access the device and"
    return Answer(True, verdict.basis, f"Vendor {vendor_id} {how} may use purposes {_ids(verdict.usable)}.")


def special_feature_answer(signal: TCModel, feature_id: int, vendor: GvlVendor | None = None) -> Answer:
    if vendor is not None and feature_id not in vendor.special_features:
        return _no(f"Vendor {vendor.id} does not declare special feature {feature_id}.")
    if feature_id not in signal.special_feature_optins:
        return _no(f"The user did not opt in to special feature {feature_id}.")
    if vendor is None:
        return Answer(True, CONSENT, f"The user opted in to special feature {feature_id}.")
    processing = vendor_answer(signal, vendor)
    if not processing.allowed:
        return _no(f"The user opted in to special feature {feature_id}, but {processing.reason}")
    return Answer(
        True, CONSENT, f"The user opted in to special feature {feature_id}, and {processing.reason}"
    )


def category_answer(categories: dict[str, bool], slug: str) -> Answer:
    if slug == "necessary":
        return Answer(True, None, "Strictly necessary cookies need no consent.")
    if categories.get(slug):
        return Answer(True, CONSENT, f"The user allowed the '{slug}' category.")
    return _no(f"The user did not allow the '{slug}' category.")


def allowed_vendor_ids(signal: TCModel, vendors: dict[int, GvlVendor]) -> frozenset[int]:
    """Every disclosed vendor the (vendor) rule allows: what the banner's script gating looks up."""
    return frozenset(
        vendor_id
        for vendor_id in signal.vendors_disclosed or frozenset()
        if (vendor := vendors.get(vendor_id)) is not None and vendor_verdict(signal, vendor).allowed
    )


def _ids(ids: Iterable[int]) -> str:
    return ", ".join(str(i) for i in sorted(ids))

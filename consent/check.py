"""`.../consent/check`: may this processing happen for this user, and on which legal basis?

The answer reads the user's current record with the GVL version it was given under, as a vendor
reading the TC string would (tcf-spec.md §1.5): a purpose the vendor declares for consent needs the
purpose consent and the vendor consent; a purpose it declares under legitimate interest needs the
purpose LI and vendor LI bits (no objection). A publisher restriction in the string comes first: "not
allowed" refuses, "require consent" / "require LI" moves a flexible purpose to that basis and
refuses a purpose the vendor declared under the other basis only.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from consent import services
from infra.errors import bad_request
from infra.params import int_param, str_param
from privacy_signals.tcf import TCStringError, decode
from sites.disclosure import current_snapshot, snapshot_for
from sites.models import CATEGORY_SLUGS, Site
from vendors.models import GvlVersion

NOT_ALLOWED, REQUIRE_CONSENT, REQUIRE_LI = 0, 1, 2
CONSENT = "consent"
LEGITIMATE_INTEREST = "legitimate_interest"
#: The basis of what US opt-out laws allow until the user opts out.
NO_OPT_OUT = "no_opt_out"
#: The US questions: may this user's personal information be sold, shared (cross-context
#: behavioural advertising), used for targeted advertising, or their sensitive data used?
US_QUESTIONS = ("sale", "sharing", "targeted_advertising", "sensitive_data")


def _answer(allowed: bool, basis: str | None, reason: str) -> dict[str, Any]:
    return {"allowed": allowed, "legal_basis": basis if allowed else None, "reason": reason}


def _us_answer(question: str, record: dict[str, Any]) -> dict[str, Any]:
    """Under the US notice, an opt-out (GPC included) stops it; elsewhere selling, sharing and
    targeted advertising follow the consent to the advertisement category, and sensitive data is
    never used without a consent this banner does not collect."""
    if record["experience"] != "us_opt_out":
        if question != "sensitive_data" and record["categories"].get("advertisement"):
            return _answer(True, CONSENT, "The user allowed the 'advertisement' category.")
        return _answer(False, None, f"The user did not allow {question.replace('_', ' ')} (no consent).")
    opt_outs = set(record["us_opt_outs"])
    wanted = "sensitive_data" if question == "sensitive_data" else "sale_sharing"
    if wanted in opt_outs:
        how = " through Global Privacy Control" if record["gpc"] and wanted == "sale_sharing" else ""
        return _answer(False, None, f"The user opted out of {question.replace('_', ' ')}{how}.")
    return _answer(
        True, NO_OPT_OUT, f"The user was notified and did not opt out of {question.replace('_', ' ')}."
    )


def check_processing(site: Site, user_id: str, params: QueryDict) -> tuple[int | None, dict[str, Any]]:
    """The configuration version the read saw, and the answer."""
    vendor_id = int_param(params, "vendor")
    purpose_id = int_param(params, "purpose")
    atp_id = int_param(params, "atp")
    category = str_param(params, "category")
    us = str_param(params, "us")
    asked = [
        name
        for name, value in (
            ("vendor/purpose", vendor_id or purpose_id),
            ("category", category),
            ("atp", atp_id),
            ("us", us),
        )
        if value is not None
    ]
    if len(asked) != 1:
        raise bad_request(
            "Ask about exactly one of: vendor (optionally with purpose), purpose, category, atp, us.",
            code="invalid_question",
        )
    if category is not None and category not in CATEGORY_SLUGS:
        raise bad_request(f"Unknown category {category!r}; known: {', '.join(CATEGORY_SLUGS)}.", "category")

    if us is not None and us not in US_QUESTIONS:
        raise bad_request(f"Unknown US question {us!r}; known: {', '.join(US_QUESTIONS)}.", "us")

    # Only the columns the question needs: a vendor or purpose question never reads the vendor lists.
    if category is not None:
        needed: tuple[str, ...] = ("categories",)
    elif atp_id is not None:
        needed = ("atp_consents",)
    elif us is not None:
        needed = ("experience", "us_opt_outs", "gpc", "categories")
    else:
        needed = ("tc_string", "gvl_version")
    current = services.current_fields(site, user_id, needed)

    def decide(record: dict[str, Any] | None) -> dict[str, Any]:
        if record is None:
            return _answer(False, None, "No unexpired consent is recorded for this user on this site.")

        if category is not None:
            if category == "necessary":
                return {
                    "allowed": True,
                    "legal_basis": None,
                    "reason": "Strictly necessary cookies need no consent.",
                }
            if record["categories"].get(category):
                return _answer(True, CONSENT, f"The user allowed the '{category}' category.")
            return _answer(False, None, f"The user did not allow the '{category}' category.")

        if us is not None:
            return _us_answer(us, record)

        if atp_id is not None:
            if atp_id in record["atp_consents"]:
                return _answer(True, CONSENT, f"The user consented to Google Ad Tech Provider {atp_id}.")
            return _answer(False, None, f"The user did not consent to Google Ad Tech Provider {atp_id}.")

        try:
            signal = decode(record["tc_string"])
        except TCStringError:
            return _answer(False, None, "The stored TC string cannot be read.")
        try:
            snapshot = snapshot_for(record["gvl_version"] or 0)
        except GvlVersion.DoesNotExist:
            snapshot = current_snapshot()

        if vendor_id is None:
            assert purpose_id is not None
            if purpose_id not in snapshot.purposes:
                raise bad_request(
                    f"Purpose {purpose_id} does not exist in GVL version {snapshot.vendor_list_version}.",
                    "purpose",
                )
            if purpose_id in signal.purpose_consents:
                return _answer(True, CONSENT, f"The user consented to purpose {purpose_id}.")
            if purpose_id in signal.purpose_legitimate_interests:
                return _answer(
                    True,
                    LEGITIMATE_INTEREST,
                    f"Legitimate interest for purpose {purpose_id} stands (no objection).",
                )
            return _answer(
                False, None, f"Neither consent nor legitimate interest stands for purpose {purpose_id}."
            )

        vendor = snapshot.vendors.get(vendor_id)
        if vendor is None:
            raise bad_request(
                f"Vendor {vendor_id} is not in GVL version {snapshot.vendor_list_version}.", "vendor"
            )
        if vendor_id not in (signal.vendors_disclosed or frozenset()):
            return _answer(False, None, f"Vendor {vendor_id} was not disclosed to the user.")
        vendor_consent = vendor_id in signal.vendor_consents
        vendor_li = vendor_id in signal.vendor_legitimate_interests

        if purpose_id is None:
            if vendor_consent:
                return _answer(True, CONSENT, f"The user consented to vendor {vendor_id}.")
            if vendor_li:
                return _answer(
                    True,
                    LEGITIMATE_INTEREST,
                    f"Vendor {vendor_id}'s legitimate interest stands (no objection).",
                )
            return _answer(False, None, f"Vendor {vendor_id} has neither consent nor legitimate interest.")

        if purpose_id in vendor.purposes:
            basis: str | None = CONSENT
        elif purpose_id in vendor.leg_int_purposes:
            basis = LEGITIMATE_INTEREST
        else:
            return _answer(False, None, f"Vendor {vendor_id} does not declare purpose {purpose_id}.")
        restriction = next(
            (
                r.restriction_type
                for r in signal.publisher_restrictions
                if r.purpose_id == purpose_id and vendor_id in r.vendor_ids
            ),
            None,
        )
        if restriction is not None:
            wanted = {NOT_ALLOWED: None, REQUIRE_CONSENT: CONSENT, REQUIRE_LI: LEGITIMATE_INTEREST}[
                restriction
            ]
            # A vendor moves to the required basis only for a purpose it declared flexible.
            flexible = purpose_id in vendor.flexible_purposes
            if wanted is None or (wanted != basis and not flexible):
                return _answer(
                    False,
                    None,
                    f"The publisher's restriction does not let vendor {vendor_id} use purpose {purpose_id}"
                    + ("." if wanted is None else f" on its declared legal basis ({basis})."),
                )
            basis = wanted
        if basis == CONSENT:
            if purpose_id in signal.purpose_consents and vendor_consent:
                return _answer(
                    True, CONSENT, f"The user consented to purpose {purpose_id} and to vendor {vendor_id}."
                )
            missing = "purpose" if purpose_id not in signal.purpose_consents else "vendor"
            return _answer(
                False,
                None,
                f"Vendor {vendor_id} needs consent for purpose {purpose_id}; "
                f"the {missing} consent is missing.",
            )
        if purpose_id in signal.purpose_legitimate_interests and vendor_li:
            return _answer(
                True,
                LEGITIMATE_INTEREST,
                f"Vendor {vendor_id} relies on legitimate interest for purpose {purpose_id}; "
                "the user did not object.",
            )
        return _answer(
            False,
            None,
            f"The user objected to legitimate interest for purpose {purpose_id} or vendor {vendor_id}.",
        )

    return current.configuration_version, decide(current.values)

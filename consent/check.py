"""`.../consent/check`: may this processing happen for this user, and on which legal basis?

The TCF questions (vendor, vendor and purpose, purpose, special feature) and the cookie category
are answered by the one rule of consent/processing.py, from the user's current record read with
the GVL version it was given under; the banner's script gating follows the same rule. A parameter
the check does not know is a 400 that names it.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from consent import processing, services
from consent.processing import CONSENT
from infra.errors import bad_request
from infra.params import int_param, only, str_param
from privacy_signals.tcf import TCStringError, decode
from sites.disclosure import current_snapshot, snapshot_for
from sites.models import CATEGORY_SLUGS, Site
from vendors.models import GvlVersion

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


#: The check's query parameters (and the batch check's question fields besides user_id).
CHECK_PARAMETERS = ("vendor", "purpose", "special_feature", "category", "atp", "us")


def check_processing(site: Site, user_id: str, params: QueryDict) -> tuple[int | None, dict[str, Any]]:
    """The configuration version the read saw, and the answer."""
    only(params, frozenset(CHECK_PARAMETERS))
    vendor_id = int_param(params, "vendor")
    purpose_id = int_param(params, "purpose")
    feature_id = int_param(params, "special_feature")
    atp_id = int_param(params, "atp")
    category = str_param(params, "category")
    us = str_param(params, "us")
    asked = [
        name
        for name, value in (
            ("vendor/purpose", vendor_id or purpose_id),
            ("special_feature", feature_id),
            ("category", category),
            ("atp", atp_id),
            ("us", us),
        )
        if value is not None
    ]
    # A special feature may come with the vendor that would use it, never with a purpose.
    if feature_id is not None and purpose_id is None and vendor_id is not None:
        asked.remove("vendor/purpose")
    if len(asked) != 1:
        raise bad_request(
            "Ask about exactly one of: vendor (optionally with purpose), purpose, special_feature "
            "(optionally with vendor), category, atp, us.",
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
            return processing.category_answer(record["categories"], category).as_json()

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

        vendor = None
        if vendor_id is not None:
            vendor = snapshot.vendors.get(vendor_id)
            if vendor is None:
                raise bad_request(
                    f"Vendor {vendor_id} is not in GVL version {snapshot.vendor_list_version}.", "vendor"
                )
        if feature_id is not None:
            if feature_id not in snapshot.special_features:
                raise bad_request(
                    f"Special feature {feature_id} does not exist in GVL version "
                    f"{snapshot.vendor_list_version}.",
                    "special_feature",
                )
            return processing.special_feature_answer(signal, feature_id, vendor).as_json()
        if purpose_id is not None and purpose_id not in snapshot.purposes:
            raise bad_request(
                f"Purpose {purpose_id} does not exist in GVL version {snapshot.vendor_list_version}.",
                "purpose",
            )
        if vendor is None:
            assert purpose_id is not None
            return processing.purpose_answer(signal, purpose_id).as_json()
        if purpose_id is None:
            return processing.vendor_answer(signal, vendor).as_json()
        return processing.vendor_purpose_answer(signal, vendor, purpose_id).as_json()

    return current.configuration_version, decide(current.values)

"""The canonical JSON of a TC string (docs/tcf-canonical-json.md).

`json.dumps(model_to_canonical(model, tc_string), sort_keys=True, separators=(",", ":"))` is the
exact line `manage.py tcf` prints, and the line the reference adapter over `@iabtechlabtcf/core`
prints for the same string.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from privacy_signals.tcf.errors import TCStringError
from privacy_signals.tcf.model import (
    CORE,
    PUBLISHER_TC,
    SEGMENT_NAMES,
    VENDORS_ALLOWED,
    VENDORS_DISCLOSED,
    PublisherRestriction,
    TCModel,
)

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def iso_from_deciseconds(deciseconds: int) -> str:
    """ISO-8601 UTC with milliseconds, as JavaScript's Date.toISOString() writes it."""
    moment = _EPOCH + dt.timedelta(milliseconds=deciseconds * 100)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _sorted(ids: Iterable[int] | None) -> list[int] | None:
    return None if ids is None else sorted(ids)


def model_to_canonical(model: TCModel, tc_string: str) -> dict[str, Any]:
    """The canonical JSON object of a decoded (or encoded) model; `tc_string` is echoed verbatim."""
    return {
        "tcString": tc_string,
        "segments": list(model.segments or (CORE,)),
        "version": model.version,
        "created": iso_from_deciseconds(model.created),
        "createdDeciseconds": model.created,
        "lastUpdated": iso_from_deciseconds(model.last_updated),
        "lastUpdatedDeciseconds": model.last_updated,
        "cmpId": model.cmp_id,
        "cmpVersion": model.cmp_version,
        "consentScreen": model.consent_screen,
        "consentLanguage": model.consent_language,
        "vendorListVersion": model.vendor_list_version,
        "policyVersion": model.policy_version,
        "isServiceSpecific": bool(model.is_service_specific),
        "useNonStandardTexts": bool(model.use_non_standard_texts),
        "purposeOneTreatment": bool(model.purpose_one_treatment),
        "publisherCountryCode": model.publisher_country_code,
        "specialFeatureOptins": sorted(model.special_feature_optins),
        "purposeConsents": sorted(model.purpose_consents),
        "purposeLegitimateInterests": sorted(model.purpose_legitimate_interests),
        "vendorConsents": sorted(model.vendor_consents),
        "vendorLegitimateInterests": sorted(model.vendor_legitimate_interests),
        "publisherRestrictions": [
            {
                "purposeId": restriction.purpose_id,
                "restrictionType": restriction.restriction_type,
                "vendorIds": sorted(restriction.vendor_ids),
            }
            for restriction in model.publisher_restrictions
        ],
        "vendorsDisclosed": _sorted(model.vendors_disclosed),
        "vendorsAllowed": _sorted(model.vendors_allowed),
        "publisherConsents": _sorted(model.publisher_consents),
        "publisherLegitimateInterests": _sorted(model.publisher_legitimate_interests),
        "numCustomPurposes": model.num_custom_purposes,
        "publisherCustomConsents": _sorted(model.publisher_custom_consents),
        "publisherCustomLegitimateInterests": _sorted(model.publisher_custom_legitimate_interests),
    }


def _deciseconds(obj: Mapping[str, Any], key: str) -> int:
    exact = obj.get(f"{key}Deciseconds")
    if exact is not None:
        if type(exact) is not int:
            raise TCStringError(f"{key}Deciseconds must be an integer, got {exact!r}")
        return exact
    text = obj.get(key)
    if not isinstance(text, str):
        raise TCStringError(f"{key} or {key}Deciseconds is required")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise TCStringError(f"{key} is not an ISO-8601 date: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    milliseconds = (moment - _EPOCH) // dt.timedelta(milliseconds=1)
    return (milliseconds + 50) // 100  # JavaScript's Math.round(ms / 100)


def _id_list(obj: Mapping[str, Any], key: str, optional: bool) -> frozenset[int] | None:
    value = obj.get(key)
    if value is None:
        return None if optional else frozenset()
    if not isinstance(value, list) or not all(type(item) is int for item in value):
        raise TCStringError(f"{key} must be a list of integers, got {value!r}")
    return frozenset(value)


def _segment_ids(
    obj: Mapping[str, Any], key: str, segment: str, listed: set[str], segments: list[str] | None
) -> frozenset[int] | None:
    if segment not in listed:
        return None
    ids = _id_list(obj, key, optional=True)
    if ids is None and segments is not None:
        return frozenset()
    return ids


def _typed(obj: Mapping[str, Any], key: str, kind: type, default: Any) -> Any:
    value = obj.get(key, default)
    if value is None:
        value = default
    if type(value) is not kind:
        raise TCStringError(f"{key} must be {kind.__name__}, got {value!r}")
    return value


def model_from_canonical(obj: Mapping[str, Any]) -> TCModel:
    """The model a canonical JSON object describes, with the contract's defaults for missing keys.

    As in the reference, an explicit `segments` list decides what is written: data for a segment it
    leaves out is ignored, and a segment it lists without data is written empty.
    """
    if not isinstance(obj, Mapping):
        raise TCStringError(f"expected a JSON object, got {type(obj).__name__}")
    version = _typed(obj, "version", int, 2)
    if version != 2:
        raise TCStringError(f"version is {version}; only version 2 can be encoded")
    segments = obj.get("segments")
    if segments is not None:
        if not isinstance(segments, list) or not all(isinstance(name, str) for name in segments):
            raise TCStringError(f"segments must be a list of names, got {segments!r}")
        unknown = [name for name in segments if name not in SEGMENT_NAMES]
        if unknown:
            raise TCStringError(f"segments: unknown segment names {unknown}; known: {list(SEGMENT_NAMES)}")
    listed = set(segments) if segments is not None else set(SEGMENT_NAMES)
    restrictions = []
    raw_restrictions = obj.get("publisherRestrictions") or []
    if not isinstance(raw_restrictions, list):
        raise TCStringError("publisherRestrictions must be a list")
    for raw in raw_restrictions:
        if not isinstance(raw, Mapping):
            raise TCStringError(f"publisherRestrictions entries must be objects, got {raw!r}")
        vendor_ids = _id_list(raw, "vendorIds", optional=False) or frozenset()
        restrictions.append(
            PublisherRestriction(
                _typed(raw, "purposeId", int, None), _typed(raw, "restrictionType", int, None), vendor_ids
            )
        )
    use_non_standard = obj.get("useNonStandardTexts")
    if use_non_standard is None:
        use_non_standard = obj.get("useNonStandardStacks", False)
    publisher = PUBLISHER_TC in listed
    num_custom = obj.get("numCustomPurposes") if publisher else None
    if num_custom is not None and type(num_custom) is not int:
        raise TCStringError(f"numCustomPurposes must be int, got {num_custom!r}")
    return TCModel(
        created=_deciseconds(obj, "created"),
        last_updated=_deciseconds(obj, "lastUpdated"),
        version=version,
        cmp_id=_typed(obj, "cmpId", int, 0),
        cmp_version=_typed(obj, "cmpVersion", int, 0),
        consent_screen=_typed(obj, "consentScreen", int, 0),
        consent_language=_typed(obj, "consentLanguage", str, "EN"),
        vendor_list_version=_typed(obj, "vendorListVersion", int, 0),
        policy_version=_typed(obj, "policyVersion", int, 5),
        is_service_specific=_typed(obj, "isServiceSpecific", bool, True),
        use_non_standard_texts=_typed({"v": use_non_standard}, "v", bool, False),
        purpose_one_treatment=_typed(obj, "purposeOneTreatment", bool, False),
        publisher_country_code=_typed(obj, "publisherCountryCode", str, "AA"),
        special_feature_optins=_id_list(obj, "specialFeatureOptins", optional=False) or frozenset(),
        purpose_consents=_id_list(obj, "purposeConsents", optional=False) or frozenset(),
        purpose_legitimate_interests=_id_list(obj, "purposeLegitimateInterests", optional=False)
        or frozenset(),
        vendor_consents=_id_list(obj, "vendorConsents", optional=False) or frozenset(),
        vendor_legitimate_interests=_id_list(obj, "vendorLegitimateInterests", optional=False) or frozenset(),
        publisher_restrictions=tuple(restrictions),
        vendors_disclosed=_segment_ids(obj, "vendorsDisclosed", VENDORS_DISCLOSED, listed, segments),
        vendors_allowed=_segment_ids(obj, "vendorsAllowed", VENDORS_ALLOWED, listed, segments),
        publisher_consents=_segment_ids(obj, "publisherConsents", PUBLISHER_TC, listed, segments),
        publisher_legitimate_interests=(
            _id_list(obj, "publisherLegitimateInterests", optional=True) if publisher else None
        ),
        num_custom_purposes=num_custom,
        publisher_custom_consents=_id_list(obj, "publisherCustomConsents", optional=True)
        if publisher
        else None,
        publisher_custom_legitimate_interests=(
            _id_list(obj, "publisherCustomLegitimateInterests", optional=True) if publisher else None
        ),
        segments=tuple(segments) if segments is not None else None,
    )

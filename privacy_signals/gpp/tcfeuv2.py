"""The tcfeuv2 section (id 2): an IAB TCF v2 TC string inside a GPP string (Sections/EEA,
"GPPExtension: IAB Europe TCF"), read and written by this package's own TC string codec
(`privacy_signals.tcf`), with fields named and shaped as `@iabgpp/cmpapi` 3.2.0 exposes them.

Decoding is the TC codec's strict decoding (its rules and limits: no '=' here, since GPP strings
have none). Writing follows the GPP library, whose layout differs from the TCF library's in three
ways: the segments are always core, DisclosedVendors and PublisherTC (in that order, even when
empty); a vendor section takes the range form whenever that is no longer than the bitfield
(`privacy_signals.tcf.encode(..., ranges="iabgpp")`); and IsServiceSpecific must be true.
VendorsAllowed (the legacy AllowedVendors segment) is decoded but, as in the reference, never
written.

Where this codec differs from the reference on purpose:
* Publisher restrictions are one entry per (key, type), sorted, without empty entries, as in the
  TC codec (the reference keeps the order and duplicates it was given).
* The values are written as given. The reference's `TcfEuV2.setFieldValue` also clears
  PurposeLegitimateInterests for purposes 1 and 3-6 and rewrites Created/LastUpdated on every
  change; here a missing Created or LastUpdated takes the other's value, and both default to
  today's UTC midnight (the reference's default), but nothing given is changed.
* ConsentLanguage and PublisherCountryCode must be two letters A-Z.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from itertools import compress
from typing import cast

from privacy_signals.gpp.errors import GppStringError
from privacy_signals.gpp.model import (
    FieldValue,
    RangeEntry,
    Section,
    all_of_type,
    frozen_section,
    uppercase_letters,
)
from privacy_signals.tcf import PublisherRestriction, TCModel, TCStringError
from privacy_signals.tcf import decode as decode_tc_string
from privacy_signals.tcf import encode as encode_tc_string
from privacy_signals.tcf.model import (
    CORE,
    PUBLISHER_TC,
    VENDORS_DISCLOSED,
    _normalise_restrictions,
    trusted_model,
)

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_FALSES = tuple((False,) * n for n in range(65))
_EMPTY: frozenset[int] = frozenset()
# The segments the GPP library writes, in its order.
_SEGMENTS = (CORE, VENDORS_DISCLOSED, PUBLISHER_TC)
# Ids 1, 2, ... for compress(): the ids of a bitfield's true flags.
_ID_OBJECTS = range(1, 65)

# (GPP field, TC codec field) pairs, so the TC codec's messages name the fields as GPP does.
_TC_NAMES = (
    ("VendorLegitimateInterests", "vendor_legitimate_interests"),
    ("VendorConsents", "vendor_consents"),
    ("VendorsDisclosed", "vendors_disclosed"),
    ("PublisherCustomLegitimateInterests", "publisher_custom_legitimate_interests"),
    ("PublisherCustomConsents", "publisher_custom_consents"),
    ("PublisherLegitimateInterests", "publisher_legitimate_interests"),
    ("PublisherConsents", "publisher_consents"),
    ("NumCustomPurposes", "num_custom_purposes"),
    ("PurposeLegitimateInterests", "purpose_legitimate_interests"),
    ("PurposeConsents", "purpose_consents"),
    ("SpecialFeatureOptins", "special_feature_optins"),
    ("PublisherCountryCode", "publisher_country_code"),
    ("ConsentLanguage", "consent_language"),
    ("VendorListVersion", "vendor_list_version"),
    ("PolicyVersion", "policy_version"),
    ("ConsentScreen", "consent_screen"),
    ("CmpVersion", "cmp_version"),
    ("CmpId", "cmp_id"),
    ("LastUpdated", "last_updated"),
    ("Created", "created"),
    ("key", "purpose_id"),
    ("type", "restriction_type"),
)

INTEGER_FIELDS = {
    "Version": 6,
    "CmpId": 12,
    "CmpVersion": 12,
    "ConsentScreen": 6,
    "VendorListVersion": 12,
    "PolicyVersion": 6,
    "PublisherPurposesSegmentType": 3,
    "NumCustomPurposes": 6,
    "VendorsAllowedSegmentType": 3,
    "VendorsDisclosedSegmentType": 3,
}
BOOLEAN_FIELDS = ("IsServiceSpecific", "UseNonStandardStacks", "PurposeOneTreatment")
DATETIME_FIELDS = ("Created", "LastUpdated")
LETTER_FIELDS = ("ConsentLanguage", "PublisherCountryCode")
#: Fixed bitfields and their lengths; the custom-purpose ones are NumCustomPurposes long.
BITFIELDS = {
    "SpecialFeatureOptins": 12,
    "PurposeConsents": 24,
    "PurposeLegitimateInterests": 24,
    "PublisherConsents": 24,
    "PublisherLegitimateInterests": 24,
    "PublisherCustomConsents": 0,
    "PublisherCustomLegitimateInterests": 0,
}
ID_LIST_FIELDS = ("VendorConsents", "VendorLegitimateInterests", "VendorsAllowed", "VendorsDisclosed")
RESTRICTIONS_FIELD = "PublisherRestrictions"
#: Segment type fields and the only value each may hold.
SEGMENT_TYPES = {
    "PublisherPurposesSegmentType": 3,
    "VendorsAllowedSegmentType": 2,
    "VendorsDisclosedSegmentType": 1,
}

FIELD_NAMES = (
    "Version",
    "Created",
    "LastUpdated",
    "CmpId",
    "CmpVersion",
    "ConsentScreen",
    "ConsentLanguage",
    "VendorListVersion",
    "PolicyVersion",
    "IsServiceSpecific",
    "UseNonStandardStacks",
    "SpecialFeatureOptins",
    "PurposeConsents",
    "PurposeLegitimateInterests",
    "PurposeOneTreatment",
    "PublisherCountryCode",
    "VendorConsents",
    "VendorLegitimateInterests",
    "PublisherRestrictions",
    "PublisherPurposesSegmentType",
    "PublisherConsents",
    "PublisherLegitimateInterests",
    "NumCustomPurposes",
    "PublisherCustomConsents",
    "PublisherCustomLegitimateInterests",
    "VendorsAllowedSegmentType",
    "VendorsAllowed",
    "VendorsDisclosedSegmentType",
    "VendorsDisclosed",
)


def datetime_from_deciseconds(deciseconds: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(milliseconds=deciseconds * 100)


def deciseconds_from_datetime(moment: dt.datetime) -> int:
    """JavaScript's Math.round(date.getTime() / 100) for the millisecond the datetime falls in."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    delta = moment - _EPOCH
    milliseconds = (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000
    return (milliseconds + 50) // 100


def _flags(ids: frozenset[int] | None, length: int) -> tuple[bool, ...]:
    if not ids:
        return _FALSES[length]
    flags = [False] * length
    for number in ids:
        flags[number - 1] = True
    return tuple(flags)


def _letters(code: str) -> str:
    # The TC codec reads 6-bit value 63 as chr(128); the GPP library reads it as a space and trims.
    return code.replace("\x80", " ").strip() if "\x80" in code else code


class TcfEuV2Section:
    name = "tcfeuv2"
    id = 2
    field_names = FIELD_NAMES

    def decode(self, text: str) -> Section:
        if "=" in text:
            raise GppStringError("tcfeuv2: '=' padding is not allowed in GPP strings")
        try:
            model = decode_tc_string(text)
        except TCStringError as error:
            raise GppStringError(f"tcfeuv2: {error}") from None
        return _fields(model)

    def encode(self, fields: Section) -> str:
        try:
            return encode_tc_string(_tc_model(fields), ranges="iabgpp")
        except TCStringError as error:
            raise GppStringError(f"tcfeuv2: {_gpp_names(str(error))}") from None

    def complete(self, fields: Mapping[str, object]) -> Section:
        return complete_tcf_section(
            "tcfeuv2",
            fields,
            FIELD_NAMES,
            _DEFAULTS,
            _shaped,
            ("PublisherCustomConsents", "PublisherCustomLegitimateInterests"),
        )


def complete_tcf_section(
    section: str,
    fields: Mapping[str, object],
    field_names: tuple[str, ...],
    defaults: Mapping[str, FieldValue],
    shaped: Callable[[str, object], FieldValue],
    custom_flags: tuple[str, str],
) -> Section:
    """Every field of a TCF section (tcfeuv2 or tcfcav1): the given ones checked for name and shape,
    the dates completed as the reference does, custom-purpose flags padded to their count."""
    completed = dict(defaults)
    for name, value in fields.items():
        if name not in completed:
            raise GppStringError(f"{section} has no field {name!r}; its fields are {', '.join(field_names)}")
        completed[name] = shaped(name, value)
    complete_dates(completed, fields)
    _pad_custom_flags(completed, "NumCustomPurposes", custom_flags)
    return frozen_section(completed)


def complete_dates(completed: dict[str, FieldValue], given: Mapping[str, object]) -> None:
    """Created and LastUpdated when not given: the other one's value, or both today's UTC midnight
    (the reference stamps new TCF sections with the current date)."""
    created, last_updated = given.get("Created"), given.get("LastUpdated")
    if created is None and last_updated is None:
        today = dt.datetime.now(dt.UTC)
        completed["Created"] = completed["LastUpdated"] = dt.datetime(
            today.year, today.month, today.day, tzinfo=dt.UTC
        )
    elif created is None:
        completed["Created"] = completed["LastUpdated"]
    elif last_updated is None:
        completed["LastUpdated"] = completed["Created"]


def _pad_custom_flags(fields: dict[str, FieldValue], count_field: str, flag_fields: tuple[str, str]) -> None:
    """Custom-purpose bitfields are NumCustomPurposes long: pad shorter ones with false, as the
    string will hold them (longer ones are refused when encoding)."""
    count = fields[count_field]
    if type(count) is not int or not 0 <= count <= 64:
        return
    for name in flag_fields:
        flags = fields[name]
        if isinstance(flags, tuple) and len(flags) < count:
            fields[name] = cast("tuple[bool, ...]", flags) + _FALSES[count - len(flags)]


def _fields(model: TCModel) -> Section:
    num_custom = model.num_custom_purposes or 0
    return frozen_section(
        {
            "Version": model.version,
            "Created": datetime_from_deciseconds(model.created),
            "LastUpdated": datetime_from_deciseconds(model.last_updated),
            "CmpId": model.cmp_id,
            "CmpVersion": model.cmp_version,
            "ConsentScreen": model.consent_screen,
            "ConsentLanguage": _letters(model.consent_language),
            "VendorListVersion": model.vendor_list_version,
            "PolicyVersion": model.policy_version,
            "IsServiceSpecific": model.is_service_specific,
            "UseNonStandardStacks": model.use_non_standard_texts,
            "SpecialFeatureOptins": _flags(model.special_feature_optins, 12),
            "PurposeConsents": _flags(model.purpose_consents, 24),
            "PurposeLegitimateInterests": _flags(model.purpose_legitimate_interests, 24),
            "PurposeOneTreatment": model.purpose_one_treatment,
            "PublisherCountryCode": _letters(model.publisher_country_code),
            "VendorConsents": tuple(sorted(model.vendor_consents)),
            "VendorLegitimateInterests": tuple(sorted(model.vendor_legitimate_interests)),
            "PublisherRestrictions": tuple(
                RangeEntry(
                    restriction.purpose_id,
                    restriction.restriction_type,
                    tuple(sorted(restriction.vendor_ids)),
                )
                for restriction in model.publisher_restrictions
            ),
            "PublisherPurposesSegmentType": 3,
            "PublisherConsents": _flags(model.publisher_consents, 24),
            "PublisherLegitimateInterests": _flags(model.publisher_legitimate_interests, 24),
            "NumCustomPurposes": num_custom,
            "PublisherCustomConsents": _flags(model.publisher_custom_consents, num_custom),
            "PublisherCustomLegitimateInterests": _flags(
                model.publisher_custom_legitimate_interests, num_custom
            ),
            "VendorsAllowedSegmentType": 2,
            "VendorsAllowed": tuple(sorted(model.vendors_allowed or ())),
            "VendorsDisclosedSegmentType": 1,
            "VendorsDisclosed": tuple(sorted(model.vendors_disclosed or ())),
        }
    )


_DEFAULTS: dict[str, FieldValue] = dict(
    _fields(TCModel(created=0, last_updated=0, vendors_disclosed=_EMPTY, publisher_consents=_EMPTY))
)


def _ids_of(flags: object, name: str, length: int) -> frozenset[int]:
    if not isinstance(flags, tuple) or len(flags) > length:
        raise GppStringError(f"tcfeuv2: {name} must hold at most {length} true/false values, got {flags!r}")
    return frozenset(compress(_ID_OBJECTS, flags))


def _tc_model(fields: Section) -> TCModel:
    for name, width in INTEGER_FIELDS.items():
        value = fields[name]
        if type(value) is not int or not 0 <= value < 1 << width:
            raise GppStringError(f"tcfeuv2: {name} must be an integer 0-{(1 << width) - 1}, got {value!r}")
    if fields["Version"] != 2:
        raise GppStringError(f"tcfeuv2: Version is {fields['Version']}; only Version 2 can be encoded")
    for name, required in SEGMENT_TYPES.items():
        if fields[name] != required:
            raise GppStringError(f"tcfeuv2: {name} must be {required}, got {fields[name]!r}")
    if fields["IsServiceSpecific"] is not True:
        raise GppStringError(
            "tcfeuv2: IsServiceSpecific must be true; a GPP string cannot carry a globally scoped TC string"
        )
    for name in LETTER_FIELDS:
        code = fields[name]
        if not uppercase_letters(code):
            raise GppStringError(f"tcfeuv2: {name} must be two letters A-Z, got {code!r}")
    created, last_updated = fields["Created"], fields["LastUpdated"]
    if not isinstance(created, dt.datetime) or not isinstance(last_updated, dt.datetime):
        raise GppStringError("tcfeuv2: Created and LastUpdated must be datetimes")
    num_custom = fields["NumCustomPurposes"]
    assert isinstance(num_custom, int)
    restrictions = fields[RESTRICTIONS_FIELD]
    if not isinstance(restrictions, tuple) or not all(
        isinstance(entry, RangeEntry) for entry in restrictions
    ):
        raise GppStringError(
            f"tcfeuv2: {RESTRICTIONS_FIELD} must hold RangeEntry values, got {restrictions!r}"
        )
    # The values are checked above, so the model is built without TCModel's own checks (they cost
    # a tenth of an uncached encode); restrictions still go through its normalisation.
    return trusted_model(
        created=deciseconds_from_datetime(created),
        last_updated=deciseconds_from_datetime(last_updated),
        version=2,
        cmp_id=fields["CmpId"],  # type: ignore[arg-type]
        cmp_version=fields["CmpVersion"],  # type: ignore[arg-type]
        consent_screen=fields["ConsentScreen"],  # type: ignore[arg-type]
        consent_language=fields["ConsentLanguage"],  # type: ignore[arg-type]
        vendor_list_version=fields["VendorListVersion"],  # type: ignore[arg-type]
        policy_version=fields["PolicyVersion"],  # type: ignore[arg-type]
        is_service_specific=True,
        use_non_standard_texts=_boolean(fields, "UseNonStandardStacks"),
        special_feature_optins=_ids_of(fields["SpecialFeatureOptins"], "SpecialFeatureOptins", 12),
        purpose_consents=_ids_of(fields["PurposeConsents"], "PurposeConsents", 24),
        purpose_legitimate_interests=_ids_of(
            fields["PurposeLegitimateInterests"], "PurposeLegitimateInterests", 24
        ),
        purpose_one_treatment=_boolean(fields, "PurposeOneTreatment"),
        publisher_country_code=fields["PublisherCountryCode"],  # type: ignore[arg-type]
        vendor_consents=_id_set(fields, "VendorConsents"),
        vendor_legitimate_interests=_id_set(fields, "VendorLegitimateInterests"),
        publisher_restrictions=_normalise_restrictions(
            PublisherRestriction(entry.key, entry.type, frozenset(entry.ids))
            for entry in cast("tuple[RangeEntry, ...]", restrictions)
        )
        if restrictions
        else (),
        vendors_disclosed=_id_set(fields, "VendorsDisclosed"),
        vendors_allowed=None,
        publisher_consents=_ids_of(fields["PublisherConsents"], "PublisherConsents", 24),
        publisher_legitimate_interests=_ids_of(
            fields["PublisherLegitimateInterests"], "PublisherLegitimateInterests", 24
        ),
        num_custom_purposes=num_custom,
        publisher_custom_consents=_ids_of(
            fields["PublisherCustomConsents"], "PublisherCustomConsents", num_custom
        ),
        publisher_custom_legitimate_interests=_ids_of(
            fields["PublisherCustomLegitimateInterests"], "PublisherCustomLegitimateInterests", num_custom
        ),
        segments=_SEGMENTS,
    )


def _boolean(fields: Section, name: str) -> bool:
    value = fields[name]
    if type(value) is not bool:
        raise GppStringError(f"tcfeuv2: {name} must be true or false, got {value!r}")
    return value


def _id_set(fields: Section, name: str) -> frozenset[int]:
    ids = fields[name]
    if not isinstance(ids, tuple):
        raise GppStringError(f"tcfeuv2: {name} must be a list of vendor ids, got {ids!r}")
    return frozenset(ids)  # type: ignore[arg-type]


def _gpp_names(message: str) -> str:
    for gpp_name, tc_name in _TC_NAMES:
        message = message.replace(tc_name, gpp_name)
    return message


def _shaped(name: str, value: object) -> FieldValue:
    """A given value in the model's shape (lists to tuples, ids sorted), its type checked."""
    if name in INTEGER_FIELDS:
        if type(value) is not int:
            raise GppStringError(f"tcfeuv2: {name} must be an integer, got {value!r}")
        return value
    if name in BOOLEAN_FIELDS:
        if type(value) is not bool:
            raise GppStringError(f"tcfeuv2: {name} must be true or false, got {value!r}")
        return value
    if name in DATETIME_FIELDS:
        if not isinstance(value, dt.datetime):
            raise GppStringError(f"tcfeuv2: {name} must be a datetime, got {value!r}")
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    if name in LETTER_FIELDS:
        if not isinstance(value, str):
            raise GppStringError(f"tcfeuv2: {name} must be two letters, got {value!r}")
        return value
    if name in BITFIELDS:
        if not isinstance(value, (list, tuple)) or not all_of_type(value, bool):
            raise GppStringError(f"tcfeuv2: {name} must be a list of true/false values, got {value!r}")
        length = BITFIELDS[name]
        if length and len(value) > length:
            raise GppStringError(f"tcfeuv2: {name} has {len(value)} values; the field holds {length}")
        return tuple(value) + _FALSES[length - len(value)] if length else tuple(value)
    if name in ID_LIST_FIELDS:
        return _sorted_ids(value, name)
    return tuple(_range_entry(entry, number) for number, entry in enumerate(_iterable(value, name), start=1))


def _iterable(value: object, name: str) -> Iterable[object]:
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise GppStringError(f"tcfeuv2: {name} must be a list, got {value!r}")
    return value


def _sorted_ids(value: object, name: str) -> tuple[int, ...]:
    ids = _iterable(value, name)
    if not all_of_type(ids, int):
        raise GppStringError(f"tcfeuv2: {name} must be a list of integers, got {value!r}")
    return tuple(sorted(set(cast("Iterable[int]", ids))))


def _range_entry(entry: object, number: int) -> RangeEntry:
    if isinstance(entry, RangeEntry):
        key, kind, ids = entry.key, entry.type, entry.ids
    elif isinstance(entry, Mapping) and set(entry) == {"key", "type", "ids"}:
        key, kind, ids = entry["key"], entry["type"], entry["ids"]
    else:
        raise GppStringError(
            f"tcfeuv2: {RESTRICTIONS_FIELD} entry {number} must be a RangeEntry or an object with "
            f"key, type and ids, got {entry!r}"
        )
    if type(key) is not int or type(kind) is not int:
        raise GppStringError(f"tcfeuv2: {RESTRICTIONS_FIELD} entry {number}: key and type must be integers")
    return RangeEntry(key, kind, _sorted_ids(ids, f"{RESTRICTIONS_FIELD} entry {number} ids"))


TCFEUV2 = TcfEuV2Section()

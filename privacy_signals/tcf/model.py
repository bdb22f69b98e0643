"""The TC string model: what one TCF v2 string says, as immutable values.

Ids are frozensets (order carries no meaning in the string). Publisher restrictions are normalised
to one entry per (purpose, restriction type), sorted, without empty entries: this is how the IAB
reference library models them too, so a decoded string and a model built by hand compare equal
whenever they would encode to the same bits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from privacy_signals.tcf.errors import TCStringError

CORE = "core"
VENDORS_DISCLOSED = "vendorsDisclosed"
VENDORS_ALLOWED = "vendorsAllowed"
PUBLISHER_TC = "publisherTC"
#: Segment names by SegmentType (the 3 leading bits of every segment after the core).
SEGMENT_NAMES: tuple[str, ...] = (CORE, VENDORS_DISCLOSED, VENDORS_ALLOWED, PUBLISHER_TC)

_EMPTY: frozenset[int] = frozenset()


def _ids(value: Iterable[int]) -> frozenset[int]:
    return value if type(value) is frozenset else frozenset(value)


def _optional_ids(value: Iterable[int] | None) -> frozenset[int] | None:
    return None if value is None else _ids(value)


@dataclass(frozen=True, slots=True)
class PublisherRestriction:
    """PubRestrictionEntry: vendors for which the publisher restricts one purpose.

    restriction_type: 0 = purpose not allowed, 1 = require consent, 2 = require legitimate interest.
    """

    purpose_id: int
    restriction_type: int
    vendor_ids: frozenset[int]

    def __post_init__(self) -> None:
        if type(self.vendor_ids) is not frozenset:
            object.__setattr__(self, "vendor_ids", frozenset(self.vendor_ids))


def _normalise_restrictions(restrictions: Iterable[Any]) -> tuple[PublisherRestriction, ...]:
    merged: dict[tuple[int, int], frozenset[int]] = {}
    for restriction in restrictions:
        if not isinstance(restriction, PublisherRestriction):
            raise TCStringError(
                f"publisher_restrictions must hold PublisherRestriction values, got {restriction!r}"
            )
        key = (restriction.purpose_id, restriction.restriction_type)
        merged[key] = merged.get(key, _EMPTY) | restriction.vendor_ids
    return tuple(
        PublisherRestriction(purpose_id, restriction_type, vendor_ids)
        for (purpose_id, restriction_type), vendor_ids in sorted(merged.items())
        if vendor_ids
    )


def _is_normalised(restrictions: tuple[PublisherRestriction, ...]) -> bool:
    previous = (-1, -1)
    for restriction in restrictions:
        key = (restriction.purpose_id, restriction.restriction_type)
        if (
            type(restriction) is not PublisherRestriction
            or key <= previous
            or not restriction.vendor_ids
            or type(restriction.vendor_ids) is not frozenset
        ):
            return False
        previous = key
    return True


@dataclass(frozen=True, slots=True)
class TCModel:
    """Every field of a TCF v2 TC string.

    `created` and `last_updated` are the exact 36-bit values (deciseconds since the epoch).
    Optional segments are `None` when absent: `vendors_disclosed` (DisclosedVendors),
    `vendors_allowed` (legacy AllowedVendors) and the five publisher fields (PublisherTC; giving any
    of them makes the segment present and the others default to empty, `num_custom_purposes` to the
    highest custom purpose id). The fields decide which segments exist; `segments` gives their
    order (as decoded). Left `None` it becomes core plus each present optional segment in the order
    core, vendorsDisclosed, vendorsAllowed, publisherTC; names it lists without data are dropped and
    present segments it omits are appended in that order.
    """

    created: int
    last_updated: int
    version: int = 2
    cmp_id: int = 0
    cmp_version: int = 0
    consent_screen: int = 0
    consent_language: str = "EN"
    vendor_list_version: int = 0
    policy_version: int = 5
    is_service_specific: bool = True
    use_non_standard_texts: bool = False
    special_feature_optins: frozenset[int] = field(default=_EMPTY)
    purpose_consents: frozenset[int] = field(default=_EMPTY)
    purpose_legitimate_interests: frozenset[int] = field(default=_EMPTY)
    purpose_one_treatment: bool = False
    publisher_country_code: str = "AA"
    vendor_consents: frozenset[int] = field(default=_EMPTY)
    vendor_legitimate_interests: frozenset[int] = field(default=_EMPTY)
    publisher_restrictions: tuple[PublisherRestriction, ...] = ()
    vendors_disclosed: frozenset[int] | None = None
    vendors_allowed: frozenset[int] | None = None
    publisher_consents: frozenset[int] | None = None
    publisher_legitimate_interests: frozenset[int] | None = None
    num_custom_purposes: int | None = None
    publisher_custom_consents: frozenset[int] | None = None
    publisher_custom_legitimate_interests: frozenset[int] | None = None
    segments: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        put = object.__setattr__
        for name in (
            "special_feature_optins",
            "purpose_consents",
            "purpose_legitimate_interests",
            "vendor_consents",
            "vendor_legitimate_interests",
        ):
            value = getattr(self, name)
            if type(value) is not frozenset:
                put(self, name, frozenset(value))
        for name in ("vendors_disclosed", "vendors_allowed"):
            put(self, name, _optional_ids(getattr(self, name)))
        restrictions = self.publisher_restrictions
        if type(restrictions) is not tuple or not _is_normalised(restrictions):
            put(self, "publisher_restrictions", _normalise_restrictions(restrictions))
        has_publisher_tc = (
            self.publisher_consents is not None
            or self.publisher_legitimate_interests is not None
            or self.num_custom_purposes is not None
            or self.publisher_custom_consents is not None
            or self.publisher_custom_legitimate_interests is not None
        )
        if has_publisher_tc:
            put(self, "publisher_consents", _ids(self.publisher_consents or _EMPTY))
            put(self, "publisher_legitimate_interests", _ids(self.publisher_legitimate_interests or _EMPTY))
            custom_consents = _ids(self.publisher_custom_consents or _EMPTY)
            custom_li = _ids(self.publisher_custom_legitimate_interests or _EMPTY)
            put(self, "publisher_custom_consents", custom_consents)
            put(self, "publisher_custom_legitimate_interests", custom_li)
            if self.num_custom_purposes is None:
                put(self, "num_custom_purposes", max(custom_consents | custom_li, default=0))
        present = [CORE]
        if self.vendors_disclosed is not None:
            present.append(VENDORS_DISCLOSED)
        if self.vendors_allowed is not None:
            present.append(VENDORS_ALLOWED)
        if has_publisher_tc:
            present.append(PUBLISHER_TC)
        order = self.segments
        if order is None:
            put(self, "segments", tuple(present))
            return
        order = tuple(order)
        if (
            not order
            or order[0] != CORE
            or len(set(order)) != len(order)
            or not set(order) <= set(SEGMENT_NAMES)
        ):
            raise TCStringError(
                f"segments must start with 'core' and name each of {SEGMENT_NAMES[1:]} at most once, "
                f"got {order!r}"
            )
        # The data decides which segments exist; `segments` only orders them, so that
        # dataclasses.replace() can add or drop a segment by setting its field.
        put(
            self,
            "segments",
            tuple(name for name in order if name in present) + tuple(n for n in present if n not in order),
        )


_new = object.__new__
_put = object.__setattr__


class _UnfrozenRestriction:
    """PublisherRestriction's slot layout without the frozen __setattr__ (see _UnfrozenTCModel)."""

    __slots__ = PublisherRestriction.__slots__


def trusted_restriction(
    purpose_id: int, restriction_type: int, vendor_ids: frozenset[int]
) -> PublisherRestriction:
    """A PublisherRestriction from decoded values (vendor_ids already a frozenset)."""
    restriction: Any = _new(_UnfrozenRestriction)
    restriction.purpose_id = purpose_id
    restriction.restriction_type = restriction_type
    restriction.vendor_ids = vendor_ids
    _put(restriction, "__class__", PublisherRestriction)
    return cast(PublisherRestriction, restriction)


class _UnfrozenTCModel:
    """TCModel's exact slot layout without the frozen __setattr__: the decoder fills one with plain
    attribute stores (a fraction of the cost of 27 object.__setattr__ calls), then turns it into a
    TCModel by assigning __class__, which CPython allows between classes of identical layout."""

    __slots__ = TCModel.__slots__


def trusted_model(
    created: int,
    last_updated: int,
    version: int,
    cmp_id: int,
    cmp_version: int,
    consent_screen: int,
    consent_language: str,
    vendor_list_version: int,
    policy_version: int,
    is_service_specific: bool,
    use_non_standard_texts: bool,
    special_feature_optins: frozenset[int],
    purpose_consents: frozenset[int],
    purpose_legitimate_interests: frozenset[int],
    purpose_one_treatment: bool,
    publisher_country_code: str,
    vendor_consents: frozenset[int],
    vendor_legitimate_interests: frozenset[int],
    publisher_restrictions: tuple[PublisherRestriction, ...],
    vendors_disclosed: frozenset[int] | None,
    vendors_allowed: frozenset[int] | None,
    publisher_consents: frozenset[int] | None,
    publisher_legitimate_interests: frozenset[int] | None,
    num_custom_purposes: int | None,
    publisher_custom_consents: frozenset[int] | None,
    publisher_custom_legitimate_interests: frozenset[int] | None,
    segments: tuple[str, ...],
) -> TCModel:
    """Builds a TCModel from values the decoder has already normalised, skipping `__post_init__`.

    The decoder produces frozensets, merged sorted restrictions and a complete PublisherTC, so the
    checks would only cost time on the hot path (about a third of a small string's decode).
    """
    model: Any = _new(_UnfrozenTCModel)
    model.created = created
    model.last_updated = last_updated
    model.version = version
    model.cmp_id = cmp_id
    model.cmp_version = cmp_version
    model.consent_screen = consent_screen
    model.consent_language = consent_language
    model.vendor_list_version = vendor_list_version
    model.policy_version = policy_version
    model.is_service_specific = is_service_specific
    model.use_non_standard_texts = use_non_standard_texts
    model.special_feature_optins = special_feature_optins
    model.purpose_consents = purpose_consents
    model.purpose_legitimate_interests = purpose_legitimate_interests
    model.purpose_one_treatment = purpose_one_treatment
    model.publisher_country_code = publisher_country_code
    model.vendor_consents = vendor_consents
    model.vendor_legitimate_interests = vendor_legitimate_interests
    model.publisher_restrictions = publisher_restrictions
    model.vendors_disclosed = vendors_disclosed
    model.vendors_allowed = vendors_allowed
    model.publisher_consents = publisher_consents
    model.publisher_legitimate_interests = publisher_legitimate_interests
    model.num_custom_purposes = num_custom_purposes
    model.publisher_custom_consents = publisher_custom_consents
    model.publisher_custom_legitimate_interests = publisher_custom_legitimate_interests
    model.segments = segments
    _put(model, "__class__", TCModel)
    return cast(TCModel, model)


def day_deciseconds(day: dt.date | dt.datetime) -> int:
    """Created/LastUpdated for a choice made on `day`: UTC midnight of that day, in deciseconds.

    Since Dec 2021 the spec asks for the day-level timestamp in both fields. An aware datetime is
    converted to UTC first; a naive one is taken as UTC.
    """
    if isinstance(day, dt.datetime):
        if day.tzinfo is not None:
            day = day.astimezone(dt.UTC)
        day = day.date()
    midnight = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return int(midnight.timestamp()) * 10

"""Publisher restrictions (per vendor and purpose) and the publisher's own purposes (PublisherTC),
validated against the GVL within what TCF allows, and in the shape the TC string carries them.

TCF rules applied (tcf-spec.md, "Publisher restrictions"; TCF policy Appendix A):
* a restriction names a purpose the vendor declares (consent or legitimate interest);
* "require consent" or "require LI" changes a vendor's legal basis only where it declared the purpose
  flexible; where it declared the other basis only, the vendor could no longer use the purpose,
  which is what "not allowed" says, so that is asked for instead;
* purposes 1 and 3-6 allow no legitimate interest: neither a "require LI" restriction nor a
  publisher LI purpose for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from privacy_signals.tcf import PublisherRestriction as TCRestriction
from privacy_signals.tcf.policy import CONSENT_ONLY_PURPOSES
from sites.models import CustomPurpose, LegalBasis, PublisherRestriction, RestrictionType, Site
from vendors.catalogue import GvlSnapshot


def check_restriction(snapshot: GvlSnapshot, vendor_id: int, purpose_id: int, restriction_type: int) -> None:
    vendor = snapshot.vendors.get(vendor_id)
    if vendor is None or not vendor.is_active:
        raise ValidationError(
            f"Vendor {vendor_id} is not active in GVL version {snapshot.vendor_list_version}."
        )
    if purpose_id not in snapshot.purposes:
        raise ValidationError(f"Purpose {purpose_id} does not exist.")
    if restriction_type not in RestrictionType.values:
        raise ValidationError(f"Unknown restriction type {restriction_type}.")
    declared_consent = purpose_id in vendor.purposes
    declared_li = purpose_id in vendor.leg_int_purposes
    if not (declared_consent or declared_li):
        raise ValidationError(
            f"{vendor.name} does not declare purpose {purpose_id}; there is nothing to restrict."
        )
    flexible = purpose_id in vendor.flexible_purposes
    if restriction_type == RestrictionType.REQUIRE_LI:
        if purpose_id in CONSENT_ONLY_PURPOSES:
            raise ValidationError(
                f"Purpose {purpose_id} allows consent only; legitimate interest cannot be required."
            )
        if not declared_li and not flexible:
            raise ValidationError(
                f"{vendor.name} declares purpose {purpose_id} for consent only (not flexible): requiring "
                "legitimate interest would stop it; choose 'Purpose not allowed' instead."
            )
    if restriction_type == RestrictionType.REQUIRE_CONSENT and not declared_consent and not flexible:
        raise ValidationError(
            f"{vendor.name} declares purpose {purpose_id} under legitimate interest only (not flexible): "
            "requiring consent would stop it; choose 'Purpose not allowed' instead."
        )


@transaction.atomic
def set_restriction(
    site: Site, snapshot: GvlSnapshot, vendor_id: int, purpose_id: int, restriction_type: int
) -> PublisherRestriction:
    check_restriction(snapshot, vendor_id, purpose_id, restriction_type)
    restriction, _ = PublisherRestriction.objects.update_or_create(
        site=site, vendor_id=vendor_id, purpose_id=purpose_id, defaults={"restriction_type": restriction_type}
    )
    return restriction


def set_publisher_purposes(
    site: Site, snapshot: GvlSnapshot, consent: Iterable[int], legitimate_interest: Iterable[int]
) -> None:
    consent_ids, li_ids = sorted(set(consent)), sorted(set(legitimate_interest))
    unknown = sorted(set(consent_ids + li_ids) - set(snapshot.purposes))
    if unknown:
        raise ValidationError(f"Unknown purposes: {', '.join(map(str, unknown))}.")
    forbidden = sorted(set(li_ids) & CONSENT_ONLY_PURPOSES)
    if forbidden:
        raise ValidationError(
            f"Purposes {', '.join(map(str, forbidden))} allow consent only, not legitimate interest."
        )
    site.publisher_consent_purposes, site.publisher_li_purposes = consent_ids, li_ids
    site.save(update_fields=["publisher_consent_purposes", "publisher_li_purposes", "updated_at"])


def add_custom_purpose(site: Site, name: str, description: str, legal_basis: str) -> CustomPurpose:
    if not name.strip():
        raise ValidationError("A custom purpose needs a name.")
    if legal_basis not in LegalBasis.values:
        raise ValidationError(f"Unknown legal basis {legal_basis!r}.")
    taken = site.custom_purposes.order_by("-number").values_list("number", flat=True).first() or 0
    if taken >= 64:
        raise ValidationError("A site has at most 64 custom purposes.")
    return CustomPurpose.objects.create(
        site=site,
        number=taken + 1,
        name=name.strip(),
        description=description.strip(),
        legal_basis=legal_basis,
    )


def tc_restrictions(site: Site, disclosed: frozenset[int]) -> tuple[TCRestriction, ...]:
    """The site's restrictions on the vendors it discloses, as the TC string's core segment has them."""
    grouped: dict[tuple[int, int], set[int]] = {}
    for vendor_id, purpose_id, kind in site.restrictions.values_list(
        "vendor_id", "purpose_id", "restriction_type"
    ):
        if vendor_id in disclosed:
            grouped.setdefault((purpose_id, kind), set()).add(vendor_id)
    return tuple(TCRestriction(p, k, frozenset(v)) for (p, k), v in sorted(grouped.items()))


def custom_purpose_ids(site: Site) -> tuple[frozenset[int], frozenset[int]]:
    """Numbers of the site's custom purposes on consent, and on legitimate interest."""
    consent, li = set(), set()
    for number, basis in site.custom_purposes.values_list("number", "legal_basis"):
        (consent if basis == LegalBasis.CONSENT else li).add(number)
    return frozenset(consent), frozenset(li)


def restrictions_by_vendor(restrictions: tuple[TCRestriction, ...]) -> dict[int, dict[int, int]]:
    """{vendor id: {purpose id: restriction type}}."""
    out: dict[int, dict[int, int]] = {}
    for r in restrictions:
        for vendor_id in r.vendor_ids:
            out.setdefault(vendor_id, {})[r.purpose_id] = r.restriction_type
    return out


def with_restrictions(declarations: dict[str, Any], restricted: dict[int, int]) -> dict[str, Any]:
    """A vendor's declarations (vendors.gvl_format JSON) as the visitor must be shown them on this
    site: a purpose not allowed is gone, a flexible purpose moved to the basis the publisher requires."""
    if not restricted:
        return declarations
    consent, li = set(declarations["purposes"]), set(declarations["leg_int_purposes"])
    flexible = set(declarations.get("flexible_purposes", ()))
    for purpose_id, kind in restricted.items():
        if kind == RestrictionType.NOT_ALLOWED:
            consent.discard(purpose_id)
            li.discard(purpose_id)
            flexible.discard(purpose_id)
        elif purpose_id in flexible and kind == RestrictionType.REQUIRE_CONSENT and purpose_id in li:
            li.discard(purpose_id)
            consent.add(purpose_id)
        elif purpose_id in flexible and kind == RestrictionType.REQUIRE_LI and purpose_id in consent:
            consent.discard(purpose_id)
            li.add(purpose_id)
    return {
        **declarations,
        "purposes": sorted(consent),
        "leg_int_purposes": sorted(li),
        "flexible_purposes": sorted(flexible),
    }

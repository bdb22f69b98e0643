"""What a site discloses under a GVL version: its vendors, their possible legal bases, its ATPs.

The TC string, the banner and the re-prompt rule all start from this one computation, so they
cannot disagree about which vendors a visitor was shown.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from infra.config import cache
from infra.errors import ApiError
from privacy_signals.tcf import PublisherRestriction as TCRestriction
from sites.languages import iab_code
from sites.models import RestrictionType, Site
from sites.restrictions import custom_purpose_ids, tc_restrictions
from vendors import catalogue
from vendors.catalogue import GvlSnapshot
from vendors.models import Vendor

# Purposes for which TCF v2.2+ allows no legitimate interest (1 is consent-only by policy).
NO_LI_PURPOSES = frozenset({1, 3, 4, 5, 6})
REQUIRE_CONSENT = int(RestrictionType.REQUIRE_CONSENT)
REQUIRE_LI = int(RestrictionType.REQUIRE_LI)


@dataclass(frozen=True)
class SiteCatalogue:
    snapshot: GvlSnapshot
    disclosed_vendor_ids: frozenset[int]
    # Vendors that can receive a consent bit: they declare at least one consent purpose.
    consent_vendor_ids: frozenset[int]
    # Vendors that can receive an LI bit: they declare a purpose on legitimate interest (a flexible
    # purpose counts where the vendor declares it under LI: we emit no publisher restrictions that
    # would switch its basis). TCF v2.4 dropped the LI bit for special purposes: a vendor declaring
    # only special purposes is disclosed (DisclosedVendors) and gets no bit at all.
    li_vendor_ids: frozenset[int]
    atp_ids: frozenset[int]
    vendors_hash: str
    # The publisher's restrictions on disclosed vendors (core segment) and its own purposes
    # (PublisherTC segment); sites/restrictions.py.
    restrictions: tuple[TCRestriction, ...] = ()
    publisher_consent_purposes: frozenset[int] = frozenset()
    publisher_li_purposes: frozenset[int] = frozenset()
    custom_consent_purposes: frozenset[int] = frozenset()
    custom_li_purposes: frozenset[int] = frozenset()

    @property
    def has_publisher_tc(self) -> bool:
        return bool(
            self.publisher_consent_purposes
            or self.publisher_li_purposes
            or self.custom_consent_purposes
            or self.custom_li_purposes
        )

    @property
    def vendor_list_version(self) -> int:
        return int(self.snapshot.vendor_list_version)

    @property
    def tcf_policy_version(self) -> int:
        return int(self.snapshot.tcf_policy_version)

    @property
    def purpose_ids(self) -> frozenset[int]:
        return frozenset(self.snapshot.purposes)

    @property
    def li_purpose_ids(self) -> frozenset[int]:
        return frozenset(self.snapshot.purposes) - NO_LI_PURPOSES

    @property
    def special_feature_ids(self) -> frozenset[int]:
        return frozenset(self.snapshot.special_features)


def vendors_hash(vendor_ids: frozenset[int]) -> str:
    """Identifies the disclosed vendor set, so the banner can tell that it changed."""
    line = ",".join(str(v) for v in sorted(vendor_ids))
    return hashlib.sha256(line.encode()).hexdigest()[:20]


def iab_codes_in_use() -> set[str]:
    """The IAB codes of every language a site lists (the weekly refresh fetches their files)."""
    return {
        iab_code(code) for languages in Site.objects.values_list("languages", flat=True) for code in languages
    }


def iab_languages() -> frozenset[str]:
    """The IAB codes of the imported translations (purposes-<code>.json)."""
    return cache.get("iab-languages", None, catalogue.translated_languages)


def current_snapshot(language: str = "en") -> GvlSnapshot:
    """The newest GVL with texts in the site language `language` (the IAB's file for it; English
    where none was imported)."""
    code = iab_code(language)
    latest = cache.get("current-gvl", code, lambda: catalogue.current_gvl(code))
    if latest is None:
        raise ApiError(
            503,
            "gvl_missing",
            "No Global Vendor List has been imported yet; run `manage.py load_bundled_catalogue`.",
        )
    return latest


def snapshot_for(vendor_list_version: int, language: str = "en") -> GvlSnapshot:
    """The GVL version a record was given under. Raises GvlVersion.DoesNotExist if it is gone."""
    code = iab_code(language)
    return cache.get(
        "gvl-snapshot",
        (vendor_list_version, code),
        lambda: catalogue.gvl_snapshot(vendor_list_version, code),
    )


def disclosed_vendor_ids(snapshot: GvlSnapshot, all_vendors: bool, chosen: frozenset[int]) -> frozenset[int]:
    """The vendors disclosed under `snapshot` by a site that lists `chosen` or takes them all."""
    active = frozenset(snapshot.active_vendor_ids())
    picked = active if all_vendors else chosen & active
    disabled = frozenset(Vendor.objects.filter(enabled=False).values_list("id", flat=True))
    return picked - disabled


def _ids_for_site(site: Site, snapshot: GvlSnapshot) -> tuple[frozenset[int], frozenset[int]]:
    chosen = frozenset() if site.enable_all_vendors else frozenset(site.vendors.values_list("id", flat=True))
    vendor_ids = disclosed_vendor_ids(snapshot, site.enable_all_vendors, chosen)
    atps = catalogue.enabled_atps()
    if not site.enable_all_atps:
        atps = atps.filter(pk__in=site.google_atps.values("pk"))
    atp_ids = frozenset(atps.values_list("id", flat=True))
    return vendor_ids, atp_ids


def site_catalogue(site: Site, snapshot: GvlSnapshot) -> SiteCatalogue:
    key = (site.pk, snapshot.vendor_list_version, snapshot.language)
    return cache.get("site-catalogue", key, lambda: _build_site_catalogue(site, snapshot))


def _build_site_catalogue(site: Site, snapshot: GvlSnapshot) -> SiteCatalogue:
    vendor_ids, atp_ids = _ids_for_site(site, snapshot)
    restrictions = tc_restrictions(site, vendor_ids)
    # A restriction can move a flexible purpose to the other legal basis, which that vendor's
    # consent or LI bit must then be able to carry.
    required = {
        (vendor_id, r.restriction_type)
        for r in restrictions
        if r.restriction_type in (REQUIRE_CONSENT, REQUIRE_LI)
        for vendor_id in r.vendor_ids
    }
    consent_ids = set()
    li_ids = set()
    for vendor_id in vendor_ids:
        vendor = snapshot.vendors[vendor_id]
        if vendor.purposes or (vendor_id, REQUIRE_CONSENT) in required:
            consent_ids.add(vendor_id)
        if vendor.leg_int_purposes - NO_LI_PURPOSES or (vendor_id, REQUIRE_LI) in required:
            li_ids.add(vendor_id)
    custom_consent, custom_li = custom_purpose_ids(site)
    return SiteCatalogue(
        snapshot=snapshot,
        disclosed_vendor_ids=vendor_ids,
        consent_vendor_ids=frozenset(consent_ids),
        li_vendor_ids=frozenset(li_ids),
        atp_ids=atp_ids,
        vendors_hash=vendors_hash(vendor_ids),
        restrictions=restrictions,
        publisher_consent_purposes=frozenset(site.publisher_consent_purposes) & frozenset(snapshot.purposes),
        publisher_li_purposes=(frozenset(site.publisher_li_purposes) & frozenset(snapshot.purposes))
        - NO_LI_PURPOSES,
        custom_consent_purposes=custom_consent,
        custom_li_purposes=custom_li,
    )

"""The banner's configuration documents: the small first-layer one, the preferences' one fetched when
they open, and the vendor detail fetched with the Vendors tab.

All three are pure functions of (site configuration, GVL version, language), so they are kept in the
configuration cache (infra/config.py) under (kind, site, language), and their ETag is a hash of the
bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from infra.config import cache
from infra.json import render_json
from sites.disclosure import NO_LI_PURPOSES, SiteCatalogue, current_snapshot, iab_languages, site_catalogue
from sites.gpp_signals import SUPPORTED_APIS, section_layouts, us_gpp_string
from sites.jurisdictions import UNKNOWN_LOCATION, Experience, Jurisdiction
from sites.languages import language_names, shown_language
from sites.models import BannerTheme, Site
from sites.restrictions import restrictions_by_vendor, with_restrictions
from sites.texts import (
    FIRST_LAYER_TEXTS,
    OWN_COOKIE_DURATION,
    builtin_wording,
    texts_for,
    translated,
    wording_language,
)
from sites.theme import logo_version, theme_css
from vendors.catalogue import GvlSnapshot, stack_json, taxon_json, vendor_counts
from vendors.device_storage import disclosures_for
from vendors.models import GoogleAtp

#: Parts of the banner document that apps above `sites` contribute, by key:
#: builder(site, catalogue, language, jurisdiction) -> value, or None to leave the key out. consent
#: registers the strings it pre-issues for a choice the API cannot record (consent/interim.py).
DOCUMENT_PARTS: dict[str, Callable[[Site, SiteCatalogue, str, Jurisdiction], Any]] = {}


@dataclass(frozen=True)
class Document:
    body: bytes
    etag: str


def choose_language(site: Site, requested: str | None) -> str:
    """The language shown for `requested` (the visitor's preferences, best first, comma-separated):
    see sites/languages.py `shown_language`. The banner document, the record and the TC string's
    ConsentLanguage all take this one."""
    return shown_language(list(site.languages), requested, iab_languages())


def _document(payload: dict[str, Any]) -> Document:
    body = render_json(payload)
    return Document(body=body, etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"')


def _texts(site: Site, language: str) -> dict[str, str]:
    rows = {
        row.language: row.overrides()
        for row in site.texts.filter(language__in={language, site.default_language})
    }
    return texts_for(language, site.default_language, rows.get(language), rows.get(site.default_language))


def _categories(site: Site, language: str) -> list[dict[str, Any]]:
    """The categories and their cookies in `language`, item by item: the site's translation row for
    it, else the built-in wording in `language` where the site kept it, else the site's own
    (default-language) wording."""
    default = site.default_language
    own_duration = {
        translated(OWN_COOKIE_DURATION, code).format(days=site.consent_lifetime_days)
        for code in ("en", default)
    }

    def local(text: str) -> str:
        return builtin_wording(text, language, default) if text else text

    result = []
    categories = site.categories.order_by("position", "id").prefetch_related("texts", "cookies__texts")
    for category in categories:
        row = next((t for t in category.texts.all() if t.language == language), None)
        cookies = []
        for cookie in category.cookies.all():
            cookie_row = next((t for t in cookie.texts.all() if t.language == language), None)
            duration = cookie.duration
            if duration in own_duration:
                duration = translated(OWN_COOKIE_DURATION, wording_language(language, default)).format(
                    days=site.consent_lifetime_days
                )
            cookies.append(
                {
                    "name": cookie.name,
                    "is_pattern": cookie.is_pattern,
                    "domain": cookie.domain,
                    "duration": (cookie_row and cookie_row.duration) or duration,
                    "description": (cookie_row and cookie_row.description) or local(cookie.description),
                    "provider": cookie.provider,
                }
            )
        result.append(
            {
                "slug": category.slug,
                "name": (row and row.name) or local(category.name),
                "description": (row and row.description) or local(category.description),
                "always_active": category.always_active,
                "cookies": cookies,
            }
        )
    return result


def consent_requirements(site: Site, catalogue: SiteCatalogue) -> dict[str, Any]:
    """What a stored choice must have been given under to stay current (else the banner asks
    again), and `stamp`, a digest of it: the banner revalidates the stamp on every page view of a
    return visit and fetches the banner document under it (`&v=`), so a cached document can never
    hide a change (docs/BANNER.md, "Return visits")."""
    requirements: dict[str, Any] = {
        "policy_version": site.policy_version,
        "tcf_policy_version": catalogue.tcf_policy_version,
        "vendors_hash": catalogue.vendors_hash,
    }
    line = "|".join(str(requirements[k]) for k in ("policy_version", "tcf_policy_version", "vendors_hash"))
    return {**requirements, "stamp": hashlib.sha256(line.encode()).hexdigest()[:16]}


def jurisdiction_payload(jurisdiction: Jurisdiction) -> dict[str, Any]:
    """What the banner needs to know of the visitor's law. The region itself is left out: documents
    are shared by every region with the same experience (the consent POST finds the region again)."""
    payload = jurisdiction.as_json()
    del payload["region"]
    payload["gpp_supported_apis"] = list(SUPPORTED_APIS)
    if jurisdiction.experience == Experience.US_OPT_OUT:
        payload["gpp_layouts"] = section_layouts(jurisdiction.gpp_sections)
        # The string before any choice: notices given, nothing opted out. GPC is applied by the
        # banner's opt-out, which the server records (consent/services/recording.py).
        payload["gpp_string"] = us_gpp_string(
            jurisdiction.gpp_sections, opted_out=False, limited=False, gpc=False
        )
    return payload


def theme_of(site: Site) -> BannerTheme:
    """The site's theme, or the defaults for a site that never chose one."""
    return BannerTheme.objects.filter(site=site).first() or BannerTheme(site=site)


def theme_payload(site: Site, theme: BannerTheme) -> dict[str, Any]:
    logo = bytes(theme.logo or b"")
    return {
        "css": theme_css(theme),
        "position": theme.position,
        "color_scheme": theme.color_scheme,
        "logo_url": reverse("sites:logo", args=[site.key]) + f"?v={logo_version(logo)}" if logo else "",
    }


def _taxa(
    snapshot: GvlSnapshot, section: str, counts: Callable[[int], dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """One section of the taxonomy in the snapshot's language; an entry the IAB has not translated
    carries `"lang": "en"`, so the banner marks it as English rather than pass it off as a
    translation."""
    entries = []
    for item_id, taxon in sorted(getattr(snapshot, section).items()):
        entry = stack_json(taxon) if section == "stacks" else taxon_json(taxon)
        if snapshot.english_only(section, item_id):
            entry["lang"] = "en"
        entries.append({**entry, **(counts(item_id) if counts else {})})
    return entries


def first_layer_stacks(snapshot: GvlSnapshot, purposes: set[int], special_features: set[int]) -> list[int]:
    """The stacks that name `purposes` and `special_features` on the first layer: the largest first,
    each made only of what is used and sharing nothing with one already taken (TCF policy: a purpose
    or special feature is presented in one stack at most). What no stack covers is named on its own."""
    covered: set[tuple[str, int]] = set()
    chosen = []
    for stack in sorted(
        snapshot.stacks.values(), key=lambda s: (-(len(s.purposes) + len(s.special_features)), s.id)
    ):
        parts = {("p", pid) for pid in stack.purposes} | {("sf", sid) for sid in stack.special_features}
        fits = set(stack.purposes) <= purposes and set(stack.special_features) <= special_features
        if len(parts) > 1 and fits and not parts & covered:
            chosen.append(stack.id)
            covered |= parts
    return sorted(chosen)


def first_layer(
    site: Site, snapshot: GvlSnapshot, catalogue: SiteCatalogue, counts: dict[str, Any]
) -> dict[str, list[int]]:
    """What the first layer names, by id (the names come with the purposes, special features and
    stacks of the same document, in its language): every purpose a disclosed vendor or the publisher
    uses and every special feature a disclosed vendor uses, grouped into stacks where the site
    chose so."""
    purposes = {
        pid
        for pid, count in counts["purposes"].items()
        if pid in snapshot.purposes and (count["consent"] or count["legitimate_interest"])
    }
    purposes |= (catalogue.publisher_consent_purposes | catalogue.publisher_li_purposes) & set(
        snapshot.purposes
    )
    special_features = {
        sid
        for sid, count in counts["special_features"].items()
        if count["consent"] and sid in snapshot.special_features
    }
    stacks = first_layer_stacks(snapshot, purposes, special_features) if site.first_layer_stacks else []
    for stack_id in stacks:
        purposes -= set(snapshot.stacks[stack_id].purposes)
        special_features -= set(snapshot.stacks[stack_id].special_features)
    return {"stacks": stacks, "purposes": sorted(purposes), "special_features": sorted(special_features)}


def standard_texts(snapshot: GvlSnapshot) -> dict[str, dict[str, str]]:
    """TCF v2.4: the explanation the preferences must show with each section (only `features` so
    far), in the language shown or, item by item, the version's English (marked `"lang": "en"`)."""
    return {
        section: {"text": text} | ({"lang": "en"} if snapshot.english_only("standard_texts", section) else {})
        for section, text in sorted(snapshot.standard_texts.items())
    }


def _named(entries: list[dict[str, Any]], ids: list[int]) -> list[dict[str, Any]]:
    """The first layer's view of taxonomy entries: the name (and its `lang` mark) of those it shows."""
    wanted = set(ids)
    return [{k: e[k] for k in ("id", "name", "lang") if k in e} for e in entries if e["id"] in wanted]


def banner_payload(
    site: Site,
    snapshot: GvlSnapshot,
    catalogue: SiteCatalogue,
    language: str,
    jurisdiction: Jurisdiction | None = None,
) -> dict[str, Any]:
    """The first layer's document: what every first page view loads, so only what the first layer
    shows or a choice on it needs. The preferences read `preferences_url` (preferences_payload) when
    they open; docs/BANNER.md, "First load"."""
    jurisdiction = jurisdiction or UNKNOWN_LOCATION
    disclosed = catalogue.disclosed_vendor_ids
    shown = first_layer(site, snapshot, catalogue, vendor_counts(snapshot, disclosed))
    requirements = consent_requirements(site, catalogue)
    return {
        "site": {
            "key": site.key,
            "name": site.name,
            "cookie_domain": site.cookie_domain,
            "consent_lifetime_days": site.consent_lifetime_days,
            "privacy_policy_url": site.privacy_policy_url,
            "policy_version": site.policy_version,
            "languages": language_names(site.languages),
            "language": language,
            "block_page_until_choice": site.block_page_until_choice,
        },
        "cmp": {
            "cmp_id": settings.CMP_ID,
            "cmp_version": settings.CMP_VERSION,
            "gvl_version": snapshot.vendor_list_version,
            "tcf_policy_version": snapshot.tcf_policy_version,
            "gdpr_applies": jurisdiction.gdpr_applies,
            "publisher_cc": site.publisher_country_code,
            "purpose_one_treatment": site.purpose_one_treatment,
        },
        "consent_requirements": requirements,
        "jurisdiction": jurisdiction_payload(jurisdiction),
        "texts": {key: text for key, text in _texts(site, language).items() if key in FIRST_LAYER_TEXTS},
        # A choice made on the first layer is kept per category (Consent Mode, script gating).
        "categories": [
            {"slug": category.slug, "always_active": category.always_active}
            for category in site.categories.order_by("position", "id")
        ],
        "purposes": _named(_taxa(snapshot, "purposes"), shown["purposes"]),
        "special_features": _named(_taxa(snapshot, "special_features"), shown["special_features"]),
        "stacks": _named(_taxa(snapshot, "stacks"), shown["stacks"]),
        "first_layer": shown,
        "vendor_count": len(disclosed),
        "atp_count": len(catalogue.atp_ids),
        "preferences_url": reverse("sites:preferences", args=[site.key])
        + f"?lang={language}&v={requirements['stamp']}",
        "vendors_url": reverse("sites:vendors", args=[site.key]) + f"?lang={language}",
        "consents_url": reverse("consent:consents", args=[site.key]),
        "theme": theme_payload(site, theme_of(site)),
    } | {
        key: part
        for key, build in DOCUMENT_PARTS.items()
        if (part := build(site, catalogue, language, jurisdiction)) is not None
    }


def preferences_payload(
    site: Site, snapshot: GvlSnapshot, catalogue: SiteCatalogue, language: str
) -> dict[str, Any]:
    """What the preferences dialog adds to the first layer's document when it opens (the banner
    merges the two, these keys replacing the first layer's shorter ones): every text, the
    categories with their cookies, the whole taxonomy with descriptions, illustrations and vendor
    counts, the GVL's standard texts and the publisher's own purposes. The vendors themselves come
    later still, with the Vendors tab (vendors_payload)."""
    disclosed = catalogue.disclosed_vendor_ids
    counts = vendor_counts(snapshot, disclosed)
    special_purpose_counts = dict.fromkeys(snapshot.special_purposes, 0)
    feature_counts = dict.fromkeys(snapshot.features, 0)
    for vendor_id in disclosed:
        vendor = snapshot.vendors[vendor_id]
        for sid in vendor.special_purposes:
            special_purpose_counts[sid] = special_purpose_counts.get(sid, 0) + 1
        for fid in vendor.features:
            feature_counts[fid] = feature_counts.get(fid, 0) + 1

    def purpose_counts(pid: int) -> dict[str, Any]:
        count = counts["purposes"].get(pid, {"consent": 0, "legitimate_interest": 0})
        return {
            "consent_vendors": count["consent"],
            "li_vendors": count["legitimate_interest"] if pid not in NO_LI_PURPOSES else 0,
            "li_allowed": pid not in NO_LI_PURPOSES,
        }

    return {
        "texts": _texts(site, language),
        "categories": _categories(site, language),
        "purposes": _taxa(snapshot, "purposes", purpose_counts),
        "special_purposes": _taxa(
            snapshot, "special_purposes", lambda i: {"vendors": special_purpose_counts.get(i, 0)}
        ),
        "features": _taxa(snapshot, "features", lambda i: {"vendors": feature_counts.get(i, 0)}),
        "special_features": _taxa(
            snapshot,
            "special_features",
            lambda i: {"consent_vendors": counts["special_features"].get(i, {}).get("consent", 0)},
        ),
        # Beside the features: the Purposes & Features tab reads this document, not the vendors'.
        "standard_texts": standard_texts(snapshot),
        # What the publisher itself pursues (PublisherTC), so that the preferences can name it.
        "publisher": {
            "consent_purposes": sorted(catalogue.publisher_consent_purposes),
            "li_purposes": sorted(catalogue.publisher_li_purposes),
            "custom_purposes": [
                {"id": c.number, "name": c.name, "description": c.description, "legal_basis": c.legal_basis}
                for c in site.custom_purposes.all()
            ],
        },
    }


def vendors_payload(
    site: Site, snapshot: GvlSnapshot, catalogue: SiteCatalogue, language: str
) -> dict[str, Any]:
    vendors = []
    restricted = restrictions_by_vendor(catalogue.restrictions)
    # Fetched by the server (vendors/device_storage.py): the banner never asks the vendors itself.
    storage = disclosures_for(
        {vid: snapshot.vendors[vid].device_storage_disclosure_url for vid in catalogue.disclosed_vendor_ids}
    )
    for vendor_id in sorted(catalogue.disclosed_vendor_ids):
        vendor = snapshot.vendors[vendor_id]
        urls = vendor.urls_for(language)
        vendors.append(
            {
                **with_restrictions(vendor.declarations_json(), restricted.get(vendor_id, {})),
                "privacy_url": urls.get("privacy", ""),
                "legint_claim_url": urls.get("legIntClaim", ""),
                **({"device_storage": storage[vendor_id]} if vendor_id in storage else {}),
            }
        )
    atps = GoogleAtp.objects.filter(pk__in=catalogue.atp_ids).order_by("name", "id")
    return {
        "vendors": vendors,
        "standard_texts": standard_texts(snapshot),
        "data_categories": [
            {"id": t.id, "name": t.name, "description": t.description}
            | ({"lang": "en"} if snapshot.english_only("data_categories", t.id) else {})
            for _, t in sorted(snapshot.data_categories.items())
        ],
        "atps": [{"id": atp.id, "name": atp.name, "policy_url": atp.policy_url} for atp in atps],
    }


def _cached(kind: str, site: Site, language: str, builder: Any, *extra: Any) -> Document:
    def build() -> Document:
        snapshot = current_snapshot(language)
        return _document(builder(site, snapshot, site_catalogue(site, snapshot), language, *extra))

    return cache.get(f"banner-{kind}", (site.pk, language, *extra), build)


def banner_document(site: Site, language: str, jurisdiction: Jurisdiction | None = None) -> Document:
    """The first document for a visitor under `jurisdiction` (its region aside: see
    jurisdiction_payload); without one, the opt-in banner of a visitor whose region is unknown."""
    jurisdiction = jurisdiction or UNKNOWN_LOCATION
    # Kept per UTC day as well: the pre-issued strings it carries (DOCUMENT_PARTS) are dated by day,
    # like every TC string, and must not be older than the click that uses them.
    today = timezone.now().astimezone(UTC).date()
    return _cached("banner", site, language, _dated_banner_payload, jurisdiction.without_region(), today)


def _dated_banner_payload(
    site: Site,
    snapshot: GvlSnapshot,
    catalogue: SiteCatalogue,
    language: str,
    jurisdiction: Jurisdiction,
    _day: Any,
) -> dict[str, Any]:
    return banner_payload(site, snapshot, catalogue, language, jurisdiction)


def _requirements_payload(
    site: Site, _snapshot: GvlSnapshot, catalogue: SiteCatalogue, _language: str
) -> dict[str, Any]:
    return consent_requirements(site, catalogue)


def requirements_document(site: Site, language: str) -> Document:
    """The small document a return visit revalidates on every page view: the banner document's
    `consent_requirements` for the same language."""
    return _cached("requirements", site, language, _requirements_payload)


def preferences_document(site: Site, language: str) -> Document:
    return _cached("preferences", site, language, preferences_payload)


def vendors_document(site: Site, language: str) -> Document:
    return _cached("vendors", site, language, vendors_payload)

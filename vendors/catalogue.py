"""Read API of the vendor catalogue for the rest of the product (no writes here).

A `GvlSnapshot` is one imported GVL version, rebuilt from its stored raw document, with the taxonomy
texts in one language. Versions never change once imported, so snapshots are cached in-process;
the cache key includes the document hash and the translation's import time, so a re-imported
translation (or a test database rolled back and refilled) is never served stale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from vendors.gvl_format import GvlTaxonomy, GvlVendor, Stack, Taxon, parse_gvl, parse_stored_translation
from vendors.models import GoogleAtp, GvlTranslation, GvlVersion, Vendor

__all__ = [
    "GvlSnapshot",
    "GvlVendor",
    "Stack",
    "Taxon",
    "clear_snapshot_cache",
    "current_gvl",
    "enabled_atps",
    "enabled_vendor_ids",
    "gvl_snapshot",
    "stack_json",
    "taxon_json",
    "translated_languages",
    "vendor_counts",
]

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True, eq=False, kw_only=True)
class GvlSnapshot(GvlTaxonomy):
    """A GVL version's taxonomy (the fields of GvlTaxonomy, in `language` where translated) with
    its vendors."""

    vendor_list_version: int
    tcf_policy_version: int
    last_updated: datetime
    language: str
    # Every vendor of the version, deleted ones included (a TC string may still name them).
    vendors: dict[int, GvlVendor]
    gvl_specification_version: int = 3
    # (section, id) of the entries the translation lacks, so shown in the version's English text,
    # e.g. ("special_purposes", 3), ("stacks", 42) or ("standard_texts", "features"). Empty in English.
    untranslated: frozenset[tuple[str, int | str]] = frozenset()
    # Top-level keys of the GVL document this product does not know, as published.
    extra: dict[str, Any] = field(default_factory=dict)

    def english_only(self, section: str, item_id: int | str) -> bool:
        return (section, item_id) in self.untranslated

    def active_vendor_ids(self) -> frozenset[int]:
        return frozenset(vid for vid, vendor in self.vendors.items() if vendor.is_active)


# A snapshot of ~1,000 vendors takes a few MB; keep the few (version, language) pairs in use.
MAX_CACHED_SNAPSHOTS = 16
_cache: OrderedDict[tuple[str, str, str], GvlSnapshot] = OrderedDict()
_cache_lock = threading.Lock()


def clear_snapshot_cache() -> None:
    with _cache_lock:
        _cache.clear()


def translated_languages() -> frozenset[str]:
    """IAB codes of the languages with an imported translation (English is the GVL's own)."""
    return frozenset(GvlTranslation.objects.values_list("language", flat=True))


def current_gvl(language: str = DEFAULT_LANGUAGE) -> GvlSnapshot | None:
    """The newest imported GVL version, or None when nothing has been imported yet."""
    newest = GvlVersion.objects.order_by("-vendor_list_version").values_list("vendor_list_version", flat=True)
    version = newest.first()
    if version is None:
        return None
    return gvl_snapshot(version, language)


def gvl_snapshot(vendor_list_version: int, language: str = DEFAULT_LANGUAGE) -> GvlSnapshot:
    """Any imported version. Raises `GvlVersion.DoesNotExist` if that version was never imported.

    Texts come from the purposes-<language>.json translation where one was imported, entry by
    entry, falling back to the version's own English text (e.g. special purpose 3 is missing from
    translations made before policy 5). With no translation at all, `snapshot.language` is "en".
    """
    sha = (
        GvlVersion.objects.filter(vendor_list_version=vendor_list_version)
        .values_list("document_sha256", flat=True)
        .first()
    )
    if sha is None:
        raise GvlVersion.DoesNotExist(f"GVL version {vendor_list_version} has not been imported.")
    language = (language or DEFAULT_LANGUAGE).lower()
    translation_stamp = ""
    if language != DEFAULT_LANGUAGE:
        stamp = (
            GvlTranslation.objects.filter(language=language).values_list("document_sha256", flat=True).first()
        )
        if stamp is None:
            language = DEFAULT_LANGUAGE
        else:
            translation_stamp = stamp
    key = (sha, language, translation_stamp)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
    if cached is not None:
        return cached
    snapshot = _build_snapshot(vendor_list_version, language)
    with _cache_lock:
        _cache[key] = snapshot
        while len(_cache) > MAX_CACHED_SNAPSHOTS:
            _cache.popitem(last=False)
    return snapshot


def _build_snapshot(vendor_list_version: int, language: str) -> GvlSnapshot:
    document = GvlVersion.objects.values_list("document", flat=True).get(
        vendor_list_version=vendor_list_version
    )
    parsed = parse_gvl(document)
    taxonomy = parsed.taxonomy
    untranslated: frozenset[tuple[str, int | str]] = frozenset()
    if language != DEFAULT_LANGUAGE:
        translation_document = GvlTranslation.objects.values_list("document", flat=True).get(
            language=language
        )
        translated = parse_stored_translation(translation_document).taxonomy
        untranslated = missing_translations(taxonomy, translated)
        taxonomy = _overlay(taxonomy, translated)
    return GvlSnapshot(
        **{section.name: getattr(taxonomy, section.name) for section in fields(GvlTaxonomy)},
        vendor_list_version=parsed.vendor_list_version,
        tcf_policy_version=parsed.tcf_policy_version,
        last_updated=parsed.last_updated,
        language=language,
        vendors=parsed.vendors,
        gvl_specification_version=parsed.gvl_specification_version,
        untranslated=untranslated,
        extra=parsed.extra,
    )


TAXONOMY_SECTIONS = (
    "purposes",
    "special_purposes",
    "features",
    "special_features",
    "stacks",
    "data_categories",
)


def missing_translations(base: GvlTaxonomy, translated: GvlTaxonomy) -> frozenset[tuple[str, int | str]]:
    """(section, id) of the entries of `base` that `translated` has no text for."""
    entries: set[tuple[str, int | str]] = {
        (section, item_id)
        for section in TAXONOMY_SECTIONS
        for item_id in getattr(base, section)
        if item_id not in getattr(translated, section)
    }
    entries |= {("standard_texts", key) for key in base.standard_texts.keys() - translated.standard_texts}
    return frozenset(entries)


def _overlay(base: GvlTaxonomy, translated: GvlTaxonomy) -> GvlTaxonomy:
    """Translated texts for the ids the version has; ids, stack composition and the id set stay the
    version's own (a translation file may be older or newer than the GVL version)."""

    def texts(own: dict[int, Taxon], other: dict[int, Taxon]) -> dict[int, Taxon]:
        return {
            tid: replace(
                taxon,
                name=other[tid].name,
                description=other[tid].description,
                illustrations=other[tid].illustrations,
            )
            if tid in other
            else taxon
            for tid, taxon in own.items()
        }

    stacks = {
        sid: replace(stack, name=translated.stacks[sid].name, description=translated.stacks[sid].description)
        if sid in translated.stacks
        else stack
        for sid, stack in base.stacks.items()
    }
    return GvlTaxonomy(
        purposes=texts(base.purposes, translated.purposes),
        special_purposes=texts(base.special_purposes, translated.special_purposes),
        features=texts(base.features, translated.features),
        special_features=texts(base.special_features, translated.special_features),
        stacks=stacks,
        data_categories=texts(base.data_categories, translated.data_categories),
        # Item by item, like the entries: a translation made before v169 has none of them, and a
        # section the version does not explain is not explained in any language.
        standard_texts={
            key: translated.standard_texts.get(key, text) for key, text in base.standard_texts.items()
        },
    )


# The one JSON shape of a taxonomy entry and of a stack (the GVL API and the banner documents).


def taxon_json(taxon: Taxon) -> dict[str, Any]:
    return {
        "id": taxon.id,
        "name": taxon.name,
        "description": taxon.description,
        "illustrations": list(taxon.illustrations),
    }


def stack_json(stack: Stack) -> dict[str, Any]:
    return {
        "id": stack.id,
        "name": stack.name,
        "description": stack.description,
        "purposes": list(stack.purposes),
        "special_features": list(stack.special_features),
    }


def vendor_counts(snapshot: GvlSnapshot, vendor_ids: Iterable[int]) -> dict[str, dict[int, dict[str, int]]]:
    """Per purpose and special feature, how many of `vendor_ids` seek consent and how many rely on
    legitimate interest (the banner's "Number of Vendors seeking consent: n").

    Ids that are not in the snapshot, or whose vendor has a deletedDate, are not counted: such
    vendors must no longer be disclosed. Special features have no legitimate-interest basis, so
    their `legitimate_interest` is always 0.
    """
    purposes = {pid: {"consent": 0, "legitimate_interest": 0} for pid in snapshot.purposes}
    special_features = {sid: {"consent": 0, "legitimate_interest": 0} for sid in snapshot.special_features}
    for vendor_id in set(vendor_ids):
        vendor = snapshot.vendors.get(vendor_id)
        if vendor is None or not vendor.is_active:
            continue
        for pid in vendor.purposes:
            purposes.setdefault(pid, {"consent": 0, "legitimate_interest": 0})["consent"] += 1
        for pid in vendor.leg_int_purposes:
            purposes.setdefault(pid, {"consent": 0, "legitimate_interest": 0})["legitimate_interest"] += 1
        for sid in vendor.special_features:
            special_features.setdefault(sid, {"consent": 0, "legitimate_interest": 0})["consent"] += 1
    return {"purposes": purposes, "special_features": special_features}


def enabled_vendor_ids(snapshot: GvlSnapshot) -> frozenset[int]:
    """Active vendors of `snapshot` that the admin has not disabled."""
    disabled = set(Vendor.objects.filter(enabled=False).values_list("id", flat=True))
    return frozenset(vid for vid in snapshot.active_vendor_ids() if vid not in disabled)


def enabled_atps() -> QuerySet[GoogleAtp]:
    """Google Ad Tech Providers on the latest list that the admin has not disabled."""
    return GoogleAtp.objects.filter(enabled=True, removed_at__isnull=True).order_by("id")

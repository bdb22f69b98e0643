"""Writes the catalogue: GVL versions, their translations and Google's Ad Tech Provider list.

Each import parses the whole document first (so a malformed file changes nothing), then writes in
one transaction with a handful of bulk queries. Importing a version that is already stored with the
same content is a no-op, so the weekly refresh may run as often as it likes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from vendors.atp_format import AtpRecord, parse_atp_csv
from vendors.gvl_format import (
    GvlFormatError,
    GvlTaxonomy,
    GvlVendor,
    ParsedGvl,
    ParsedTranslation,
    parse_gvl,
    parse_translation,
    parse_translation_bundle,
)
from vendors.models import (
    DataCategory,
    Feature,
    GoogleAtp,
    GvlTranslation,
    GvlVersion,
    Purpose,
    SpecialFeature,
    SpecialPurpose,
    Stack,
    Taxon,
    Vendor,
)
from vendors.signals import gvl_imported

IMPORTED_VENDOR_FIELDS = [
    "name",
    "purposes",
    "leg_int_purposes",
    "flexible_purposes",
    "special_purposes",
    "features",
    "special_features",
    "data_declaration",
    "data_retention",
    "urls",
    "uses_cookies",
    "cookie_max_age_seconds",
    "cookie_refresh",
    "uses_non_cookie_access",
    "device_storage_disclosure_url",
    "overflow",
    "deleted_date",
    "last_version",
    "updated_at",
]
IMPORTED_ATP_FIELDS = ["name", "policy_url", "domains", "updated_at", "removed_at"]
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


class GvlImportError(ValueError):
    """The document is well-formed but cannot be imported (e.g. a version clash)."""


@dataclass
class GvlImportReport:
    vendor_list_version: int
    tcf_policy_version: int
    already_imported: bool = False
    # The version this one was compared with: the newest stored version below it, if any.
    previous_version: int | None = None
    # True when this is now the newest version, so `Vendor` rows and English texts follow it.
    is_newest: bool = True
    vendor_count: int = 0
    active_vendor_count: int = 0
    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    newly_deleted: list[int] = field(default_factory=list)

    def summary(self) -> str:
        if self.already_imported:
            return f"GVL v{self.vendor_list_version} was already imported; nothing changed."
        against = f" compared with v{self.previous_version}" if self.previous_version else ""
        return (
            f"Imported GVL v{self.vendor_list_version} (policy {self.tcf_policy_version}): "
            f"{self.vendor_count} vendors, {self.active_vendor_count} without deletedDate; "
            f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed, "
            f"{len(self.newly_deleted)} newly deleted{against}."
        )


@dataclass
class TranslationImportReport:
    language: str
    vendor_list_version: int | None
    already_imported: bool = False
    # A bundle never replaces the texts of a purposes-xx.json file, which names its version.
    kept_versioned_file: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        version = f"v{self.vendor_list_version}" if self.vendor_list_version else "from a bundle"
        if self.kept_versioned_file:
            return f"Translation {self.language} kept: a purposes-{self.language}.json file was imported."
        if self.already_imported:
            return f"Translation {self.language} ({version}) was already imported."
        parts = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        return f"Imported the {self.language} translation ({version}): {parts}."


@dataclass
class AtpImportReport:
    provider_count: int
    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    restored: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Imported {self.provider_count} Google Ad Tech Providers: {len(self.added)} added, "
            f"{len(self.removed)} removed, {len(self.changed)} changed, "
            f"{len(self.restored)} back on the list."
        )


def document_sha256(document: Mapping[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def compare_vendors(old: Mapping[int, GvlVendor], new: Mapping[int, GvlVendor]) -> dict[str, list[int]]:
    """What changed between two versions' vendor maps (ids sorted)."""
    common = old.keys() & new.keys()
    return {
        "added": sorted(new.keys() - old.keys()),
        "removed": sorted(old.keys() - new.keys()),
        "changed": sorted(vid for vid in common if old[vid] != new[vid]),
        "newly_deleted": sorted(vid for vid in common if new[vid].deleted_date and not old[vid].deleted_date),
    }


def import_gvl(raw: bytes | str | Mapping[str, Any], source: str = "") -> GvlImportReport:
    """Import one GVL v3 document. Raises GvlFormatError / GvlImportError and then writes nothing."""
    parsed = parse_gvl(raw)
    sha = document_sha256(parsed.document)
    version = parsed.vendor_list_version
    report = GvlImportReport(
        vendor_list_version=version,
        tcf_policy_version=parsed.tcf_policy_version,
        vendor_count=len(parsed.vendors),
        active_vendor_count=len(parsed.active_vendor_ids()),
    )
    try:
        stored = _store_gvl(parsed, sha, report, source)
    except IntegrityError:
        # Another worker stored the same version between our check and our insert.
        if GvlVersion.objects.filter(vendor_list_version=version, document_sha256=sha).exists():
            report.already_imported = True
            return report
        raise
    if not stored.already_imported:
        transaction.on_commit(lambda: gvl_imported.send(sender=GvlVersion, report=stored))
    return stored


def _store_gvl(parsed: ParsedGvl, sha: str, report: GvlImportReport, source: str) -> GvlImportReport:
    version = parsed.vendor_list_version
    with transaction.atomic():
        stored_sha = (
            GvlVersion.objects.select_for_update()
            .filter(vendor_list_version=version)
            .values_list("document_sha256", flat=True)
            .first()
        )
        if stored_sha is not None:
            if stored_sha != sha:
                raise GvlImportError(
                    f"GVL v{version} is already imported with different content. Published versions "
                    f"never change, so this file is not an IAB release of v{version}; nothing was imported."
                )
            report.already_imported = True
            return report

        previous = (
            GvlVersion.objects.filter(vendor_list_version__lt=version)
            .order_by("-vendor_list_version")
            .values_list("vendor_list_version", "document")
            .first()
        )
        if previous is not None:
            report.previous_version = previous[0]
            differences = compare_vendors(parse_gvl(previous[1]).vendors, parsed.vendors)
            report.added = differences["added"]
            report.removed = differences["removed"]
            report.changed = differences["changed"]
            report.newly_deleted = differences["newly_deleted"]
        else:
            report.added = sorted(parsed.vendors)
        report.is_newest = not GvlVersion.objects.filter(vendor_list_version__gt=version).exists()

        GvlVersion.objects.create(
            vendor_list_version=version,
            tcf_policy_version=parsed.tcf_policy_version,
            gvl_specification_version=parsed.gvl_specification_version,
            last_updated=parsed.last_updated,
            document=parsed.document,
            document_sha256=sha,
            vendor_count=report.vendor_count,
            active_vendor_count=report.active_vendor_count,
            source=source[:1000],
        )
        _store_vendors(parsed.vendors, version, report.is_newest)
        if report.is_newest:
            _store_taxonomy("en", parsed.taxonomy, version)
    return report


def _vendor_row(vendor: GvlVendor, version: int, now: Any) -> Vendor:
    return Vendor(
        id=vendor.id,
        name=vendor.name,
        purposes=sorted(vendor.purposes),
        leg_int_purposes=sorted(vendor.leg_int_purposes),
        flexible_purposes=sorted(vendor.flexible_purposes),
        special_purposes=sorted(vendor.special_purposes),
        features=sorted(vendor.features),
        special_features=sorted(vendor.special_features),
        data_declaration=sorted(vendor.data_declaration),
        data_retention=dict(vendor.data_retention),
        urls=[dict(url) for url in vendor.urls],
        uses_cookies=vendor.uses_cookies,
        cookie_max_age_seconds=vendor.cookie_max_age_seconds,
        cookie_refresh=vendor.cookie_refresh,
        uses_non_cookie_access=vendor.uses_non_cookie_access,
        device_storage_disclosure_url=vendor.device_storage_disclosure_url,
        overflow=dict(vendor.overflow) if vendor.overflow is not None else None,
        deleted_date=vendor.deleted_date,
        first_version=version,
        last_version=version,
        updated_at=now,
    )


def _store_vendors(vendors: Mapping[int, GvlVendor], version: int, is_newest: bool) -> None:
    now = timezone.now()
    rows = [_vendor_row(vendor, version, now) for vendor in vendors.values()]
    if is_newest:
        # One upsert: new vendors get the defaults for the admin's fields, existing ones keep them.
        Vendor.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["id"], update_fields=IMPORTED_VENDOR_FIELDS
        )
    else:
        # An older version imported late: the newer data stays; only vendors unknown so far are added.
        Vendor.objects.bulk_create(rows, ignore_conflicts=True)
    Vendor.objects.filter(id__in=list(vendors), first_version__gt=version).update(first_version=version)


TAXONOMY_MODELS: list[tuple[str, type[Taxon]]] = [
    ("purposes", Purpose),
    ("special_purposes", SpecialPurpose),
    ("features", Feature),
    ("special_features", SpecialFeature),
    ("data_categories", DataCategory),
    ("stacks", Stack),
]


def _store_taxonomy(language: str, taxonomy: GvlTaxonomy, version: int | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for attribute, model in TAXONOMY_MODELS:
        entries = getattr(taxonomy, attribute)
        rows = []
        for entry in entries.values():
            values: dict[str, Any] = {
                "language": language,
                "iab_id": entry.id,
                "name": entry.name,
                "description": entry.description,
                "source_version": version,
            }
            if model is Stack:
                values["purposes"] = list(entry.purposes)
                values["special_features"] = list(entry.special_features)
            else:
                values["illustrations"] = list(entry.illustrations)
            rows.append(model(**values))
        text_fields = ["purposes", "special_features"] if model is Stack else ["illustrations"]
        update_fields = ["name", "description", "source_version", *text_fields]
        model.objects.filter(language=language).exclude(iab_id__in=list(entries)).delete()
        if rows:
            model.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["language", "iab_id"],
                update_fields=update_fields,
            )
        counts[attribute] = len(rows)
    return counts


def normalise_language(language: str) -> str:
    code = (language or "").strip().lower().replace("_", "-")
    if not LANGUAGE_PATTERN.match(code):
        raise GvlImportError(f"{language!r} is not a language code like 'fr' or 'pt-br'.")
    if code == "en":
        raise GvlImportError("English texts come from the vendor list itself; import a GVL instead.")
    return code


def import_translation(
    raw: bytes | str | Mapping[str, Any], language: str, source: str = "", provenance: str = ""
) -> TranslationImportReport:
    """Import a purposes-<language>.json file into the taxonomy models for that language."""
    return _store_translation(normalise_language(language), parse_translation(raw), source, provenance)


def import_translation_bundle(
    raw: bytes | str | Mapping[str, Any],
    source: str = "",
    provenance: str = "",
    languages: Iterable[str] | None = None,
    only_missing: bool = False,
) -> list[TranslationImportReport]:
    """Import every language (or those of `languages`) of a bundle of IAB translations: Ethyca's
    fideslang `translations.json`, {section: {id: {language: entry}}}. A language that already has a
    purposes-xx.json file keeps it (the file names its GVL version and date; the bundle does not);
    with `only_missing`, so does any language already imported."""
    parsed = parse_translation_bundle(raw)
    wanted = None if languages is None else {normalise_language(code) for code in languages}
    present = set(GvlTranslation.objects.values_list("language", flat=True)) if only_missing else set()
    return [
        _store_translation(code, translation, source, provenance, replace_versioned=False)
        for code, translation in parsed.items()
        if (wanted is None or code in wanted) and code not in present
    ]


def _store_translation(
    code: str, parsed: ParsedTranslation, source: str, provenance: str, replace_versioned: bool = True
) -> TranslationImportReport:
    sha = document_sha256(parsed.document)
    report = TranslationImportReport(language=code, vendor_list_version=parsed.vendor_list_version)
    with transaction.atomic():
        existing = GvlTranslation.objects.select_for_update().filter(language=code).first()
        if existing is not None and existing.document_sha256 == sha:
            report.already_imported = True
            return report
        if existing is not None and existing.vendor_list_version is not None and not replace_versioned:
            report.kept_versioned_file = True
            return report
        GvlTranslation.objects.update_or_create(
            language=code,
            defaults={
                "vendor_list_version": parsed.vendor_list_version,
                "last_updated": parsed.last_updated,
                "document": parsed.document,
                "document_sha256": sha,
                "source": source[:1000],
                "provenance": provenance,
                "imported_at": timezone.now(),
            },
        )
        report.counts = _store_taxonomy(code, parsed.taxonomy, parsed.vendor_list_version)
    return report


def import_google_atps(raw: bytes | str, source: str = "") -> AtpImportReport:
    """Import Google's additional-consent-providers.csv. Providers missing from it are marked removed
    (kept, since consent records and AC strings may name them); providers that come back are restored."""
    records = parse_atp_csv(raw)
    if not records:
        raise GvlFormatError("The Ad Tech Provider list has no providers; refusing to mark them all removed.")
    now = timezone.now()
    report = AtpImportReport(provider_count=len(records))
    with transaction.atomic():
        existing = {atp.id: atp for atp in GoogleAtp.objects.select_for_update()}
        incoming = {record.id: record for record in records}
        report.added = sorted(incoming.keys() - existing.keys())
        report.removed = sorted(
            aid for aid, atp in existing.items() if aid not in incoming and atp.removed_at is None
        )
        report.restored = sorted(
            aid for aid in incoming.keys() & existing.keys() if existing[aid].removed_at is not None
        )
        report.changed = sorted(
            aid for aid in incoming.keys() & existing.keys() if not _same_atp(existing[aid], incoming[aid])
        )
        touched = set(report.added) | set(report.changed) | set(report.restored)
        rows = [
            GoogleAtp(
                id=record.id,
                name=record.name,
                policy_url=record.policy_url,
                domains=record.domains,
                first_seen_at=now,
                updated_at=now,
                removed_at=None,
            )
            for record in records
            if record.id in touched
        ]
        if rows:
            GoogleAtp.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["id"], update_fields=IMPORTED_ATP_FIELDS
            )
        if report.removed:
            GoogleAtp.objects.filter(id__in=report.removed).update(removed_at=now)
    return report


def _same_atp(stored: GoogleAtp, record: AtpRecord) -> bool:
    return (stored.name, stored.policy_url, stored.domains) == (
        record.name,
        record.policy_url,
        record.domains,
    )

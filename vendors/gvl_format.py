"""Pure parser for the IAB Global Vendor List v3 and its purposes-xx.json translations.

No Django here: bytes/str/dict in, frozen dataclasses out, `GvlFormatError` (a `ValueError`) with a
message naming the offending key on anything this CMP cannot use. Field names follow the GVL's
camelCase keys converted to snake_case. Every collection in the file is an object keyed by the id
as a string; the parser checks that each key matches the entry's own id.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SUPPORTED_SPECIFICATION_VERSION = 3
TAXONOMY_KEYS = ("purposes", "specialPurposes", "features", "specialFeatures", "stacks", "dataCategories")
KNOWN_LIST_KEYS = frozenset(
    {"gvlSpecificationVersion", "vendorListVersion", "tcfPolicyVersion", "lastUpdated", "vendors",
     "standardTexts", *TAXONOMY_KEYS}
)  # fmt: skip
KNOWN_VENDOR_KEYS = frozenset(
    {"id", "name", "purposes", "legIntPurposes", "flexiblePurposes", "specialPurposes", "features",
     "specialFeatures", "dataDeclaration", "dataRetention", "urls", "usesCookies", "cookieMaxAgeSeconds",
     "cookieRefresh", "usesNonCookieAccess", "deviceStorageDisclosureUrl", "overflow", "deletedDate"}
)  # fmt: skip


class GvlFormatError(ValueError):
    """The document is not a GVL v3 (or v3 translation) this CMP can import."""


@dataclass(frozen=True)
class Taxon:
    id: int
    name: str
    description: str
    illustrations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stack:
    id: int
    name: str
    description: str
    purposes: tuple[int, ...]
    special_features: tuple[int, ...]


@dataclass(frozen=True)
class GvlVendor:
    id: int
    name: str
    purposes: frozenset[int]
    leg_int_purposes: frozenset[int]
    flexible_purposes: frozenset[int]
    special_purposes: frozenset[int]
    features: frozenset[int]
    special_features: frozenset[int]
    data_declaration: frozenset[int]
    # The raw GVL shape {"stdRetention"?: days, "purposes": {id: days}, "specialPurposes": {...}},
    # kept as is because it is shown verbatim; excluded from hashing because dicts are unhashable.
    data_retention: Mapping[str, Any] = field(hash=False)
    # [{"langId", "privacy", "legIntClaim"?}, ...] as in the GVL.
    urls: tuple[Mapping[str, str], ...] = field(hash=False)
    uses_cookies: bool
    cookie_max_age_seconds: int | None
    cookie_refresh: bool
    uses_non_cookie_access: bool
    device_storage_disclosure_url: str
    overflow: Mapping[str, Any] | None = field(hash=False)
    deleted_date: datetime | None
    # Keys this parser does not know (a newer GVL's), passed on untouched by the API.
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def is_active(self) -> bool:
        return self.deleted_date is None

    def urls_for(self, language: str) -> Mapping[str, str]:
        """The vendor's privacy / LI-claim URLs in `language`, falling back to English, then the first."""
        by_language = {entry.get("langId", "").lower(): entry for entry in self.urls}
        return (
            by_language.get(language.lower()) or by_language.get("en") or (self.urls[0] if self.urls else {})
        )

    def declarations_json(self) -> dict[str, Any]:
        """What the vendor declares, JSON-ready: shared by every API that shows a vendor."""
        return {
            "id": self.id,
            "name": self.name,
            "purposes": sorted(self.purposes),
            "leg_int_purposes": sorted(self.leg_int_purposes),
            "flexible_purposes": sorted(self.flexible_purposes),
            "special_purposes": sorted(self.special_purposes),
            "features": sorted(self.features),
            "special_features": sorted(self.special_features),
            "data_declaration": sorted(self.data_declaration),
            "data_retention": dict(self.data_retention or {}),
            "uses_cookies": self.uses_cookies,
            "cookie_max_age_seconds": self.cookie_max_age_seconds,
            "cookie_refresh": self.cookie_refresh,
            "uses_non_cookie_access": self.uses_non_cookie_access,
            "device_storage_disclosure_url": self.device_storage_disclosure_url,
        }


@dataclass(frozen=True, eq=False)
class GvlTaxonomy:
    purposes: dict[int, Taxon]
    special_purposes: dict[int, Taxon]
    features: dict[int, Taxon]
    special_features: dict[int, Taxon]
    stacks: dict[int, Stack]
    data_categories: dict[int, Taxon]
    # The GVL's `standardTexts` (TCF v2.4, policy 5.0.b, GVL v169 on: one explanation per section
    # that a CMP must show with that section) under snake_case names, {"features": "..."}; empty
    # before v169.
    standard_texts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class ParsedGvl:
    gvl_specification_version: int
    vendor_list_version: int
    tcf_policy_version: int
    last_updated: datetime
    taxonomy: GvlTaxonomy
    vendors: dict[int, GvlVendor]
    document: dict[str, Any]

    @property
    def extra(self) -> dict[str, Any]:
        """Top-level keys this parser does not know, as the document has them."""
        return {key: value for key, value in self.document.items() if key not in KNOWN_LIST_KEYS}

    def active_vendor_ids(self) -> frozenset[int]:
        return frozenset(vid for vid, vendor in self.vendors.items() if vendor.is_active)


@dataclass(frozen=True, eq=False)
class ParsedTranslation:
    # None for a translation from a bundle that does not say which files it was made from.
    vendor_list_version: int | None
    last_updated: datetime | None
    taxonomy: GvlTaxonomy
    document: dict[str, Any]


def load_json(raw: bytes | str | Mapping[str, Any], what: str = "GVL file") -> dict[str, Any]:
    if isinstance(raw, Mapping):
        return dict(raw)
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise GvlFormatError(f"The {what} is not UTF-8 text (byte {exc.start}).") from None
    if not raw.strip():
        raise GvlFormatError(f"The {what} is empty.")
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as exc:
        # An unterminated string runs to the end of the text, so it is a cut-off document too.
        if exc.pos >= len(raw.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise GvlFormatError(
                f"The {what} is truncated: the JSON ends unexpectedly after {exc.pos} characters "
                f"({exc.msg}). Was the download cut off?"
            ) from None
        raise GvlFormatError(
            f"The {what} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    if not isinstance(document, dict):
        raise GvlFormatError(f"The {what} must be a JSON object, not {type(document).__name__}.")
    return document


def parse_gvl(raw: bytes | str | Mapping[str, Any]) -> ParsedGvl:
    document = load_json(raw)
    if "vendors" not in document and "gvlSpecificationVersion" not in document and "purposes" in document:
        raise GvlFormatError(
            "This looks like a purposes-xx.json translation (no vendors, no gvlSpecificationVersion); "
            "import it as the translation of its language (import_gvl --language xx)."
        )
    spec = _require(document, "gvlSpecificationVersion", int, "the vendor list")
    if spec != SUPPORTED_SPECIFICATION_VERSION:
        raise GvlFormatError(
            f"gvlSpecificationVersion is {spec}; only GVL v{SUPPORTED_SPECIFICATION_VERSION} "
            "(https://vendor-list.consensu.org/v3/vendor-list.json, TCF 2.2/2.3) is supported."
        )
    version = _positive(document, "vendorListVersion", "the vendor list")
    policy = _positive(document, "tcfPolicyVersion", "the vendor list")
    last_updated = _datetime(document, "lastUpdated", "the vendor list")
    taxonomy = _parse_taxonomy(document)
    vendors_obj = _require(document, "vendors", dict, "the vendor list")
    vendors: dict[int, GvlVendor] = {}
    for key, entry in vendors_obj.items():
        vendor = _parse_vendor(key, entry)
        _check_vendor_references(vendor, taxonomy)
        vendors[vendor.id] = vendor
    return ParsedGvl(
        gvl_specification_version=spec,
        vendor_list_version=version,
        tcf_policy_version=policy,
        last_updated=last_updated,
        taxonomy=taxonomy,
        vendors=vendors,
        document=document,
    )


def parse_translation(raw: bytes | str | Mapping[str, Any]) -> ParsedTranslation:
    document = load_json(raw, "translation file")
    if "vendors" in document:
        raise GvlFormatError(
            "This file has vendors, so it is a vendor list, not a purposes-xx.json translation."
        )
    purposes = _require(document, "purposes", dict, "the translation")
    first = next(iter(purposes.values()), None)
    if isinstance(first, dict) and ("descriptionLegal" in first or "illustrations" not in first):
        raise GvlFormatError(
            "This translation is in the old TCF v2.0 format (purposes with descriptionLegal and no "
            "illustrations, no dataCategories). Only GVL v3 translations "
            "(https://vendor-list.consensu.org/v3/purposes-xx.json) carry the TCF 2.2 texts this CMP "
            "must show."
        )
    if "dataCategories" not in document:
        raise GvlFormatError("The translation has no dataCategories, so it is not a GVL v3 translation.")
    return ParsedTranslation(
        vendor_list_version=_positive(document, "vendorListVersion", "the translation"),
        last_updated=_datetime(document, "lastUpdated", "the translation"),
        taxonomy=_parse_taxonomy(document),
        document=document,
    )


# The sections of a translation bundle (Ethyca's fideslang `gvl/translations.json`): the same
# entries as a purposes-xx.json, regrouped as {section: {id: {language: entry}}}. It has no stacks.
BUNDLE_SECTIONS = ("purposes", "specialPurposes", "features", "specialFeatures", "dataCategories")


def parse_translation_bundle(raw: bytes | str | Mapping[str, Any]) -> dict[str, ParsedTranslation]:
    """Every language of a translation bundle, each as the purposes-xx.json it was merged from
    (without stacks, versions or dates, which the bundle does not keep). English is left out: it
    comes from the vendor list itself."""
    bundle = load_json(raw, "translation bundle")
    if "vendors" in bundle or "vendorListVersion" in bundle:
        raise GvlFormatError("This is a vendor list or a purposes-xx.json file, not a translation bundle.")
    documents: dict[str, dict[str, Any]] = {}
    for section in BUNDLE_SECTIONS:
        entries = _require(bundle, section, dict, "the bundle")
        for key, by_language in entries.items():
            if not isinstance(by_language, dict):
                raise GvlFormatError(f"{section}[{key!r}] must map language codes to entries.")
            for language, entry in by_language.items():
                if language == "en":
                    continue
                document = documents.setdefault(
                    language, {**{name: {} for name in BUNDLE_SECTIONS}, "stacks": {}}
                )
                document[section][key] = entry
    if not documents:
        raise GvlFormatError("The bundle has no language other than English.")
    return {
        language: ParsedTranslation(
            vendor_list_version=None, last_updated=None, taxonomy=_parse_taxonomy(document), document=document
        )
        for language, document in sorted(documents.items())
    }


def parse_stored_translation(document: Mapping[str, Any]) -> ParsedTranslation:
    """A stored translation document: a purposes-xx.json, or one language of a bundle."""
    if "vendorListVersion" in document:
        return parse_translation(document)
    return ParsedTranslation(
        vendor_list_version=None,
        last_updated=None,
        taxonomy=_parse_taxonomy(dict(document)),
        document=dict(document),
    )


def _parse_taxonomy(document: dict[str, Any]) -> GvlTaxonomy:
    collections: dict[str, dict[str, Any]] = {}
    for key in TAXONOMY_KEYS:
        collections[key] = _require(document, key, dict, "the file")
    stacks: dict[int, Stack] = {}
    for key, entry in collections["stacks"].items():
        where = f"stacks[{key!r}]"
        stack_id = _entry_id(key, entry, where)
        stacks[stack_id] = Stack(
            id=stack_id,
            name=_require(entry, "name", str, where),
            description=_optional(entry, "description", str, where, ""),
            purposes=tuple(_id_list(entry, "purposes", where)),
            special_features=tuple(_id_list(entry, "specialFeatures", where)),
        )
    return GvlTaxonomy(
        purposes=_taxa(collections["purposes"], "purposes"),
        special_purposes=_taxa(collections["specialPurposes"], "specialPurposes"),
        features=_taxa(collections["features"], "features"),
        special_features=_taxa(collections["specialFeatures"], "specialFeatures"),
        stacks=stacks,
        data_categories=_taxa(collections["dataCategories"], "dataCategories"),
        standard_texts=_standard_texts(document),
    )


def _snake(name: str) -> str:
    return "".join("_" + char.lower() if char.isupper() else char for char in name)


def _standard_texts(document: Mapping[str, Any]) -> dict[str, str]:
    """`standardTexts` as {section: text}; a section this parser does not know is kept too (a later
    policy may add one), any non-text value is refused."""
    texts = _optional(document, "standardTexts", dict, "the file", {})
    result = {}
    for key, text in texts.items():
        if not isinstance(text, str):
            raise GvlFormatError(f"standardTexts.{key} must be a string, not {json.dumps(text)[:60]}.")
        result[_snake(key)] = text
    return result


def _taxa(collection: dict[str, Any], name: str) -> dict[int, Taxon]:
    result: dict[int, Taxon] = {}
    for key, entry in collection.items():
        where = f"{name}[{key!r}]"
        taxon_id = _entry_id(key, entry, where)
        illustrations = _optional(entry, "illustrations", list, where, [])
        if not all(isinstance(item, str) for item in illustrations):
            raise GvlFormatError(f"{where}.illustrations must be a list of strings.")
        result[taxon_id] = Taxon(
            id=taxon_id,
            name=_require(entry, "name", str, where),
            description=_optional(entry, "description", str, where, ""),
            illustrations=tuple(illustrations),
        )
    return result


def _parse_vendor(key: str, entry: Any) -> GvlVendor:
    where = f"vendors[{key!r}]"
    vendor_id = _entry_id(key, entry, where)
    retention = _optional(entry, "dataRetention", dict, where, {})
    urls = _optional(entry, "urls", list, where, [])
    if not all(isinstance(url, dict) for url in urls):
        raise GvlFormatError(f"{where}.urls must be a list of objects.")
    max_age = entry.get("cookieMaxAgeSeconds")
    if max_age is not None and (not isinstance(max_age, int) or isinstance(max_age, bool)):
        raise GvlFormatError(f"{where}.cookieMaxAgeSeconds must be a whole number or null.")
    overflow = entry.get("overflow")
    if overflow is not None and not isinstance(overflow, dict):
        raise GvlFormatError(f"{where}.overflow must be an object.")
    deleted = _datetime(entry, "deletedDate", where) if entry.get("deletedDate") is not None else None
    return GvlVendor(
        id=vendor_id,
        # The GVL carries some names HTML-escaped ("Mirando GmbH &amp; Co KG"); every reader of a
        # snapshot (the banner, the API, the admin, the TC string tools) wants the name itself.
        name=html.unescape(_require(entry, "name", str, where)),
        purposes=frozenset(_id_list(entry, "purposes", where)),
        leg_int_purposes=frozenset(_id_list(entry, "legIntPurposes", where)),
        flexible_purposes=frozenset(_id_list(entry, "flexiblePurposes", where)),
        special_purposes=frozenset(_id_list(entry, "specialPurposes", where)),
        features=frozenset(_id_list(entry, "features", where)),
        special_features=frozenset(_id_list(entry, "specialFeatures", where)),
        data_declaration=frozenset(_id_list(entry, "dataDeclaration", where)),
        data_retention=retention,
        urls=tuple(urls),
        uses_cookies=_optional(entry, "usesCookies", bool, where, False),
        cookie_max_age_seconds=max_age,
        cookie_refresh=_optional(entry, "cookieRefresh", bool, where, False),
        uses_non_cookie_access=_optional(entry, "usesNonCookieAccess", bool, where, False),
        device_storage_disclosure_url=_optional(entry, "deviceStorageDisclosureUrl", str, where, ""),
        overflow=overflow,
        deleted_date=deleted,
        extra={name: value for name, value in entry.items() if name not in KNOWN_VENDOR_KEYS},
    )


def _check_vendor_references(vendor: GvlVendor, taxonomy: GvlTaxonomy) -> None:
    """The rules of the GVL spec that the TC string and the banner rely on. (Data categories are
    only displayed, and real lists do cite unknown ones, so they are not checked.)"""
    where = f"vendors['{vendor.id}']"
    both = vendor.purposes & vendor.leg_int_purposes
    if both:
        raise GvlFormatError(
            f"{where} lists purpose(s) {sorted(both)} under both purposes and legIntPurposes."
        )
    stray = vendor.flexible_purposes - vendor.purposes - vendor.leg_int_purposes
    if stray:
        raise GvlFormatError(
            f"{where}.flexiblePurposes {sorted(stray)} are in neither purposes nor legIntPurposes."
        )
    for ids, known, name in (
        (vendor.purposes | vendor.leg_int_purposes, taxonomy.purposes, "purposes"),
        (vendor.special_purposes, taxonomy.special_purposes, "specialPurposes"),
        (vendor.features, taxonomy.features, "features"),
        (vendor.special_features, taxonomy.special_features, "specialFeatures"),
    ):
        unknown = ids - known.keys()
        if unknown:
            raise GvlFormatError(
                f"{where} refers to {name} {sorted(unknown)}, which the list does not define."
            )


def _type_name(expected: type) -> str:
    return {
        int: "a whole number",
        str: "a string",
        dict: "an object",
        list: "a list",
        bool: "true/false",
    }.get(expected, expected.__name__)


def _check_type(value: Any, expected: type, what: str) -> Any:
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if not ok:
        raise GvlFormatError(f"{what} must be {_type_name(expected)}, not {json.dumps(value)[:60]}.")
    return value


def _require(obj: Mapping[str, Any], key: str, expected: type, where: str) -> Any:
    if key not in obj:
        raise GvlFormatError(f"{where} has no {key!r}.")
    return _check_type(obj[key], expected, f"{where}.{key}")


def _optional(obj: Mapping[str, Any], key: str, expected: type, where: str, default: Any) -> Any:
    if obj.get(key) is None:
        return default
    return _check_type(obj[key], expected, f"{where}.{key}")


def _positive(obj: Mapping[str, Any], key: str, where: str) -> int:
    value: int = _require(obj, key, int, where)
    if value < 1:
        raise GvlFormatError(f"{where}.{key} must be at least 1, not {value}.")
    return value


def _datetime(obj: Mapping[str, Any], key: str, where: str) -> datetime:
    raw = _require(obj, key, str, where)
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise GvlFormatError(f"{where}.{key} is not an ISO-8601 date: {raw!r}.") from None
    if value.tzinfo is None:
        raise GvlFormatError(f"{where}.{key} has no time zone: {raw!r}.")
    return value


def _entry_id(key: str, entry: Any, where: str) -> int:
    if not isinstance(entry, dict):
        raise GvlFormatError(f"{where} must be an object.")
    entry_id: int = _require(entry, "id", int, where)
    if str(entry_id) != key:
        raise GvlFormatError(f"{where} has id {entry_id}, which does not match its key.")
    return entry_id


def _id_list(obj: Mapping[str, Any], key: str, where: str) -> list[int]:
    values: list[int] = _optional(obj, key, list, where, [])
    for value in values:
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise GvlFormatError(f"{where}.{key} must list positive whole numbers, found {value!r}.")
    return values

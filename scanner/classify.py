"""What a found cookie, storage key or host is: matched against the site's own declarations, this
CMP's own cookies, the GVL vendors' device storage disclosures and the Open Cookie Database, in that
order (a vendor's own disclosure names the vendor, which the community database does not); the
first match gives the category and says where it came from. No match: unclassified."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from scanner.browser import CMP_COOKIES
from scanner.crawl import host_matches
from scanner.models import MatchSource
from sites.models import CookieDeclaration, Site
from vendors.models import DeviceStorageDisclosure, GoogleAtp

OCD_PATH = Path(__file__).resolve().parent / "data" / "open-cookie-database.csv"

# The Open Cookie Database's categories in the banner's terms (as sites/data/demo-cookies.csv does:
# its Security rows are what keeps a site safe, strictly necessary; Marketing is advertisement).
OCD_CATEGORIES = {
    "Necessary": "necessary",
    "Security": "necessary",
    "Functional": "functional",
    "Personalization": "functional",
    "Analytics": "analytics",
    "Marketing": "advertisement",
}


@dataclass(frozen=True)
class Match:
    category: str = ""
    source: str = MatchSource.NONE
    detail: str = ""
    vendor_id: int | None = None
    declaration_id: int | None = None

    @property
    def declared(self) -> bool:
        return self.source == MatchSource.DECLARATION


UNCLASSIFIED = Match()


@dataclass(frozen=True)
class OcdRow:
    name: str
    platform: str
    category: str
    domain: str
    wildcard: bool


@cache
def open_cookie_database() -> tuple[dict[str, list[OcdRow]], list[OcdRow]]:
    """The database by exact name, and its prefix (wildcard) rows longest first. The file is part
    of the code, so it is read once per process."""
    exact: dict[str, list[OcdRow]] = {}
    prefixes: list[OcdRow] = []
    with OCD_PATH.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["Cookie / Data Key name"].strip()
            if not name:
                continue
            entry = OcdRow(
                name=name,
                platform=row["Platform"].strip(),
                category=row["Category"].strip(),
                # Some domains carry a note, e.g. "doubleclick.net (3rd party)".
                domain=row["Domain"].split(" ")[0].strip().lower(),
                wildcard=row["Wildcard match"].strip() == "1",
            )
            if entry.wildcard:
                prefixes.append(entry)
            else:
                exact.setdefault(name, []).append(entry)
    prefixes.sort(key=lambda r: -len(r.name))
    return exact, prefixes


def _ocd_match(name: str, domain: str) -> Match:
    exact, prefixes = open_cookie_database()
    candidates = exact.get(name) or [r for r in prefixes if name.startswith(r.name)][:5]
    if not candidates:
        return UNCLASSIFIED
    # Several platforms may use one name (euconsent-v2): the one whose domain fits wins, else the first.
    best = next((r for r in candidates if r.domain and host_matches(domain, r.domain)), candidates[0])
    category = OCD_CATEGORIES.get(best.category, "")
    pattern = f" (prefix {best.name})" if best.wildcard else ""
    return Match(category, MatchSource.OPEN_COOKIE_DATABASE, f"{best.platform}: {best.category}{pattern}")


def _identifier_pattern(identifier: str) -> re.Pattern[str]:
    """A disclosure identifier as a pattern: placeholders ([DSPID], <SITEID>, *) match anything."""
    parts = re.split(r"\[[^\]]*\]?|<[^>]*>?|\*", identifier)
    return re.compile("^" + ".*".join(re.escape(p) for p in parts) + "$")


def _domain_list(entry: dict[str, object]) -> list[str]:
    domains: list[str] = []
    single = entry.get("domain")
    if isinstance(single, str):
        domains.append(single)
    many = entry.get("domains")
    if isinstance(many, list):
        domains.extend(d for d in many if isinstance(d, str))
    return domains


def _disclosed_domain_fits(disclosed: list[str], domain: str, first_party: bool) -> bool:
    if not disclosed:
        return True
    for item in disclosed:
        if item == "*":
            # "*": the vendor stores it on the publisher's domain.
            if first_party:
                return True
        elif host_matches(domain, item.removeprefix("*.")):
            return True
    return False


@dataclass(frozen=True)
class Disclosed:
    vendor_id: int
    vendor_name: str
    kind: str  # cookie or web
    identifier: str
    pattern: re.Pattern[str]
    domains: tuple[str, ...]


class Classifier:
    """Built once per scan from the site's declarations and the stored disclosures."""

    def __init__(self, site: Site) -> None:
        self.declarations = list(
            CookieDeclaration.objects.filter(category__site=site).select_related("category")
        )
        self.disclosed: list[Disclosed] = []
        self.vendor_domains: list[tuple[str, int, str]] = []
        for item in DeviceStorageDisclosure.objects.filter(document__isnull=False).select_related("vendor"):
            document = item.document if isinstance(item.document, dict) else {}
            for entry in document.get("disclosures") or []:
                if not isinstance(entry, dict) or not isinstance(entry.get("identifier"), str):
                    continue
                if entry.get("type") not in ("cookie", "web"):
                    continue
                self.disclosed.append(
                    Disclosed(
                        item.vendor_id,
                        item.vendor.name,
                        str(entry["type"]),
                        entry["identifier"],
                        _identifier_pattern(entry["identifier"]),
                        tuple(_domain_list(entry)),
                    )
                )
                self.vendor_domains.extend(
                    (d.removeprefix("*."), item.vendor_id, item.vendor.name)
                    for d in _domain_list(entry)
                    if d != "*"
                )
            for entry in document.get("domains") or []:
                if (
                    isinstance(entry, dict)
                    and isinstance(entry.get("domain"), str)
                    and entry["domain"] != "*"
                ):
                    self.vendor_domains.append(
                        (entry["domain"].removeprefix("*."), item.vendor_id, item.vendor.name)
                    )
        self.atp_domains = [
            (d.removeprefix("*."), atp.id, atp.name)
            for atp in GoogleAtp.objects.filter(removed_at__isnull=True)
            for d in atp.domain_list
        ]

    def _declaration(self, name: str, domain: str) -> Match:
        for declaration in self.declarations:
            fits = name.startswith(declaration.name) if declaration.is_pattern else name == declaration.name
            if fits and (not declaration.domain or host_matches(domain, declaration.domain)):
                return Match(
                    declaration.category.slug,
                    MatchSource.DECLARATION,
                    f"Declared in {declaration.category.name}",
                    declaration_id=declaration.pk,
                )
        return UNCLASSIFIED

    def _gvl(self, name: str, domain: str, first_party: bool, kind: str) -> Match:
        for item in self.disclosed:
            fits = item.kind == kind and item.pattern.match(name)
            if fits and _disclosed_domain_fits(list(item.domains), domain, first_party):
                return Match(
                    "advertisement",
                    MatchSource.GVL,
                    f"{item.vendor_name} (GVL {item.vendor_id}) discloses {item.identifier}",
                    vendor_id=item.vendor_id,
                )
        return UNCLASSIFIED

    def cookie(self, name: str, domain: str, first_party: bool) -> Match:
        domain = domain.lstrip(".")
        for match in (
            self._declaration(name, domain),
            Match("necessary", MatchSource.CMP, "Stores the visitor's choice in this banner")
            if name in CMP_COOKIES and first_party
            else UNCLASSIFIED,
            self._gvl(name, domain, first_party, "cookie"),
            _ocd_match(name, domain),
        ):
            if match.source:
                return match
        return UNCLASSIFIED

    def storage(self, key: str, host: str, first_party: bool) -> Match:
        for match in (
            self._declaration(key, host),
            self._gvl(key, host, first_party, "web"),
            _ocd_match(key, host),
        ):
            if match.source:
                return match
        return UNCLASSIFIED

    def host(self, host: str) -> tuple[int | None, int | None, str]:
        """(GVL vendor id, Google ATP id, what matched) for a third-party host."""
        vendor = next(((v, n, d) for d, v, n in self.vendor_domains if host_matches(host, d)), None)
        atp = next(((a, n, d) for d, a, n in self.atp_domains if d and host_matches(host, d)), None)
        details = []
        if vendor:
            details.append(f"{vendor[1]} (GVL {vendor[0]}) declares {vendor[2]}")
        if atp:
            details.append(f"{atp[1]} (Google ATP {atp[0]}) declares {atp[2]}")
        return (vendor[0] if vendor else None, atp[0] if atp else None, "; ".join(details))

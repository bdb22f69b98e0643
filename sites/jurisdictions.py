"""Which banner a visitor gets: regions, experiences, the shipped rules and their legal sources.

A region is an ISO 3166-1 country ("DE") or an ISO 3166-2 subdivision ("US-CA"). A site's rules
(`sites.models.JurisdictionRule`, ordered) are tried first, then the shipped rules below, then the
site's experience for other regions. A visitor whose location is unknown gets the opt-in banner,
the strictest experience. docs/BANNER.md ("Experiences") has the same table in prose.

Nothing here reads the request or the database: sites/location.py finds the region, the banner
document (sites/banner.py) and the recording service call `experience_for`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models


class Experience(models.TextChoices):
    OPT_IN = "opt_in", "TCF opt-in banner (consent before any non-necessary cookie)"
    US_OPT_OUT = "us_opt_out", "US opt-out notice (Do Not Sell or Share, Limit Sensitive, GPP)"
    NOTICE = "notice", "Information notice (cookies set, visitor informed, preferences open)"
    NONE = "none", "No banner"


#: The EEA (EU 27, Iceland, Liechtenstein, Norway): GDPR art. 6(1)(a) and the ePrivacy Directive
#: art. 5(3) (consent before storage on the device) apply.
EEA = frozenset(
    {
        *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT"),
        *("LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"),
    }
)

#: US states whose comprehensive privacy law is in force on 2026-12-03, with the GPP section that
#: carries it, the law, its effective date and whether it obliges a business to treat a universal
#: opt-out signal such as GPC as an opt-out of sale and targeted advertising.
US_STATE_LAWS: dict[str, tuple[str, str, bool]] = {
    "CA": ("usca", "CCPA as amended by CPRA, Cal. Civ. Code 1798.100 ff.; GPC: 11 CCR 7025", True),
    "VA": ("usva", "Virginia CDPA, Va. Code 59.1-575 ff. (2023-01-01)", False),
    "CO": ("usco", "Colorado Privacy Act, C.R.S. 6-1-1301 ff.; UOOM from 2024-07-01", True),
    "CT": ("usct", "Connecticut DPA, Conn. Gen. Stat. 42-515 ff.; UOOM from 2025-01-01", True),
    "UT": ("usut", "Utah CPA, Utah Code 13-61 (2023-12-31)", False),
    "FL": ("usfl", "Florida Digital Bill of Rights, Fla. Stat. 501.701 ff. (2024-07-01)", False),
    "MT": ("usmt", "Montana CDPA, MCA 30-14-2801 ff.; UOOM from 2025-01-01", True),
    "OR": ("usor", "Oregon CPA, ORS 646A.570 ff.; UOOM from 2026-01-01", True),
    "TX": ("ustx", "Texas DPSA, Bus. & Com. Code 541; UOOM from 2025-01-01", True),
    "DE": ("usde", "Delaware PDPA, 6 Del. C. 12D; UOOM from 2026-01-01", True),
    "IA": ("usia", "Iowa CDPA, Iowa Code 715D (2025-01-01)", False),
    "NE": ("usne", "Nebraska DPA, Neb. Rev. Stat. 87-1101 ff. (2025-01-01)", True),
    "NH": ("usnh", "New Hampshire RSA 507-H (2025-01-01)", True),
    "NJ": ("usnj", "New Jersey DPA, N.J.S.A. 56:8-166.4 ff.; UOOM from 2025-07-15", True),
    "TN": ("ustn", "Tennessee IPA, Tenn. Code 47-18-3201 ff. (2025-07-01)", False),
    "MN": ("usmn", "Minnesota CDPA, Minn. Stat. 325M (2025-07-31)", True),
    "MD": ("usmd", "Maryland ODPA, Md. Com. Law 14-4601 ff. (2025-10-01)", True),
    "IN": ("usin", "Indiana CDPA, Ind. Code 24-15 (2026-01-01)", False),
    "KY": ("usky", "Kentucky CDPA, KRS 367.3611 ff. (2026-01-01)", False),
    "RI": ("usri", "Rhode Island DTPPA, R.I. Gen. Laws 6-48.1 (2026-01-01)", False),
}

#: Region patterns a rule may name besides a country or a subdivision.
GROUPS = {
    "EEA": "the European Economic Area",
    "US-STATES-WITH-LAW": "the US states with a comprehensive privacy law in force",
    "*": "every region",
}
_COUNTRY = re.compile(r"[A-Z]{2}")
_SUBDIVISION = re.compile(r"([A-Z]{2})-([A-Z0-9]{1,3})")


@dataclass(frozen=True)
class ShippedRule:
    region: str
    experience: Experience
    source: str


#: The rules every site has after its own: the laws as of 2026-12-03.
SHIPPED_RULES = (
    ShippedRule("EEA", Experience.OPT_IN, "GDPR art. 6(1)(a), 7; ePrivacy Directive 2002/58/EC art. 5(3)"),
    ShippedRule(
        "GB", Experience.OPT_IN, "UK GDPR; PECR reg. 6 as amended by the Data (Use and Access) Act 2025"
    ),
    ShippedRule(
        "CH", Experience.OPT_IN, "revFADP (nDSG) art. 6; art. 45c TCA; the IAB TCF covers Swiss traffic"
    ),
    ShippedRule(
        "US-STATES-WITH-LAW",
        Experience.US_OPT_OUT,
        "the state laws listed in sites.jurisdictions.US_STATE_LAWS (opt-out of sale, sharing and "
        "targeted advertising)",
    ),
)

#: Where the opt-in banner is the only lawful experience: a site rule may not weaken it there
#: (PECR reg. 6 still asks consent for everything the 2025 Act does not exempt; see
#: UK_OBJECTION_CATEGORIES for what it does).
OPT_IN_ONLY = EEA | {"GB"}


def validate_region(value: str) -> None:
    # EU is an ISO-reserved code CDNs never send for a visitor; a rule naming it means the EEA.
    if value == "EU":
        raise ValidationError("EU is not a region a visitor comes from: use EEA (European Economic Area).")
    if value in GROUPS or _COUNTRY.fullmatch(value) or _SUBDIVISION.fullmatch(value):
        return
    raise ValidationError(
        f"{value!r} is not a region: use a country code (BR), a subdivision (US-CA), "
        f"or one of {', '.join(GROUPS)}."
    )


def matches(pattern: str, region: str) -> bool:
    """Whether `region` ("US-CA", "DE") falls under a rule's `pattern`."""
    if pattern == "*":
        return True
    country, _, subdivision = region.partition("-")
    if pattern == "EEA":
        return country in EEA
    if pattern == "US-STATES-WITH-LAW":
        # A US visitor whose state is unknown gets the US notice too (usnat only).
        return country == "US" and (subdivision in US_STATE_LAWS or not subdivision)
    return pattern in (region, country)


def covers_opt_in_only(pattern: str) -> bool:
    """Whether a rule for `pattern` would apply to a visitor from the EEA."""
    if pattern in ("*", "EEA"):
        return True
    return pattern.partition("-")[0] in OPT_IN_ONLY


#: The cookie categories the Data (Use and Access) Act 2025 exempts from consent in the UK (PECR
#: reg. 6 as amended: statistics to improve the service, and adapting the service to the user's
#: preferences), provided the user is told and can object. A site opts in with
#: `Site.uk_notice_objection`; it never applies outside GB, the EEA included.
UK_OBJECTION_CATEGORIES = ("functional", "analytics", "performance")


@dataclass(frozen=True)
class Jurisdiction:
    """What applies to one visitor: their region ("" when unknown), the experience, and for US
    visitors the GPP sections of their law (usnat first)."""

    region: str
    experience: Experience
    gpp_sections: tuple[str, ...] = ()
    gpc_required: bool = False
    # Categories allowed before a choice, with notice and a right to object (UK only).
    objection_categories: tuple[str, ...] = ()

    @property
    def gdpr_applies(self) -> bool:
        return self.experience == Experience.OPT_IN

    def without_region(self) -> Jurisdiction:
        return Jurisdiction(
            "", self.experience, self.gpp_sections, self.gpc_required, self.objection_categories
        )

    def as_json(self) -> dict[str, object]:
        return {
            "region": self.region,
            "experience": str(self.experience),
            "gdpr_applies": self.gdpr_applies,
            "gpp_sections": list(self.gpp_sections),
            "gpc_required": self.gpc_required,
            "objection_categories": list(self.objection_categories),
        }


#: A visitor whose location is unknown: the strictest experience.
UNKNOWN_LOCATION = Jurisdiction("", Experience.OPT_IN)


def experience_for(
    region: str, site_rules: list[tuple[str, str]], other_regions: str, uk_notice_objection: bool = False
) -> Jurisdiction:
    """The experience for a visitor from `region` ("" when unknown) under a site's ordered
    `(pattern, experience)` rules, its experience for regions no rule names, and whether it uses
    the UK's notice-and-objection exemption for UK visitors."""
    if not region:
        return UNKNOWN_LOCATION
    experience = None
    for pattern, chosen in [*site_rules, *((r.region, r.experience) for r in SHIPPED_RULES)]:
        if matches(pattern, region):
            experience = Experience(chosen)
            break
    if experience is None:
        experience = Experience(other_regions)
    if experience == Experience.OPT_IN and uk_notice_objection and region.partition("-")[0] == "GB":
        return Jurisdiction(region, experience, objection_categories=UK_OBJECTION_CATEGORIES)
    if experience != Experience.US_OPT_OUT:
        return Jurisdiction(region, experience)
    country, _, state = region.partition("-")
    law = US_STATE_LAWS.get(state) if country == "US" else None
    # usnat is the national section: it alone carries the choice where no state section exists.
    sections = ("usnat", law[0]) if law else ("usnat",)
    return Jurisdiction(region, experience, sections, gpc_required=bool(law and law[2]))


#: Experiences under which the site's cookies and tags run before a choice: Google Consent Mode
#: starts them granted there (opt-out semantics), and denied under the opt-in banner.
GRANTED_BEFORE_CHOICE = frozenset({Experience.US_OPT_OUT, Experience.NOTICE, Experience.NONE})

#: What the inline stub assumes when its tag carries no region attributes: the shipped rules with
#: the opt-in banner for other regions (static/consent/src/stub.js has the same list).
SHIPPED_GRANTED_REGIONS = tuple(f"US-{state}" for state in US_STATE_LAWS)


def consent_mode_regions(
    site_rules: list[tuple[str, str]], other_regions: str, uk_notice_objection: bool = False
) -> tuple[bool, list[str], list[str]]:
    """Google Consent Mode's region defaults for a site (`gtag('consent', 'default', {..., region})`,
    where the most specific region wins): whether storage starts granted where no listed region
    applies; the regions (ISO 3166-1 or 3166-2, as gtag takes them) where it starts the other way;
    and the regions where only the UK's notice-and-objection categories start granted (analytics,
    functional), advertising denied. Each listed region gets what `experience_for` gives a visitor
    from it, so the defaults Google applies follow the same ordered rules as the banner."""
    elsewhere = next((chosen for pattern, chosen in site_rules if pattern == "*"), other_regions)
    granted_elsewhere = Experience(elsewhere) in GRANTED_BEFORE_CHOICE
    named = set(EEA) | {"GB", "CH"} | set(SHIPPED_GRANTED_REGIONS)
    for pattern, _ in site_rules:
        if pattern == "EEA":
            named |= EEA
        elif pattern != "*" and pattern != "US-STATES-WITH-LAW":
            named.add(pattern)
    opposite, objection = [], []
    for region in sorted(named):
        jurisdiction = experience_for(region, site_rules, other_regions, uk_notice_objection)
        if jurisdiction.objection_categories:
            objection.append(region)
        elif (jurisdiction.experience in GRANTED_BEFORE_CHOICE) != granted_elsewhere:
            opposite.append(region)
    return granted_elsewhere, opposite, objection

"""From a visitor's choice to the signals we emit: TC string (TCF v2.4), AC string v2, Consent Mode.

Rules (tcf-spec.md §1.3, §1.9-1.11, §4):
* only vendors the site discloses and that are active in the GVL version used get a bit;
* a vendor consent bit needs a declared consent purpose; a vendor LI bit needs a purpose the vendor
  declares on legitimate interest whose LI the visitor did not object to, and no objection to the
  vendor. Special purposes give no LI bit (TCF v2.4, as in iabtcf-es issue 496): a vendor with only
  special purposes is listed in DisclosedVendors and nowhere else;
* no purpose LI for purposes 1 and 3-6; LI is on unless the visitor objected;
* DisclosedVendors always lists the site's vendors; special purposes are not signalled;
* Created = LastUpdated = the day's UTC midnight; language, vendor list version and policy version
  come from the GVL snapshot; CMP id and version from settings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.conf import settings

from consent.choices import ChoiceRequest
from consent.models import ConsentAction, ConsentScreen, default_screen
from infra.errors import bad_request
from privacy_signals.ac_string import encode_ac_string
from privacy_signals.consent_mode import consent_mode_signals
from privacy_signals.tcf import TCModel, day_deciseconds, encode
from sites.disclosure import SiteCatalogue
from sites.gpp_signals import us_gpp_string
from sites.jurisdictions import UNKNOWN_LOCATION, Experience, Jurisdiction
from sites.languages import consent_language
from sites.models import Site

# ConsentScreen is ours to number: 1 = the first layer's buttons, 2 = the preferences dialog.
FIRST_LAYER_SCREEN = 1
PREFERENCES_SCREEN = 2


@dataclass(frozen=True)
class ResolvedChoice:
    """The choice as recorded: what the visitor chose, with the server's fill for the shortcut actions."""

    action: str
    language: str
    categories: dict[str, bool]
    # What the visitor consented to or objected to; nothing unless a choice says so.
    purpose_consents: frozenset[int] = frozenset()
    purpose_li_objections: frozenset[int] = frozenset()
    special_feature_optins: frozenset[int] = frozenset()
    vendor_consents: frozenset[int] = frozenset()
    vendor_li_objections: frozenset[int] = frozenset()
    atp_consents: frozenset[int] = frozenset()
    # The publisher's custom purposes on consent that the visitor consented to (PublisherTC).
    custom_purpose_consents: frozenset[int] = frozenset()
    # The US notice's opt-outs (action opt_out), GPC included as an opt-out of sale and sharing.
    us_opt_outs: frozenset[str] = frozenset()
    # What applied where the visitor was (sites/jurisdictions.py), and their browser's GPC.
    jurisdiction: Jurisdiction = UNKNOWN_LOCATION
    gpc: bool = False
    # Where in the banner it was made (consent.models.ConsentScreen); "": default_screen(action).
    screen: str = ""


@dataclass(frozen=True)
class Signals:
    tc_model: TCModel | None
    tc_string: str
    ac_string: str
    consent_mode: dict[str, str]
    gpp_string: str = ""


def _check_vendors(ids: frozenset[int], field: str, catalogue: SiteCatalogue) -> None:
    for vendor_id in sorted(ids):
        vendor = catalogue.snapshot.vendors.get(vendor_id)
        if vendor is None:
            raise bad_request(
                f"Vendor {vendor_id} is not in the Global Vendor List (version "
                f"{catalogue.vendor_list_version}).",
                field,
                code="unknown_vendor",
            )
        if vendor_id not in catalogue.disclosed_vendor_ids:
            reason = "was deleted from the GVL" if not vendor.is_active else "is not enabled for this site"
            raise bad_request(f"Vendor {vendor_id} {reason}.", field, code="vendor_not_enabled")


def _check_ids(ids: frozenset[int], known: frozenset[int], field: str, what: str) -> None:
    unknown = sorted(ids - known)
    if unknown:
        raise bad_request(
            f"Unknown {what} id(s) {', '.join(map(str, unknown))}; "
            f"known: {', '.join(map(str, sorted(known)))}.",
            field,
            code=f"unknown_{what.replace(' ', '_')}",
        )


def resolve_choice(
    request: ChoiceRequest,
    site: Site,
    category_slugs: list[str],
    catalogue: SiteCatalogue,
    language: str,
    jurisdiction: Jurisdiction = UNKNOWN_LOCATION,
) -> ResolvedChoice:
    return replace(
        _resolve(request, site, category_slugs, catalogue, language, jurisdiction),
        jurisdiction=jurisdiction,
        gpc=request.gpc,
        screen=request.screen or default_screen(request.action),
    )


def _resolve(
    request: ChoiceRequest,
    site: Site,
    category_slugs: list[str],
    catalogue: SiteCatalogue,
    language: str,
    jurisdiction: Jurisdiction,
) -> ResolvedChoice:
    # Validation applies to every action: a list sent with a shortcut action must still make sense.
    _check_vendors(request.vendors, "vendors", catalogue)
    _check_vendors(request.vendor_li_objections, "vendor_li_objections", catalogue)
    _check_ids(request.purposes, catalogue.purpose_ids, "purposes", "purpose")
    _check_ids(request.purpose_li_objections, catalogue.purpose_ids, "purpose_li_objections", "purpose")
    _check_ids(request.special_features, catalogue.special_feature_ids, "special_features", "special feature")
    _check_ids(
        request.custom_purposes, catalogue.custom_consent_purposes, "custom_purposes", "custom purpose"
    )
    unknown_atps = sorted(request.atps - catalogue.atp_ids)
    if unknown_atps:
        raise bad_request(
            f"Google Ad Tech Provider(s) {', '.join(map(str, unknown_atps))} are unknown or not enabled "
            "for this site.",
            "atps",
            code="atp_not_enabled",
        )
    unknown_categories = sorted(set(request.categories) - set(category_slugs))
    if unknown_categories:
        raise bad_request(
            f"This site has no category {', '.join(unknown_categories)}; it has {', '.join(category_slugs)}.",
            "categories",
            code="unknown_category",
        )

    everything = dict.fromkeys(category_slugs, True)
    nothing = {slug: slug == "necessary" for slug in category_slugs}
    if request.action == ConsentAction.OPT_OUT:
        if jurisdiction.experience != Experience.US_OPT_OUT:
            raise bad_request(
                "'opt_out' answers the US opt-out notice; where this visitor is, the site shows "
                f"the {jurisdiction.experience.label}.",
                "action",
                code="opt_out_not_offered",
            )
        # Opt-out law: everything is allowed until the visitor opts out; selling and sharing their
        # data is what advertising cookies and tags do, so that opt-out switches them off.
        opt_outs = request.opt_outs | ({"sale_sharing"} if request.gpc else set())
        categories = dict(everything)
        if "sale_sharing" in opt_outs and "advertisement" in categories:
            categories["advertisement"] = False
        return ResolvedChoice(
            action=request.action,
            language=language,
            categories=categories,
            us_opt_outs=frozenset(opt_outs),
        )
    if request.action == ConsentAction.ACCEPT_ALL:
        return ResolvedChoice(
            action=request.action,
            language=language,
            categories=everything,
            purpose_consents=catalogue.purpose_ids,
            special_feature_optins=catalogue.special_feature_ids,
            vendor_consents=catalogue.consent_vendor_ids,
            atp_consents=catalogue.atp_ids,
            custom_purpose_consents=catalogue.custom_consent_purposes,
        )
    if request.action == ConsentAction.REJECT_ALL:
        # Refusing consent is not an objection to legitimate interest; that is a separate choice
        # in the preferences (TCF policy), so LI stays established.
        return ResolvedChoice(
            action=request.action,
            language=language,
            categories=nothing,
        )
    if request.action == ConsentAction.WITHDRAW:
        # Withdrawal stops everything the visitor can stop: every consent and every LI.
        return ResolvedChoice(
            action=request.action,
            language=language,
            categories=nothing,
            purpose_li_objections=catalogue.li_purpose_ids,
            vendor_li_objections=catalogue.li_vendor_ids,
        )
    categories = dict(nothing)
    categories.update(request.categories)
    return ResolvedChoice(
        action=request.action,
        language=language,
        categories={slug: categories[slug] for slug in category_slugs},
        purpose_consents=request.purposes,
        purpose_li_objections=request.purpose_li_objections,
        special_feature_optins=request.special_features,
        vendor_consents=request.vendors,
        vendor_li_objections=request.vendor_li_objections,
        atp_consents=request.atps,
        custom_purpose_consents=request.custom_purposes,
    )


def _subset(ids: frozenset[int], allowed: frozenset[int]) -> frozenset[int]:
    """`ids & allowed`, keeping the very object when nothing is cut: the encoder memoises sections by
    frozenset, and the catalogue's own sets already carry their hash."""
    return ids if ids is allowed or ids <= allowed else ids & allowed


def _publisher_tc(choice: ResolvedChoice, catalogue: SiteCatalogue) -> dict[str, Any]:
    """The PublisherTC segment's fields, when the site declares purposes of its own.

    The publisher's IAB purposes follow the visitor's answer for the same purpose (one switch per
    purpose in the banner). Custom purposes on consent have a switch each in the preferences: "accept
    all" grants them all, a customised choice those switched on; custom purposes on legitimate
    interest stand unless the visitor withdrew everything."""
    if not catalogue.has_publisher_tc:
        return {}
    withdrawn = choice.action == ConsentAction.WITHDRAW
    return {
        "publisher_consents": catalogue.publisher_consent_purposes & choice.purpose_consents,
        "publisher_legitimate_interests": frozenset()
        if withdrawn
        else catalogue.publisher_li_purposes - choice.purpose_li_objections,
        "num_custom_purposes": max(
            catalogue.custom_consent_purposes | catalogue.custom_li_purposes, default=0
        ),
        "publisher_custom_consents": choice.custom_purpose_consents,
        "publisher_custom_legitimate_interests": frozenset() if withdrawn else catalogue.custom_li_purposes,
    }


def _vendor_lis(
    choice: ResolvedChoice, catalogue: SiteCatalogue, purpose_lis: frozenset[int]
) -> frozenset[int]:
    """Vendors whose LI bit is set; the catalogue's own set when nothing was objected to (memo key)."""
    lis = catalogue.li_vendor_ids
    if choice.vendor_li_objections:
        lis = lis - choice.vendor_li_objections
    if choice.purpose_li_objections:
        vendors = catalogue.snapshot.vendors
        lis = frozenset(v for v in lis if vendors[v].leg_int_purposes & purpose_lis)
    return lis


def build_signals(choice: ResolvedChoice, site: Site, catalogue: SiteCatalogue, now: datetime) -> Signals:
    if choice.action == ConsentAction.OPT_OUT:
        # No TCF outside GDPR regions: the GPP string carries the choice (consent/services/recording.py).
        # Google's tags read Consent Mode: advertising storage follows the sale/sharing opt-out.
        return Signals(
            tc_model=None,
            tc_string="",
            ac_string="",
            consent_mode=consent_mode_signals(
                choice.categories,
                {1, 3, 4, 7} if choice.categories.get("advertisement") else set(),
                set(),
            ),
            gpp_string=us_gpp_string(
                choice.jurisdiction.gpp_sections,
                opted_out="sale_sharing" in choice.us_opt_outs,
                limited="sensitive_data" in choice.us_opt_outs,
                gpc=choice.gpc,
            ),
        )
    day = day_deciseconds(now)
    purpose_consents = choice.purpose_consents & catalogue.purpose_ids
    if site.purpose_one_treatment:
        # Purpose 1 was not disclosed (the publisher's jurisdiction needs no consent for it), so
        # there is no consent to signal for it.
        purpose_consents -= {1}
    purpose_lis = catalogue.li_purpose_ids - choice.purpose_li_objections
    model = TCModel(
        created=day,
        last_updated=day,
        cmp_id=settings.CMP_ID,
        cmp_version=settings.CMP_VERSION,
        consent_screen=PREFERENCES_SCREEN
        if (choice.screen or default_screen(choice.action)) == ConsentScreen.PREFERENCES
        else FIRST_LAYER_SCREEN,
        # The language the banner was shown in (sites.banner.choose_language), whose IAB texts the
        # snapshot holds.
        consent_language=consent_language(choice.language),
        vendor_list_version=catalogue.vendor_list_version,
        policy_version=catalogue.tcf_policy_version,
        is_service_specific=True,
        use_non_standard_texts=False,
        special_feature_optins=_subset(choice.special_feature_optins, catalogue.special_feature_ids),
        purpose_consents=purpose_consents,
        purpose_legitimate_interests=purpose_lis,
        purpose_one_treatment=site.purpose_one_treatment,
        publisher_country_code=site.publisher_country_code,
        vendor_consents=_subset(choice.vendor_consents, catalogue.consent_vendor_ids),
        vendor_legitimate_interests=_vendor_lis(choice, catalogue, purpose_lis),
        vendors_disclosed=catalogue.disclosed_vendor_ids,
        publisher_restrictions=catalogue.restrictions,
        **_publisher_tc(choice, catalogue),
    )
    return Signals(
        tc_model=model,
        tc_string=encode(model),
        ac_string=encode_ac_string(_subset(choice.atp_consents, catalogue.atp_ids), catalogue.atp_ids),
        # Under purpose-one treatment, device storage needs no consent: the advertisement category decides.
        consent_mode=consent_mode_signals(
            choice.categories,
            purpose_consents | ({1} if site.purpose_one_treatment else set()),
            purpose_lis,
        ),
    )

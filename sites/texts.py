"""The banner's own wording: English msgids translated through Django's gettext
(locale/<lang>/LC_MESSAGES/django.po), and the per-site overrides on top of them.

The translations are the project's own (see the .po headers), open to review; the IAB's purpose
texts never pass through here (vendors/ imports them from the IAB's files).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop

# Key -> English msgid. `{partners}`, `{n}`, `{days}`, `{seconds}` and `{date}` are filled in by the
# banner script and must stay in every translation.
BANNER_TEXTS: dict[str, str] = {
    "title": gettext_noop("We value your privacy"),
    "body": gettext_noop(
        "We and our {partners} partners use cookies and similar technologies to store and access "
        "information on your device, and process personal data such as unique identifiers and "
        "browsing data, to personalise content and ads, measure them, and improve our services. "
        'Click "Accept All" to consent, "Reject All" to refuse, or "Customise" to choose per purpose '
        "and per partner. Some partners rely on legitimate interest, which you can object to in the "
        "preferences. You can change your choice at any time from the link at the bottom of the page."
    ),
    "accept_all": gettext_noop("Accept All"),
    "reject_all": gettext_noop("Reject All"),
    "customise": gettext_noop("Customise"),
    "save": gettext_noop("Save My Preferences"),
    "close": gettext_noop("Close"),
    "privacy_policy": gettext_noop("Privacy Policy"),
    "preferences_title": gettext_noop("Customise Consent Preferences"),
    "preferences_intro": gettext_noop(
        "Choose which cookie categories, purposes and partners you allow. Switched-off items stay off; "
        "you can change your choice at any time with the cookie button at the bottom of the page."
    ),
    "tab_categories": gettext_noop("Cookie Categories"),
    "tab_purposes": gettext_noop("Purposes & Features"),
    "tab_vendors": gettext_noop("Vendors"),
    "always_active": gettext_noop("Always Active"),
    "consent": gettext_noop("Consent"),
    "legitimate_interest": gettext_noop("Legitimate Interest"),
    "object": gettext_noop("Object"),
    "purposes": gettext_noop("Purposes"),
    "special_purposes": gettext_noop("Special Purposes"),
    "features": gettext_noop("Features"),
    "special_features": gettext_noop("Special Features"),
    "stacks": gettext_noop("Stacks"),
    "illustrations": gettext_noop("Illustrations"),
    "cookies": gettext_noop("Cookies"),
    "no_cookies": gettext_noop("No cookies to display."),
    "cookie_name": gettext_noop("Cookie"),
    "cookie_domain": gettext_noop("Domain"),
    "cookie_duration": gettext_noop("Duration"),
    "cookie_description": gettext_noop("Description"),
    "vendors_consent_count": gettext_noop("Number of Vendors seeking consent: {n}"),
    "vendors_li_count": gettext_noop("Number of Vendors relying on legitimate interest: {n}"),
    "vendor_count": gettext_noop("{n} vendors"),
    "google_partners": gettext_noop("Google Ad Tech Providers"),
    "retention": gettext_noop("Data retention: {days} days"),
    "data_categories": gettext_noop("Data categories"),
    "device_storage": gettext_noop("Device storage"),
    "max_age": gettext_noop("Maximum cookie age"),
    "days": gettext_noop("{days} days"),
    "cookies_session": gettext_noop("session only"),
    "cookies_none": gettext_noop("Uses no cookies."),
    "cookie_refresh": gettext_noop("The cookie lifetime is renewed on each visit."),
    "non_cookie_access": gettext_noop(
        "Also stores or reads information without cookies (for example in local storage)."
    ),
    "retention_by_purpose": gettext_noop("Data retention by purpose"),
    "storage_type": gettext_noop("Type"),
    "all_on": gettext_noop("Switch all on"),
    "all_off": gettext_noop("Switch all off"),
    "privacy_link": gettext_noop("Privacy policy"),
    "legint_link": gettext_noop("Legitimate interest claim"),
    "search_vendors": gettext_noop("Search vendors"),
    "reopen": gettext_noop("Cookie settings"),
    "loading": gettext_noop("Loading…"),
    "withdraw": gettext_noop("Withdraw consent"),
    # The visitor's ISO/IEC TS 27560 receipt of their current choice (docs/BANNER.md, §2).
    "receipt": gettext_noop("Download your consent receipt"),
    "given": gettext_noop("Your current choice was saved on {date}."),
    # UK notice + objection (Data (Use and Access) Act 2025): shown on the first layer to GB visitors.
    "objection": gettext_noop(
        "Statistics and preference cookies are on (Data (Use and Access) Act 2025); you can object to "
        "them with Reject All or under Customise."
    ),
    "language": gettext_noop("Language"),
    # TCF v2.4: a vendor with special purposes only is disclosed, with nothing to choose.
    "special_only": gettext_noop("No choice: special purposes only"),
    "english_only": gettext_noop("The IAB publishes no translation of this item; it is shown in English."),
}

#: The texts the first layer shows (static/consent/src/cmp.js and gpp.js): the banner document
#: carries these, the preferences document every key. A test reads the scripts' keys to keep this
#: list whole (tests/sites/test_banner_document_carries_only_the_first_layer.py).
FIRST_LAYER_TEXTS: frozenset[str] = frozenset(
    {
        "title",
        "body",
        "accept_all",
        "reject_all",
        "customise",
        "privacy_policy",
        "purposes",
        "special_features",
        "vendor_count",
        "google_partners",
        "language",
        "objection",
        "reopen",
    }
)

# (slug, name, description) of the standard categories, in display order.
DEFAULT_CATEGORIES: list[tuple[str, str, str]] = [
    (
        "necessary",
        gettext_noop("Necessary"),
        gettext_noop(
            "Necessary cookies are required for the basic functions of this site, such as secure log-in "
            "or remembering your consent choices. They do not store personally identifiable data."
        ),
    ),
    (
        "functional",
        gettext_noop("Functional"),
        gettext_noop(
            "Functional cookies support features such as sharing content on social media, collecting "
            "feedback and other third-party features."
        ),
    ),
    (
        "analytics",
        gettext_noop("Analytics"),
        gettext_noop(
            "Analytical cookies help us understand how visitors use the site: number of visitors, bounce "
            "rate, traffic sources and similar metrics."
        ),
    ),
    (
        "performance",
        gettext_noop("Performance"),
        gettext_noop(
            "Performance cookies help us understand and analyse the key performance indexes of the site, "
            "which helps us deliver a better experience."
        ),
    ),
    (
        "advertisement",
        gettext_noop("Advertisement"),
        gettext_noop(
            "Advertisement cookies deliver ads based on the pages you visited before and measure the "
            "effectiveness of ad campaigns."
        ),
    ),
    (
        "uncategorised",
        gettext_noop("Uncategorised"),
        gettext_noop("Cookies that have not been classified into a category yet."),
    ),
]

# The consent cookies this CMP sets itself (declared in a new site's "necessary" category).
OWN_COOKIES: list[tuple[str, str]] = [
    (
        "euconsent-v2",
        gettext_noop("The IAB TCF v2.3 TC string holding your consent choices for advertising vendors."),
    ),
    (
        "addtl_consent",
        gettext_noop("Your choices for Google's Ad Tech Providers (Additional Consent string)."),
    ),
    ("cmp_consent", gettext_noop("Your cookie-category choices and the id of your consent record.")),
]
OWN_COOKIE_DURATION = gettext_noop("{days} days")
# The built-in wording a site may keep unchanged, so shown in the visitor's language.
_BUILTIN_MSGIDS = [
    *(text for _, name, description in DEFAULT_CATEGORIES for text in (name, description)),
    *(description for _, description in OWN_COOKIES),
]


def translated(msgid: str, language: str) -> str:
    """`msgid` in `language`, English where the project does not ship `language` (Django would
    otherwise fall back to a neighbour: European Portuguese for pt-br)."""
    if language not in shipped_languages():
        return msgid
    with translation.override(language):
        return translation.gettext(msgid)


def wording_language(language: str, default_language: str) -> str:
    """The language of the built-in wording on a banner in `language`: itself where the project
    ships it, else the site's default language (so a Turkish banner of a German site reads German,
    never the built-in English)."""
    return language if language in shipped_languages() else default_language


@functools.cache
def shipped_languages() -> frozenset[str]:
    """Languages with a compiled catalogue of the project's own strings (files of the release, so
    read once)."""
    found = []
    for base in settings.LOCALE_PATHS:
        for mo in Path(base).glob("*/LC_MESSAGES/django.mo"):
            found.append(translation.to_language(mo.parent.parent.name))
    return frozenset(found)


def builtin_wording(text: str, language: str, default_language: str) -> str:
    """`text` in `language` if it is one of the built-in msgids untouched (in English or in the
    site's default language); the publisher's own wording is returned as it is."""
    for msgid in _BUILTIN_MSGIDS:
        if text == msgid or text == translated(msgid, default_language):
            return translated(msgid, wording_language(language, default_language))
    return text


def texts_for(
    language: str,
    default_language: str,
    overrides: Mapping[str, str] | None = None,
    default_overrides: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Every text key the banner uses, in `language`, per key: the site's wording for `language`
    (`overrides`), else the project's translation when it ships `language`, else the site's wording
    for its default language (`default_overrides`), else the project's translation into that one,
    else the English built-in."""
    own = language in shipped_languages()
    result = {}
    for key, msgid in BANNER_TEXTS.items():
        value = (overrides or {}).get(key)
        if not value and own:
            value = translated(msgid, language)
        result[key] = value or (default_overrides or {}).get(key) or translated(msgid, default_language)
    return result

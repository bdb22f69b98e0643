"""Google Consent Mode v2 signals from a choice (tcf-spec.md §4.3).

The cookie categories give the storage signals (convention (b)); for advertising, the TCF purposes
Google reads from the TC string (mapping (a)) must agree too, so a visitor who allowed the
"advertisement" category but refused purpose 1 is not reported as `ad_storage=granted`.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

SIGNALS = (
    "ad_storage",
    "ad_user_data",
    "ad_personalization",
    "analytics_storage",
    "functionality_storage",
    "personalization_storage",
    "security_storage",
)


def _state(granted: bool) -> str:
    return "granted" if granted else "denied"


def consent_mode_signals(
    categories: Mapping[str, bool], purpose_consents: Set[int], purpose_legitimate_interests: Set[int]
) -> dict[str, str]:
    advertising = bool(categories.get("advertisement"))
    storage = 1 in purpose_consents
    # Purpose 7 (measure ad performance) may rest on legitimate interest; Google denies
    # ad_user_data only when the purpose is refused on both bases.
    measurement = 7 in purpose_consents or 7 in purpose_legitimate_interests
    personalised_ads = {3, 4} <= set(purpose_consents)
    functional = bool(categories.get("functional"))
    return {
        "ad_storage": _state(advertising and storage),
        "ad_user_data": _state(advertising and storage and measurement),
        "ad_personalization": _state(advertising and storage and personalised_ads),
        "analytics_storage": _state(bool(categories.get("analytics")) or bool(categories.get("performance"))),
        "functionality_storage": _state(functional),
        "personalization_storage": _state(functional),
        "security_storage": "granted",
    }

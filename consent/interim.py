"""The TC strings the banner applies while the consent API cannot record a choice.

A choice that cannot be recorded (network down, 5xx, 429) is kept by the banner and sent again, but
it must apply at once, also to `__tcfapi`, and the banner must never go on answering with the older
string the click replaced (an ad stack would keep sending it to every bidder). The banner builds no
TC string of its own (it decides nothing that must be trusted), so the server pre-issues, with every
banner document where the TCF applies, the strings of the three choices that need no selection:
Accept All, Reject All and a withdrawal. A custom choice gets the withdrawal's until it is
recorded: nothing consented and every legitimate interest objected to, which never allows more than
the visitor chose. The strings carry no Google AC string: without one, no Google ad tech provider
has consent, and the ~3 KB of provider ids it would take are left out of the banner document.
"""

from __future__ import annotations

from consent.choices import ChoiceRequest
from consent.models import ConsentAction
from consent.services import clock
from consent.tc_builder import build_signals, resolve_choice
from sites.disclosure import SiteCatalogue
from sites.jurisdictions import Jurisdiction
from sites.models import Site
from sites.services import category_slugs

INTERIM_ACTIONS = (ConsentAction.ACCEPT_ALL, ConsentAction.REJECT_ALL, ConsentAction.WITHDRAW)


def interim_strings(
    site: Site, catalogue: SiteCatalogue, language: str, jurisdiction: Jurisdiction
) -> dict[str, str] | None:
    """{action: TC string} for the banner document (sites/banner.py DOCUMENT_PARTS), built by the
    same rules as a recorded choice's; None where the TCF does not apply."""
    if not jurisdiction.gdpr_applies:
        return None
    slugs = category_slugs(site)
    now = clock.now()
    strings = {}
    for action in INTERIM_ACTIONS:
        choice = resolve_choice(ChoiceRequest(action=action), site, slugs, catalogue, language, jurisdiction)
        strings[str(action)] = build_signals(choice, site, catalogue, now).tc_string
    return strings

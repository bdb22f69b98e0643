"""A tagged script runs on the page exactly when the downstream check says its vendor and category
are allowed: one rule (consent/processing.py) for both, run through the same matrix of choices.

Vendors of each kind are taken from the bundled GVL by what they declare. Every choice is made as
the banner makes it: over HTTP with the body the banner posts, and in Chromium by clicking through
the first layer or the three preference tabs. The expected answers are the rule's, written out per
kind of vendor (consent/processing.py, docs/API.md "The check"):

* a vendor may run when it was disclosed, may use purpose 1 (purpose consent + vendor consent)
  unless the site uses purpose-one treatment, and may use one of its other declared purposes
  (consent: purpose + vendor consent; LI: purpose LI + vendor LI, no objection), publisher
  restrictions applied; a vendor declaring purpose 1 alone needs purpose 1 only;
* a category runs when the visitor allowed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import expect

from privacy_signals.tcf import decode_vendor_set
from sites import restrictions
from sites.models import RestrictionType
from sites.setup import DEMO_SITE_KEY
from vendors.catalogue import GvlSnapshot, current_gvl

GOOGLE = 755
KINDS = (
    "google",
    "consent_only",
    "storage_then_li",
    "li_without_storage",
    "special_purposes_only",
    "storage_only",
)
CATEGORIES = ("analytics", "advertisement")
# Purposes whose LI a visitor can object to in the banner (TCF: never 1 or 3-6).
LI_PURPOSES = (2, 7, 8, 9, 10, 11)


def vendor_kinds(snapshot: GvlSnapshot) -> dict[str, int]:
    """The lowest active vendor id of each kind the rule tells apart."""
    active = sorted(
        (v for v in snapshot.vendors.values() if v.is_active and v.id != GOOGLE), key=lambda v: v.id
    )

    def first(test: Any) -> int:
        return next(v.id for v in active if test(v))

    return {
        # Google: consent for 1, 3, 4; flexible LI for 2, 7, 9, 10.
        "google": GOOGLE,
        "consent_only": first(
            lambda v: (
                1 in v.purposes and len(v.purposes) > 1 and not v.leg_int_purposes and not v.flexible_purposes
            )
        ),
        "storage_then_li": first(
            lambda v: v.purposes == {1} and v.leg_int_purposes and not v.flexible_purposes
        ),
        "li_without_storage": first(lambda v: not v.purposes and v.leg_int_purposes),
        "special_purposes_only": first(
            lambda v: not v.purposes and not v.leg_int_purposes and v.special_purposes
        ),
        "storage_only": first(lambda v: v.purposes | v.leg_int_purposes == {1}),
    }


@dataclass(frozen=True)
class Choice:
    name: str
    #: What the rule allows: the kinds of vendor, then the categories.
    vendors_allowed: frozenset[str]
    categories_allowed: frozenset[str] = frozenset()
    #: A first-layer button ("accept" / "reject"); otherwise the preferences as listed below.
    button: str | None = None
    purposes: tuple[int, ...] = ()
    purpose_li_objections: tuple[int, ...] = ()
    #: Consent to every tagged vendor that has a consent switch (it declares a consent purpose).
    vendor_consents: bool = False
    vendor_li_objections: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    #: The site's configuration: publisher restrictions (kind, purpose, type), purpose-one treatment.
    site_restrictions: tuple[tuple[str, int, int], ...] = field(default=())
    purpose_one_treatment: bool = False

    def body(self, kinds: dict[str, int], snapshot: GvlSnapshot) -> dict[str, Any]:
        """The consent POST the banner sends for this choice."""
        if self.button:
            return {"action": {"accept": "accept_all", "reject": "reject_all"}[self.button]}
        return {
            "action": "custom",
            "categories": {
                slug: slug in self.categories for slug in ("functional", *CATEGORIES, "performance")
            },
            "purposes": list(self.purposes),
            "purpose_li_objections": list(self.purpose_li_objections),
            "special_features": [],
            "vendors": [v for v in kinds.values() if snapshot.vendors[v].purposes]
            if self.vendor_consents
            else [],
            "vendor_li_objections": [kinds[k] for k in self.vendor_li_objections],
            "atps": [],
        }


EVERY_KIND_ALLOWED_BY_ACCEPT_ALL = frozenset({"google", "consent_only", "storage_then_li", "storage_only"})
STORAGE_AND_VENDORS = {"purposes": (1,), "vendor_consents": True}
REQUIRE_CONSENT = int(RestrictionType.REQUIRE_CONSENT)
NOT_ALLOWED = int(RestrictionType.NOT_ALLOWED)

MATRIX = (
    Choice("accept_all", EVERY_KIND_ALLOWED_BY_ACCEPT_ALL, frozenset(CATEGORIES), button="accept"),
    Choice("reject_all", frozenset(), button="reject"),
    Choice("purposes_only", frozenset(), purposes=tuple(range(1, 12))),
    # The defect of issue 16: the vendor's consent alone let its tag run.
    Choice("vendors_only", frozenset(), vendor_consents=True),
    # Purpose 1 and the vendors: a vendor runs if it has another purpose, here by legitimate interest.
    Choice(
        "storage_and_vendors", frozenset({"google", "storage_then_li", "storage_only"}), **STORAGE_AND_VENDORS
    ),
    Choice(
        "purpose_li_objection",
        frozenset({"storage_only"}),
        purpose_li_objections=LI_PURPOSES,
        **STORAGE_AND_VENDORS,
    ),
    Choice(
        "vendor_li_objection",
        frozenset({"storage_then_li", "storage_only"}),
        vendor_li_objections=("google",),
        **STORAGE_AND_VENDORS,
    ),
    Choice("category_only", frozenset(), frozenset({"analytics"}), categories=("analytics",)),
    # Google's flexible purposes moved to consent by the publisher: its LI no longer counts.
    Choice(
        "restricted_to_consent",
        frozenset({"storage_then_li", "storage_only"}),
        site_restrictions=tuple(("google", p, REQUIRE_CONSENT) for p in (2, 7, 9, 10)),
        **STORAGE_AND_VENDORS,
    ),
    Choice(
        "storage_not_allowed",
        frozenset({"google", "storage_then_li"}),
        frozenset(CATEGORIES),
        button="accept",
        site_restrictions=(("consent_only", 1, NOT_ALLOWED), ("storage_only", 1, NOT_ALLOWED)),
    ),
    # Purpose-one treatment: storage needs no consent, legitimate interest stands for the others.
    Choice(
        "purpose_one_treatment",
        frozenset({"google", "storage_then_li", "li_without_storage", "storage_only"}),
        vendor_consents=True,
        purpose_one_treatment=True,
    ),
    # ... except where the publisher does not allow purpose 1 to a vendor that declares it.
    Choice(
        "purpose_one_treatment_storage_not_allowed",
        frozenset({"google", "storage_then_li", "li_without_storage"}),
        vendor_consents=True,
        purpose_one_treatment=True,
        site_restrictions=(("storage_only", 1, NOT_ALLOWED),),
    ),
)


def configure(site: Any, snapshot: GvlSnapshot, kinds: dict[str, int], choice: Choice) -> None:
    for kind, purpose, restriction_type in choice.site_restrictions:
        restrictions.set_restriction(site, snapshot, kinds[kind], purpose, restriction_type)
    if choice.purpose_one_treatment:
        site.purpose_one_treatment = True
        site.save()


def scripts(kinds: dict[str, int]) -> list[tuple[str | None, int | None]]:
    """(category, vendor) of every tagged script on the test page."""
    return [
        *((None, vendor) for vendor in kinds.values()),
        *((slug, None) for slug in CATEGORIES),
        ("advertisement", GOOGLE),
    ]


def label(category: str | None, vendor: int | None) -> str:
    return f"{category or ''}/{vendor or ''}"


def expected(choice: Choice, kinds: dict[str, int]) -> set[str]:
    allowed_vendors = {kinds[k] for k in choice.vendors_allowed}
    return {
        label(category, vendor)
        for category, vendor in scripts(kinds)
        if (category is None or category in choice.categories_allowed)
        and (vendor is None or vendor in allowed_vendors)
    }


class Checks:
    """The downstream check over HTTP, with the site's key."""

    def __init__(self, api: Any, site_key: str, key: str) -> None:
        self.api, self.site_key, self.key = api, site_key, key

    def one(self, user_id: str, query: str) -> dict[str, Any]:
        response = self.api.get(
            f"/api/v1/sites/{self.site_key}/users/{user_id}/consent/check?{query}", self.key
        )
        assert response.status_code == 200, response.content
        return response.json()

    def allowed(self, user_id: str, category: str | None, vendor: int | None) -> bool:
        asked = [f"category={category}"] * bool(category) + [f"vendor={vendor}"] * bool(vendor)
        return all(self.one(user_id, query)["allowed"] for query in asked)

    def allowed_vendors(self, user_id: str, vendor_ids: list[int]) -> set[int]:
        allowed: set[int] = set()
        for start in range(0, len(vendor_ids), 500):
            batch = vendor_ids[start : start + 500]
            response = self.api.post(
                f"/api/v1/sites/{self.site_key}/consent-checks",
                {"questions": [{"user_id": user_id, "vendor": v} for v in batch]},
                Authorization=f"Api-Key {self.key}",
            )
            assert response.status_code == 200, response.content
            allowed |= {v for v, a in zip(batch, response.json()["answers"], strict=True) if a["allowed"]}
        return allowed


# --- over HTTP ------------------------------------------------------------------------------------


@pytest.mark.parametrize("choice", MATRIX, ids=lambda c: c.name)
def test_check_answers_the_matrix_and_the_post_ships_its_vendor_answers(
    api, site, catalogue, api_key_for, choice
):
    kinds = vendor_kinds(catalogue)
    configure(site, catalogue, kinds, choice)
    answer = api.consent(site.key, choice.body(kinds, catalogue))
    assert answer.status_code == 201, answer.content
    user_id = answer.json()["user_id"]
    checks = Checks(api, site.key, api_key_for(site, "check"))

    answered = {label(c, v) for c, v in scripts(kinds) if checks.allowed(user_id, c, v)}
    assert answered == expected(choice, kinds)

    # What the banner gates on is the check's vendor-only answer for every disclosed vendor.
    disclosed = sorted(catalogue.active_vendor_ids())
    shipped = decode_vendor_set(answer.json()["vendors_allowed"])
    assert shipped == checks.allowed_vendors(user_id, disclosed)


# --- in Chromium ----------------------------------------------------------------------------------


def _switch(page: Any, key: str, which: int = 0) -> Any:
    return page.locator(f"[data-key='{key}'] input[role=switch]").nth(which)


def choose_in_banner(page: Any, choice: Choice, kinds: dict[str, int], snapshot: GvlSnapshot) -> None:
    if choice.button:
        page.click(f".cmp-bar [data-cmp={choice.button}]")
        return
    page.click(".cmp-bar [data-cmp=customise]")
    expect(page.get_by_role("dialog")).to_be_visible()
    for slug in choice.categories:
        _switch(page, f"c-{slug}").check()
    page.get_by_role("tab", name="Purposes & Features").click()
    for purpose in choice.purposes:
        _switch(page, f"p{purpose}").check()
    for purpose in choice.purpose_li_objections:
        # A purpose shows an LI switch only where some vendor claims LI for it.
        if page.locator(f"[data-key='p{purpose}'] input[role=switch]").count() > 1:
            _switch(page, f"p{purpose}", 1).uncheck()
    if choice.vendor_consents or choice.vendor_li_objections:
        page.get_by_role("tab", name="Vendors").click()
        expect(page.locator(f"[data-key='v{GOOGLE}']")).to_be_visible()
        for vendor_id in kinds.values():
            # The banner offers no consent switch where the publisher allows none of the vendor's
            # consent purposes.
            switches = page.locator(f"[data-key='v{vendor_id}'] input[role=switch]").count()
            if choice.vendor_consents and snapshot.vendors[vendor_id].purposes and switches:
                _switch(page, f"v{vendor_id}").check()
        for kind in choice.vendor_li_objections:
            vendor = snapshot.vendors[kinds[kind]]
            _switch(page, f"v{vendor.id}", 1 if vendor.purposes else 0).uncheck()
    page.click(".cmp-dlg [data-cmp=save]")


def publisher_page(other_origin: Any, stub_source: str, cmp_server: str, kinds: dict[str, int]) -> str:
    root, port = other_origin

    def tag(category: str | None, vendor: int | None) -> str:
        tagged_with = (f' data-category="{category}"' if category else "") + (
            f' data-vendor="{vendor}"' if vendor else ""
        )
        run = f"(window.__ran = window.__ran || []).push({label(category, vendor)!r})"
        return f'<script type="text/plain"{tagged_with}>{run}</script>'

    tagged = "\n".join(tag(c, v) for c, v in scripts(kinds))
    (root / "tagged-scripts.html").write_text(
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tagged scripts</title>
<script>{stub_source}</script>
<script src="{cmp_server}/static/consent/cmp.js" data-site="{DEMO_SITE_KEY}" async></script></head>
<body><h1>Publisher</h1>{tagged}</body></html>"""
    )
    return f"http://127.0.0.1:{port}/tagged-scripts.html"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("choice", MATRIX, ids=lambda c: c.name)
def test_tagged_scripts_run_exactly_when_the_check_allows(
    page, demo_site, other_origin, stub_source, cmp_server, cookies, cmp_ping, api, api_key_for, choice
):
    snapshot = current_gvl()
    kinds = vendor_kinds(snapshot)
    configure(demo_site, snapshot, kinds, choice)
    url = publisher_page(other_origin, stub_source, cmp_server, kinds)
    page.goto(url)
    cmp_ping.wait_loaded(page)
    assert page.evaluate("window.__ran || []") == [], "nothing runs before a choice"

    choose_in_banner(page, choice, kinds, snapshot)
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()
    user_id = cookies()["meta"]["user_id"]
    checks = Checks(api, demo_site.key, api_key_for(demo_site, "check"))
    allowed = {label(c, v) for c, v in scripts(kinds) if checks.allowed(user_id, c, v)}
    assert set(page.evaluate("window.__ran || []")) == allowed
    assert allowed == expected(choice, kinds)

    # The next page view gates from the cookie alone, with the same answers.
    page.goto(url)
    cmp_ping.wait_loaded(page)
    expect(page.locator(".cmp-bar")).to_have_count(0)
    assert sorted(page.evaluate("window.__ran || []")) == sorted(allowed)


@pytest.mark.browser
def test_a_cookie_without_the_vendor_answer_asks_again_and_holds_vendor_scripts(
    page, context, demo_site, other_origin, stub_source, cmp_server, cookies, cmp_ping
):
    snapshot = current_gvl()
    kinds = vendor_kinds(snapshot)
    url = publisher_page(other_origin, stub_source, cmp_server, kinds)
    page.goto(url)
    cmp_ping.wait_loaded(page)
    page.click(".cmp-bar [data-cmp=accept]")
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()
    assert label(None, GOOGLE) in page.evaluate("window.__ran")

    # A choice stored before the POST answered `vendors_allowed` (cookie field `va`).
    page.evaluate(
        """() => {
          const m = JSON.parse(decodeURIComponent(document.cookie.match(/cmp_consent=([^;]*)/)[1]));
          delete m.va;
          document.cookie = 'cmp_consent=' + encodeURIComponent(JSON.stringify(m)) + '; path=/';
        }"""
    )
    assert "va" not in cookies()["meta"]
    page.goto(url)
    cmp_ping.wait_loaded(page)
    expect(page.locator(".cmp-bar")).to_be_visible()
    assert sorted(page.evaluate("window.__ran || []")) == sorted(label(slug, None) for slug in CATEGORIES)

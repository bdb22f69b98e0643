"""The banner in German, Polish and Greek, as a publisher of each would see it in Chromium: every
visible string in that language (the only English is what the IAB has not translated, marked
lang="en"), the purposes in the IAB's own words from the bundle, ConsentLanguage DE / PL / EL, and
a language switch that changes the language without a reload and is remembered."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from privacy_signals.tcf import decode
from sites.texts import BANNER_TEXTS, DEFAULT_CATEGORIES, OWN_COOKIE_DURATION, OWN_COOKIES, translated
from vendors.management.commands.load_bundled_catalogue import BUNDLED_GVL, BUNDLED_TRANSLATION_BUNDLE

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "pl", "el"]
BUNDLE = json.loads(BUNDLED_TRANSLATION_BUNDLE.read_bytes())
GVL = json.loads(BUNDLED_GVL.read_bytes())
# Words that are the same in the language shown (German and Greek write "Cookie(s)" too).
SAME_IN_EVERY_LANGUAGE = {"Cookie", "Cookies", "TCF", "Domain"}
# The IAB has no translation of special purpose 3 in the bundle (docs/BANNER.md): it is English.
SP3 = GVL["specialPurposes"]["3"]
ENGLISH_BY_DESIGN = {SP3["name"], SP3["description"], *SP3["illustrations"]}


def english_strings() -> set[str]:
    found = set(BANNER_TEXTS.values()) | {
        text for _, name, text in DEFAULT_CATEGORIES for text in (name, text)
    }
    found |= {text for _, text in OWN_COOKIES} | {OWN_COOKIE_DURATION}
    for section in ("purposes", "specialPurposes", "features", "specialFeatures", "dataCategories"):
        for entry in GVL[section].values():
            found |= {entry["name"], entry.get("description", "")} | set(entry.get("illustrations", []))
    return {text for text in found if text and text not in ENGLISH_BY_DESIGN}


ENGLISH = english_strings()
# Long stretches of English text, placeholders cut out: any of them inside a line is English.
ENGLISH_FRAGMENTS = {
    part.strip() for text in ENGLISH for part in re.split(r"\{[a-z]+\}", text) if len(part.strip()) >= 14
}


def assert_no_english(lines: list[str], where: str) -> None:
    for line in lines:
        line = line.strip()
        if not line or line in SAME_IN_EVERY_LANGUAGE or line in ENGLISH_BY_DESIGN:
            continue
        assert line not in ENGLISH, f"English on {where}: {line!r}"
        for fragment in ENGLISH_FRAGMENTS:
            assert fragment not in line, f"English on {where}: {fragment!r} in {line!r}"


def visible_strings(page) -> list[str]:
    """The rendered text of the banner, line by line, and the labels a screen reader announces."""
    text = page.locator("#cmp-root").inner_text().split("\n")
    labels = page.evaluate(
        """(selector) => [...document.getElementById('cmp-root').querySelectorAll(selector)]
            .filter(e => e.closest('[hidden]') === null)
            .flatMap(e => ['aria-label', 'placeholder', 'title'].map(name => e.getAttribute(name)))
            .filter(Boolean)""",
        "[aria-label], [placeholder], [title]",
    )
    return text + labels


@pytest.fixture
def eu_site(demo_site):
    """The demo site listing German, Polish and Greek after English and French, with only the
    cookies this CMP sets (their descriptions are the project's, so translated)."""
    from sites.models import CookieDeclaration

    demo_site.languages = ["en", "fr", *LANGUAGES]
    demo_site.save()
    CookieDeclaration.objects.filter(category__site=demo_site).exclude(source="this CMP").delete()
    return demo_site


@pytest.fixture
def publisher_page(page, cmp_server, other_origin, stub_source, eu_site):
    """Opens a publisher page on another origin whose <html lang> is `lang`."""
    root, port = other_origin

    def go(lang: str) -> object:
        (root / f"page-{lang}.html").write_text(
            f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{lang}</title>
<script>{stub_source}</script>
<script src="{cmp_server}/static/consent/cmp.js" data-site="demo" async></script></head>
<body><h1>{lang}</h1></body></html>""",
            encoding="utf-8",
        )
        page.goto(f"http://127.0.0.1:{port}/page-{lang}.html")
        # The first document of a language parses the GVL: allow for a loaded machine.
        expect(page.locator(".cmp-bar")).to_be_visible(timeout=20000)
        return page

    return go


def tc_cookie(context) -> str:
    return next(unquote(c["value"]) for c in context.cookies() if c["name"] == "euconsent-v2")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_first_layer_and_every_tab_speak_the_language(publisher_page, context, lang):
    page = publisher_page(lang)
    assert page.locator("#cmp-root").get_attribute("lang") == lang
    bar = page.locator(".cmp-bar")
    expect(page.locator("#cmp-title")).to_have_text(translated(BANNER_TEXTS["title"], lang))
    for key in ("accept_all", "reject_all", "customise"):
        expect(
            bar.get_by_role("button", name=translated(BANNER_TEXTS[key], lang), exact=True)
        ).to_be_visible()
    listed = bar.locator("#cmp-purpose-list li").all_inner_texts()
    assert listed[:11] == [BUNDLE["purposes"][str(i)][lang]["name"] for i in range(1, 12)]
    assert_no_english(visible_strings(page), f"the {lang} first layer")

    bar.locator("[data-cmp=customise]").click()
    dialog = page.locator(".cmp-dlg")
    expect(dialog.locator("#cmp-ptitle")).to_have_text(translated(BANNER_TEXTS["preferences_title"], lang))
    dialog.locator("[data-key='c-necessary'] .cmp-acc").click()
    expect(dialog.locator("[data-key='c-necessary'] .cmp-tbl")).to_be_visible()
    expect(dialog.locator("[data-key='c-necessary'] .cmp-acc")).to_have_text(translated("Necessary", lang))
    assert_no_english(visible_strings(page), f"the {lang} cookie categories tab")

    dialog.get_by_role("tab", name=translated(BANNER_TEXTS["tab_purposes"], lang)).click()
    for pid in (1, 2, 7):
        dialog.locator(f"[data-key='p{pid}'] .cmp-acc").click()
        iab = BUNDLE["purposes"][str(pid)][lang]
        expect(dialog.locator(f"[data-key='p{pid}'] .cmp-acc")).to_have_text(iab["name"])
        expect(dialog.locator(f"[data-key='p{pid}'] .cmp-det")).to_contain_text(iab["description"])
        for illustration in iab["illustrations"]:
            expect(dialog.locator(f"[data-key='p{pid}'] .cmp-det")).to_contain_text(illustration)
    for key, section in (
        ("special_purposes1", "specialPurposes"),
        ("features1", "features"),
        ("sf1", "specialFeatures"),
    ):
        expect(dialog.locator(f"[data-key='{key}'] .cmp-acc")).to_have_text(
            BUNDLE[section]["1"][lang]["name"]
        )
    english_only = dialog.locator("[data-key='special_purposes3']")
    assert english_only.get_attribute("lang") == "en"
    english_only.locator(".cmp-acc").click()
    expect(english_only.locator(".cmp-note")).to_have_text(translated(BANNER_TEXTS["english_only"], lang))
    assert_no_english(visible_strings(page), f"the {lang} purposes tab")

    dialog.get_by_role("tab", name=translated(BANNER_TEXTS["tab_vendors"], lang)).click()
    expect(dialog.locator("[data-key='v755']")).to_be_visible()
    dialog.locator("[data-key='v755'] .cmp-acc").click()
    details = dialog.locator("[data-key='v755'] .cmp-det")
    expect(details).to_contain_text(BUNDLE["purposes"]["1"][lang]["name"])
    expect(details).to_contain_text(BUNDLE["dataCategories"]["1"][lang]["name"])
    # Vendor names are names; the rest of the tab must not be English.
    vendor_names = set(dialog.locator("[data-key^='v'] .cmp-acc, [data-key^='a'] .cmp-acc").all_inner_texts())
    assert_no_english([s for s in visible_strings(page) if s not in vendor_names], f"the {lang} vendors tab")

    dialog.locator("[data-cmp=accept]").click()
    page.wait_for_function("() => document.cookie.includes('euconsent-v2=')")
    assert decode(tc_cookie(context)).consent_language == lang.upper()


def test_switch_changes_the_language_without_reload_and_is_remembered(
    publisher_page, context, screenshots_dir
):
    page = publisher_page("de")
    page.evaluate("window.__sameDocument = true")
    page.locator(".cmp-bar [data-cmp=customise]").click()
    dialog = page.locator(".cmp-dlg")
    dialog.get_by_role("tab", name=translated(BANNER_TEXTS["tab_purposes"], "de")).click()
    # A choice made before the switch survives it.
    dialog.get_by_role(
        "switch", name=f"{translated('Consent', 'de')}: {BUNDLE['purposes']['2']['de']['name']}"
    ).check()
    switch = dialog.locator(".cmp-lang")
    assert switch.get_attribute("aria-label") == translated(BANNER_TEXTS["language"], "de")
    options = switch.locator("option")
    assert options.all_inner_texts() == ["English", "Français", "Deutsch", "Polski", "Ελληνικά"]
    assert [options.nth(i).get_attribute("value") for i in range(5)] == ["en", "fr", "de", "pl", "el"]

    switch.select_option("el")

    expect(dialog.locator("#cmp-ptitle")).to_have_text(translated(BANNER_TEXTS["preferences_title"], "el"))
    assert page.evaluate("window.__sameDocument") is True
    assert page.locator("#cmp-root").get_attribute("lang") == "el"
    expect(dialog.get_by_role("tab", selected=True)).to_have_text(
        translated(BANNER_TEXTS["tab_purposes"], "el")
    )
    expect(dialog.locator("[data-key='p2'] .cmp-acc")).to_have_text(BUNDLE["purposes"]["2"]["el"]["name"])
    expect(
        dialog.get_by_role(
            "switch", name=f"{translated('Consent', 'el')}: {BUNDLE['purposes']['2']['el']['name']}"
        )
    ).to_be_checked()
    expect(page.locator(".cmp-lang:focus")).to_have_count(1)
    assert_no_english(visible_strings(page), "the preferences after switching to Greek")
    page.screenshot(path=screenshots_dir / "preferences-el-after-switch.png")

    # The page says German, but the visitor's own pick wins from now on.
    page.reload()
    expect(page.locator(".cmp-bar")).to_be_visible(timeout=20000)
    expect(page.locator("#cmp-title")).to_have_text(translated(BANNER_TEXTS["title"], "el"))
    page.locator(".cmp-bar .cmp-lang").select_option("pl")
    expect(page.locator("#cmp-title")).to_have_text(translated(BANNER_TEXTS["title"], "pl"))
    page.locator(".cmp-bar [data-cmp=reject]").click()
    page.wait_for_function("() => document.cookie.includes('euconsent-v2=')")
    assert decode(tc_cookie(context)).consent_language == "PL"


def test_browser_languages_count_when_the_page_names_none(
    chromium, eu_site, cmp_server, other_origin, stub_source
):
    root, port = other_origin
    (root / "no-lang.html").write_text(
        f"""<!doctype html><html><head><meta charset="utf-8"><title>x</title><script>{stub_source}</script>
<script src="{cmp_server}/static/consent/cmp.js" data-site="demo" async></script></head>
<body></body></html>""",
        encoding="utf-8",
    )
    context = chromium.new_context(locale="pl-PL")
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/no-lang.html")
        expect(page.locator("#cmp-title")).to_have_text(
            translated(BANNER_TEXTS["title"], "pl"), timeout=20000
        )
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_first_layer_fits_a_phone(publisher_page, page, screenshots_dir, lang):
    page.set_viewport_size({"width": 360, "height": 640})
    publisher_page(lang)
    page.wait_for_timeout(200)
    overflow = page.evaluate(
        """() => {
          const bar = document.querySelector('.cmp-bar').getBoundingClientRect();
          const out = [];
          const outside = (r, box) => r.left < box.left || r.right > box.right || r.bottom > box.bottom;
          if (bar.top < 0 || outside(bar, {left: 0, right: innerWidth, bottom: innerHeight})) out.push('bar');
          // The text scrolls inside the bar by design; the buttons and the switch must all show.
          for (const b of document.querySelectorAll('.cmp-btns button, .cmp-top select')) {
            if (outside(b.getBoundingClientRect(), bar)) out.push('outside: ' + b.textContent);
            const clipped = b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1;
            if (clipped) out.push('clipped: ' + b.textContent);
          }
          if (document.documentElement.scrollWidth > innerWidth) out.push('page scrolls sideways');
          return out;
        }"""
    )
    assert overflow == []
    page.screenshot(path=screenshots_dir / f"first-layer-{lang}-360x640.png")

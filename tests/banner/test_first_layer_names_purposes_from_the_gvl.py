"""The first layer names the purposes and special features the site's vendors use, with the names of
the GVL version in use in the visitor's language (the banner document's, never the script's own),
the vendor counts, and Reject All with the same weight as Accept All. A site that enables stacks
gets the stacks' names instead of the purposes they cover, none named twice."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from vendors.catalogue import current_gvl
from vendors.management.commands.load_bundled_catalogue import BUNDLED_GVL, BUNDLED_TRANSLATION_BUNDLE

BUNDLE = json.loads(BUNDLED_TRANSLATION_BUNDLE.read_bytes())
GVL = json.loads(BUNDLED_GVL.read_bytes())

pytestmark = pytest.mark.browser


def names(document, section, ids):
    by_id = {entry["id"]: entry["name"] for entry in document[section]}
    return [by_id[i] for i in ids]


@pytest.fixture
def german_site(demo_site):
    demo_site.languages = ["en", "de"]
    demo_site.save()
    return demo_site


@pytest.mark.parametrize("lang", ["en", "de"])
def test_first_layer_names_what_the_document_names(page, cmp_server, german_site, lang):
    page.goto(f"{cmp_server}/demo/?lang={lang}")
    page.evaluate("lang => localStorage.setItem('cmp_lang', lang)", lang)
    page.reload()
    bar = page.locator(".cmp-bar")
    expect(bar).to_be_visible()
    document = page.evaluate(
        "lang => fetch('/api/v1/sites/demo/banner?lang=' + lang).then(r => r.json())", lang
    )
    assert document["site"]["language"] == lang
    shown = document["first_layer"]
    assert shown["stacks"] == []
    assert shown["purposes"], "the demo site's vendors use purposes"
    assert shown["special_features"], "and special features"
    assert bar.locator("#cmp-purpose-list li").all_inner_texts() == names(
        document, "purposes", shown["purposes"]
    )
    assert bar.locator("#cmp-feature-list li").all_inner_texts() == names(
        document, "special_features", shown["special_features"]
    )
    # The IAB's wording in the language shown, from the catalogue the server imported.
    expected = GVL["purposes"]["1"]["name"] if lang == "en" else BUNDLE["purposes"]["1"]["de"]["name"]
    assert expected != GVL["purposes"]["1"]["name"] or lang == "en"
    assert bar.locator("#cmp-purpose-list li").first.inner_text() == expected
    counts = bar.locator("[data-cmp=counts]")
    expect(counts).to_contain_text(str(document["vendor_count"]))
    expect(counts).to_contain_text(str(document["atp_count"]))
    reject = bar.locator("[data-cmp=reject]")
    accept = bar.locator("[data-cmp=accept]")
    assert reject.get_attribute("class") == accept.get_attribute("class")
    style = "el => ['backgroundColor', 'color', 'fontWeight', 'fontSize'].map(k => getComputedStyle(el)[k])"
    assert reject.evaluate(style) == accept.evaluate(style)


def test_a_site_with_stacks_names_them_and_nothing_twice(page, cmp_server, german_site):
    german_site.first_layer_stacks = True
    german_site.save()
    page.goto(f"{cmp_server}/demo/")
    page.evaluate("localStorage.setItem('cmp_lang', 'de')")
    page.reload()
    bar = page.locator(".cmp-bar")
    expect(bar).to_be_visible()
    document = page.evaluate("fetch('/api/v1/sites/demo/banner?lang=de').then(r => r.json())")
    shown = document["first_layer"]
    assert shown["stacks"], "the demo site's vendors use enough for a stack"
    assert [s["id"] for s in document["stacks"]] == shown["stacks"], "only the stacks shown are sent"
    listed = bar.locator("#cmp-purpose-list li").all_inner_texts()
    assert listed == names(document, "stacks", shown["stacks"]) + names(
        document, "purposes", shown["purposes"]
    )
    stacks = current_gvl("de").stacks
    covered = [p for s in document["stacks"] for p in stacks[s["id"]].purposes]
    assert len(covered) == len(set(covered)), "a purpose sits in one stack at most"
    assert not set(covered) & set(shown["purposes"]), "a purpose of a stack is not named again"

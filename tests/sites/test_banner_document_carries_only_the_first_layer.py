"""The banner document every first page view loads carries what the first layer shows and nothing
the preferences alone read (issue #16: "the first-layer document carrying only what the first layer
shows"); the preferences document, fetched when they open, carries the rest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sites.texts import BANNER_TEXTS, FIRST_LAYER_TEXTS

pytestmark = pytest.mark.django_db

SOURCES = Path(__file__).resolve().parents[2] / "static" / "consent" / "src"
# t("key") in cmp.js, core.t("key") / tx("key") in gpp.js: every text the first layer can show.
TEXT_CALL = re.compile(r"(?<![\w$])(?:core\.t|t|tx)\(\"([a-z_]+)\"")


def keys_read_by(name: str) -> set[str]:
    return set(TEXT_CALL.findall((SOURCES / name).read_text()))


def test_every_text_the_first_layer_reads_is_in_its_document():
    first_layer = (keys_read_by("cmp.js") | keys_read_by("gpp.js")) & set(BANNER_TEXTS)
    assert first_layer, "the pattern no longer finds the scripts' text calls"
    # Nothing missing, and nothing the first layer never shows.
    assert first_layer == FIRST_LAYER_TEXTS


def test_the_preferences_texts_are_left_to_their_document(api, site):
    banner = api.get(f"/api/v1/sites/{site.key}/banner?lang=en").json()
    preferences_only = (keys_read_by("prefs.js") & set(BANNER_TEXTS)) - FIRST_LAYER_TEXTS
    assert {"save", "preferences_title", "search_vendors"} <= preferences_only
    assert not preferences_only & set(banner["texts"])
    assert preferences_only <= set(api.preferences(site.key)["texts"])


def test_no_description_illustration_or_cookie_list_reaches_the_first_layer(api, site, catalogue):
    response = api.get(f"/api/v1/sites/{site.key}/banner?lang=en")
    body = response.content.decode()
    for key in ('"description"', '"illustrations"', '"cookies"', '"standard_texts"', '"publisher"'):
        assert key not in body
    preferences = api.get(response.json()["preferences_url"])
    assert all(p["description"] and "illustrations" in p for p in preferences.json()["purposes"])
    # The first layer's document is a fraction of what it was with the preferences inside.
    assert len(response.content) * 3 < len(response.content) + len(preferences.content)

"""The banner takes every purpose, feature, special-feature and stack name from the GVL version in
use, and its preferences document carries that version's standardTexts in the language shown,
falling back to English item by item (fixture: tests/data/gvl-v2.4-standard-texts.json)."""

from __future__ import annotations

import pytest

from vendors.catalogue import current_gvl

pytestmark = pytest.mark.django_db


def test_names_come_from_the_version_in_use(api, site, gvl_v2_4):
    snapshot = current_gvl("en")
    assert snapshot.vendor_list_version == 107
    site.first_layer_stacks = True  # the document carries only the stacks the first layer shows
    site.save()
    banner = api.preferences(site.key, "en")
    assert banner["cmp"]["gvl_version"] == 107
    for section in ("purposes", "special_purposes", "features", "special_features"):
        assert {entry["id"]: entry["name"] for entry in banner[section]} == {
            item_id: item.name for item_id, item in getattr(snapshot, section).items()
        }
    assert banner["stacks"]
    assert {entry["id"]: entry["name"] for entry in banner["stacks"]} == {
        entry["id"]: snapshot.stacks[entry["id"]].name for entry in banner["stacks"]
    }
    renamed = next(entry for entry in banner["special_features"] if entry["id"] == 2)
    assert renamed["name"] == gvl_v2_4["gvl"]["specialFeatureNames"]["2"]


def test_the_preferences_documents_carry_the_standard_texts(api, site, gvl_v2_4):
    english = gvl_v2_4["gvl"]["standardTexts"]
    vendors_en = api.get(f"/api/v1/sites/{site.key}/vendors?lang=en").json()
    assert vendors_en["standard_texts"] == {
        "features": {"text": english["features"]},
        "special_features": {"text": english["specialFeatures"]},
    }
    vendors_fr = api.get(f"/api/v1/sites/{site.key}/vendors?lang=fr").json()
    assert vendors_fr["standard_texts"] == {
        "features": {"text": gvl_v2_4["translations"]["fr"]["standardTexts"]["features"]},
        "special_features": {"text": english["specialFeatures"], "lang": "en"},
    }
    # The Purposes & Features tab reads the preferences document: the same texts are there.
    banner_fr = api.preferences(site.key, "fr")
    assert banner_fr["standard_texts"] == vendors_fr["standard_texts"]


def test_a_version_before_tcf_2_4_has_none(api, site):
    assert api.get(f"/api/v1/sites/{site.key}/vendors?lang=en").json()["standard_texts"] == {}
    assert api.preferences(site.key, "en")["standard_texts"] == {}

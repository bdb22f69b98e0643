"""TCF v2.4's `standardTexts`, and any GVL field this product does not know, survive import, storage,
translation and /api/v1/gvl/ (fixture: tests/data/gvl-v2.4-standard-texts.json)."""

from __future__ import annotations

import pytest

from vendors.catalogue import gvl_snapshot
from vendors.gvl_format import GvlFormatError, parse_gvl
from vendors.models import GvlTranslation, GvlVersion

pytestmark = pytest.mark.django_db


def test_the_stored_documents_keep_every_field(gvl_v2_4):
    stored = GvlVersion.objects.get(vendor_list_version=107).document
    assert stored["standardTexts"] == gvl_v2_4["gvl"]["standardTexts"]
    assert stored["futureTopLevelField"] == gvl_v2_4["gvl"]["futureTopLevelField"]
    assert stored["vendors"]["755"]["futureVendorField"] == {"kind": "test", "enabled": True}
    french = GvlTranslation.objects.get(language="fr").document
    assert french["standardTexts"] == gvl_v2_4["translations"]["fr"]["standardTexts"]


def test_a_translation_replaces_standard_texts_item_by_item(gvl_v2_4):
    english = gvl_v2_4["gvl"]["standardTexts"]
    snapshot = gvl_snapshot(107, "fr")
    assert snapshot.standard_texts == {
        "features": gvl_v2_4["translations"]["fr"]["standardTexts"]["features"],
        "special_features": english["specialFeatures"],
    }
    assert snapshot.english_only("standard_texts", "special_features")
    assert not snapshot.english_only("standard_texts", "features")
    assert gvl_snapshot(106, "fr").standard_texts == {}


def test_the_api_answers_standard_texts_and_unknown_fields(gvl_v2_4, client):
    root = client.get("/api/v1/gvl/", {"version": 107}).json()
    assert root["standard_texts"]["features"] == gvl_v2_4["gvl"]["standardTexts"]["features"]
    assert root["extra"] == {"futureTopLevelField": gvl_v2_4["gvl"]["futureTopLevelField"]}
    features = client.get("/api/v1/gvl/features", {"lang": "fr"}).json()
    assert features["standard_texts"]["features"].startswith("Les fonctionnalités")
    assert features["special_features"][1]["name"] != gvl_v2_4["gvl"]["specialFeatureNames"]["2"]
    english = client.get("/api/v1/gvl/features").json()
    assert english["special_features"][1]["name"] == gvl_v2_4["gvl"]["specialFeatureNames"]["2"]
    vendor = client.get("/api/v1/gvl/vendors/755").json()["vendor"]
    assert vendor["extra"] == {"futureVendorField": {"kind": "test", "enabled": True}}
    assert "extra" not in client.get("/api/v1/gvl/vendors/1").json()["vendor"]
    assert client.get("/api/v1/gvl/", {"version": 106}).json()["standard_texts"] == {}


def test_a_standard_text_that_is_not_text_is_refused(v106_document):
    v106_document["standardTexts"] = {"features": ["not", "a", "string"]}
    with pytest.raises(GvlFormatError, match=r"standardTexts\.features must be a string"):
        parse_gvl(v106_document)


def test_the_translation_admin_names_the_explanations_shown_in_english(gvl_v2_4, admin_client):
    page = admin_client.get("/admin/vendors/gvltranslation/").content.decode()
    assert "standardTexts special_features" in page

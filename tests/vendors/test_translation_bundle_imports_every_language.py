"""The IAB's texts in every language of the fideslang bundle, beside the raw purposes-xx.json files:
the raw files win, what the IAB has not translated is English and flagged, never passed off."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from vendors.catalogue import gvl_snapshot
from vendors.gvl_format import GvlFormatError
from vendors.importing import import_gvl, import_translation, import_translation_bundle
from vendors.management.commands.load_bundled_catalogue import (
    BUNDLED_TRANSLATION_BUNDLE,
    BUNDLED_TRANSLATIONS,
)
from vendors.models import GvlTranslation, Purpose, Stack

pytestmark = pytest.mark.django_db

BUNDLE_BYTES = BUNDLED_TRANSLATION_BUNDLE.read_bytes()
BUNDLE = json.loads(BUNDLE_BYTES)
LANGUAGES = sorted(BUNDLE["purposes"]["1"].keys() - {"en"})


def test_every_bundle_language_lands_with_the_iab_texts(empty_catalogue, v106_bytes):
    import_gvl(v106_bytes)

    reports = import_translation_bundle(BUNDLE_BYTES, source="bundle", provenance="fideslang CC BY 4.0")

    assert sorted(r.language for r in reports) == LANGUAGES
    assert len(LANGUAGES) == 35
    for language in ("de", "pl", "el", "pt-pt", "sr-cyrl"):
        snapshot = gvl_snapshot(106, language)
        assert snapshot.language == language
        for section, key in (
            ("purposes", "purposes"),
            ("special_features", "specialFeatures"),
            ("features", "features"),
            ("data_categories", "dataCategories"),
        ):
            for item_id, taxon in getattr(snapshot, section).items():
                iab = BUNDLE[key][str(item_id)][language]
                assert (taxon.name, taxon.description, list(taxon.illustrations)) == (
                    iab["name"],
                    iab["description"],
                    iab.get("illustrations", []),
                )
    german = GvlTranslation.objects.get(language="de")
    assert german.vendor_list_version is None
    assert german.provenance == "fideslang CC BY 4.0"
    assert Purpose.objects.filter(language="de").count() == 11
    assert not Stack.objects.filter(language="de").exists()


def test_items_the_iab_did_not_translate_are_english_and_flagged(empty_catalogue, v106_bytes):
    english = json.loads(v106_bytes)
    import_gvl(v106_bytes)
    import_translation_bundle(BUNDLE_BYTES, languages=["de"])

    german = gvl_snapshot(106, "de")

    assert german.special_purposes[1].name == BUNDLE["specialPurposes"]["1"]["de"]["name"]
    assert german.special_purposes[3].name == english["specialPurposes"]["3"]["name"]
    assert german.english_only("special_purposes", 3)
    assert not german.english_only("special_purposes", 1)
    assert {i for s, i in german.untranslated if s == "stacks"} == {int(k) for k in english["stacks"]}
    assert {s for s, _ in german.untranslated} == {"special_purposes", "stacks"}
    assert not gvl_snapshot(106, "en").untranslated


def test_a_raw_file_is_never_replaced_by_the_bundle(empty_catalogue, v106_bytes):
    import_gvl(v106_bytes)
    raw = json.loads(BUNDLED_TRANSLATIONS["pt-pt"].read_bytes())
    import_translation(BUNDLED_TRANSLATIONS["pt-pt"].read_bytes(), "pt-pt")

    (report,) = import_translation_bundle(BUNDLE_BYTES, languages=["pt-pt"])

    assert report.kept_versioned_file
    stored = GvlTranslation.objects.get(language="pt-pt")
    assert stored.vendor_list_version == 165
    portuguese = gvl_snapshot(106, "pt-pt")
    # The raw v165 file has special purpose 3 and the stacks, which the bundle lacks.
    assert portuguese.special_purposes[3].name == raw["specialPurposes"]["3"]["name"]
    assert portuguese.stacks[1].name == raw["stacks"]["1"]["name"]
    assert not portuguese.untranslated
    # A later raw file replaces a bundle translation.
    import_translation_bundle(BUNDLE_BYTES, languages=["de"])
    french = BUNDLED_TRANSLATIONS["fr"].read_bytes()
    import_translation(french, "de")
    assert GvlTranslation.objects.get(language="de").vendor_list_version == 30


def test_a_file_that_is_not_a_bundle_is_refused(empty_catalogue, v106_bytes):
    with pytest.raises(GvlFormatError):
        import_translation_bundle(v106_bytes)
    with pytest.raises(GvlFormatError):
        import_translation_bundle(BUNDLED_TRANSLATIONS["fr"].read_bytes())


def test_bundled_catalogue_loads_every_language_and_the_admin_flags_english_items(
    empty_catalogue, admin_client
):
    call_command("load_bundled_catalogue", verbosity=0)
    assert GvlTranslation.objects.get(language="fr").vendor_list_version == 30
    assert GvlTranslation.objects.get(language="pt-pt").vendor_list_version == 165
    assert GvlTranslation.objects.filter(vendor_list_version__isnull=True).count() == 33

    page = admin_client.get(reverse("admin:vendors_gvltranslation_changelist")).content.decode()
    assert "Shown in English (the IAB has no text for them)" in page
    assert "special purposes 3; stacks 1-45" in page
    german = GvlTranslation.objects.get(language="de")
    detail = admin_client.get(
        reverse("admin:vendors_gvltranslation_change", args=[german.pk])
    ).content.decode()
    assert "special purposes 3; stacks 1-45" in detail
    # The admin in German, from the project's own catalogue.
    german_page = admin_client.get(
        reverse("admin:vendors_gvltranslation_changelist"), HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "Auf Englisch angezeigt (die IAB hat keinen Text dafür)" in german_page
    assert "besondere Zwecke 3; Stapel 1-45" in german_page

"""purposes-xx.json translations import per language into the same taxonomy models."""

import json

import pytest

from vendors.catalogue import gvl_snapshot
from vendors.gvl_format import GvlFormatError
from vendors.importing import GvlImportError, import_gvl, import_translation
from vendors.models import GvlTranslation, Purpose, SpecialPurpose, Stack

pytestmark = pytest.mark.django_db


def test_french_texts_land_in_the_taxonomy_models(empty_catalogue, v106_bytes, gvl_files):
    import_gvl(v106_bytes)
    french = json.loads(gvl_files["fr"].read_bytes())

    report = import_translation(gvl_files["fr"].read_bytes(), "FR")

    assert report.language == "fr"
    assert Purpose.objects.filter(language="fr").count() == len(french["purposes"])
    assert Purpose.objects.filter(language="en").count() == 11
    purpose_one = Purpose.objects.get(language="fr", iab_id=1)
    assert purpose_one.name == french["purposes"]["1"]["name"]
    assert purpose_one.illustrations == french["purposes"]["1"]["illustrations"]
    assert Stack.objects.filter(language="fr").count() == len(french["stacks"])
    assert SpecialPurpose.objects.filter(language="fr").count() == len(french["specialPurposes"])


def test_snapshot_in_french_falls_back_to_english_for_missing_entries(empty_catalogue, v106_bytes, gvl_files):
    import_gvl(v106_bytes)
    import_translation(gvl_files["fr"].read_bytes(), "fr")
    french = json.loads(gvl_files["fr"].read_bytes())
    english = json.loads(v106_bytes)

    snapshot = gvl_snapshot(106, "fr")

    assert snapshot.language == "fr"
    assert snapshot.purposes[1].name == french["purposes"]["1"]["name"]
    assert snapshot.data_categories[1].name == french["dataCategories"]["1"]["name"]
    # Special purpose 3 arrived with policy 5, after this translation was made.
    assert "3" not in french["specialPurposes"]
    assert snapshot.special_purposes[3].name == english["specialPurposes"]["3"]["name"]
    assert set(snapshot.stacks) == {int(k) for k in english["stacks"]}
    assert gvl_snapshot(106, "de").language == "en"


def test_reimport_is_a_no_op_and_a_new_file_replaces_the_texts(empty_catalogue, v106_bytes, gvl_files):
    import_gvl(v106_bytes)
    import_translation(gvl_files["fr"].read_bytes(), "fr")
    assert import_translation(gvl_files["fr"].read_bytes(), "fr").already_imported

    changed = json.loads(gvl_files["fr"].read_bytes())
    changed["purposes"]["1"]["name"] = "Stocker des informations"
    changed["vendorListVersion"] = 31
    import_translation(changed, "fr")

    assert Purpose.objects.get(language="fr", iab_id=1).name == "Stocker des informations"
    assert gvl_snapshot(106, "fr").purposes[1].name == "Stocker des informations"
    assert GvlTranslation.objects.get(language="fr").vendor_list_version == 31


def test_the_v2_format_german_file_is_refused_with_a_clear_message(
    empty_catalogue, gvl_files, catalogue_state
):
    before = catalogue_state()
    with pytest.raises(GvlFormatError, match=r"old TCF v2\.0 format"):
        import_translation(gvl_files["de_v2"].read_bytes(), "de")
    assert catalogue_state() == before


def test_a_vendor_list_or_a_bad_language_is_not_a_translation(empty_catalogue, v106_bytes, gvl_files):
    with pytest.raises(GvlFormatError, match=r"vendor list, not a purposes-xx\.json"):
        import_translation(v106_bytes, "fr")
    with pytest.raises(GvlImportError, match="not a language code"):
        import_translation(gvl_files["fr"].read_bytes(), "french!")
    with pytest.raises(GvlImportError, match="English texts come from the vendor list"):
        import_translation(gvl_files["fr"].read_bytes(), "en")
    with pytest.raises(GvlFormatError, match="translation"):
        import_gvl(gvl_files["fr"].read_bytes())

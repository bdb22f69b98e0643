"""The weekly refresh fetches the IAB's purposes-xx.json of every language a site lists, under the
IAB's own code (pt -> purposes-pt-pt.json), and a raw file it fetches replaces a bundle's texts."""

import json

import pytest

from sites.models import Site
from vendors import tasks
from vendors.importing import import_translation_bundle
from vendors.management.commands.load_bundled_catalogue import (
    BUNDLED_TRANSLATION_BUNDLE,
    BUNDLED_TRANSLATIONS,
)
from vendors.models import GvlTranslation, SpecialPurpose

pytestmark = pytest.mark.django_db


def test_refresh_fetches_the_files_of_the_site_languages(empty_catalogue, flaky_server, v106_bytes):
    Site.objects.create(key="jornal", name="Jornal", languages=["pt", "de", "en"])
    import_translation_bundle(BUNDLED_TRANSLATION_BUNDLE.read_bytes(), languages=["de"])
    portuguese = BUNDLED_TRANSLATIONS["pt-pt"].read_bytes()
    german = json.loads(BUNDLED_TRANSLATIONS["pt-pt"].read_bytes())
    german["specialPurposes"]["3"]["name"] = "Datenschutzentscheidungen speichern und übermitteln"
    server = flaky_server(
        v106_bytes,
        failures=0,
        routes={"/purposes-pt-pt.json": portuguese, "/purposes-de.json": json.dumps(german).encode()},
    )

    result = tasks.refresh_gvl.apply(kwargs={"url": server.url}, throw=True)

    assert sorted(server.paths) == ["/purposes-de.json", "/purposes-pt-pt.json", "/vendor-list.json"]
    assert "Imported the pt-pt translation (v165)" in result.get()
    assert GvlTranslation.objects.get(language="pt-pt").vendor_list_version == 165
    # The fetched raw file replaced the bundle's German, which had no special purpose 3.
    assert SpecialPurpose.objects.get(language="de", iab_id=3).name.startswith("Datenschutz")

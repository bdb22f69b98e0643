"""Re-importing a version changes nothing, and imports never overwrite what the admin edited."""

import copy
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vendors.importing import GvlImportError, import_gvl
from vendors.models import GvlVersion, Vendor

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def test_reimporting_the_same_version_changes_nothing(empty_catalogue, v106_bytes, catalogue_state):
    import_gvl(v106_bytes)
    before = catalogue_state()

    with CaptureQueriesContext(connection) as queries:
        report = import_gvl(v106_bytes)

    assert report.already_imported
    assert (report.added, report.removed, report.changed) == ([], [], [])
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert catalogue_state() == before
    assert "already imported" in report.summary()


def test_same_version_number_with_different_content_is_refused(empty_catalogue, v106_bytes, catalogue_state):
    import_gvl(v106_bytes)
    before = catalogue_state()
    tampered = json.loads(v106_bytes)
    tampered["vendors"]["755"]["name"] = "Someone Else"

    with pytest.raises(GvlImportError, match="already imported with different content"):
        import_gvl(tampered)

    assert catalogue_state() == before


def test_admin_edits_survive_a_newer_version(empty_catalogue, v106_document):
    import_gvl(v106_document)
    Vendor.objects.filter(id=755).update(enabled=False, notes="Contract ended")
    newer = copy.deepcopy(v106_document)
    newer["vendorListVersion"] = 107
    newer["vendors"]["755"]["purposes"] = [1, 3]

    report = import_gvl(newer)

    google = Vendor.objects.get(id=755)
    assert (google.enabled, google.notes) == (False, "Contract ended")
    assert google.purposes == [1, 3]
    assert (google.first_version, google.last_version) == (106, 107)
    assert report.changed == [755]
    assert report.previous_version == 106
    assert list(GvlVersion.objects.values_list("vendor_list_version", flat=True)) == [107, 106]

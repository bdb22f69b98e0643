"""Two workers importing the same new version at once: the loser reports it as already imported."""

import pytest

from vendors import importing
from vendors.importing import import_gvl
from vendors.models import GvlVersion

pytestmark = pytest.mark.django_db


def test_the_second_insert_of_a_version_is_reported_as_already_imported(
    empty_catalogue, v106_bytes, monkeypatch
):
    real_store = importing._store_gvl

    def store_after_a_rival(parsed, sha, report, source):
        # The rival commits between our "is it there?" check and our insert.
        monkeypatch.setattr(importing, "_store_gvl", real_store)
        import_gvl(v106_bytes, source="rival worker")
        with monkeypatch.context() as patched:
            patched.setattr(
                GvlVersion.objects, "select_for_update", lambda: GvlVersion.objects.filter(pk__in=[])
            )
            return real_store(parsed, sha, report, source)

    monkeypatch.setattr(importing, "_store_gvl", store_after_a_rival)
    report = import_gvl(v106_bytes, source="this worker")

    assert report.already_imported
    assert list(GvlVersion.objects.values_list("source", flat=True)) == ["rival worker"]

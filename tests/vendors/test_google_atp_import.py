"""Google's Ad Tech Provider list: imported, re-imported without change, removals marked."""

import csv
import io

import pytest

from vendors.catalogue import enabled_atps
from vendors.gvl_format import GvlFormatError
from vendors.importing import import_google_atps
from vendors.models import GoogleAtp

pytestmark = pytest.mark.django_db


@pytest.fixture
def atp_rows(gvl_files) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(gvl_files["atps"].read_text(encoding="utf-8"))))


def _csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["provider_id", "provider_name", "policy_url", "domains"])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_the_bundled_list_imports_every_provider(empty_catalogue, gvl_files, atp_rows):
    report = import_google_atps(gvl_files["atps"].read_bytes())

    assert report.provider_count == len(atp_rows) == 632
    assert GoogleAtp.objects.count() == len(atp_rows)
    first = atp_rows[0]
    stored = GoogleAtp.objects.get(id=int(first["provider_id"]))
    assert (stored.name, stored.policy_url, stored.domains) == (
        first["provider_name"],
        first["policy_url"],
        first["domains"],
    )
    assert (
        import_google_atps(gvl_files["atps"].read_bytes())
        .summary()
        .startswith("Imported 632 Google Ad Tech Providers: 0 added, 0 removed, 0 changed")
    )


def test_missing_providers_are_marked_removed_and_restored_when_back(empty_catalogue, atp_rows):
    import_google_atps(_csv(atp_rows))
    gone, renamed = atp_rows[0], dict(atp_rows[1], provider_name="Renamed Ltd")
    GoogleAtp.objects.filter(id=int(renamed["provider_id"])).update(enabled=False, notes="local note")

    report = import_google_atps(_csv([renamed, *atp_rows[2:]]))

    assert report.removed == [int(gone["provider_id"])]
    assert report.changed == [int(renamed["provider_id"])]
    assert GoogleAtp.objects.get(id=int(gone["provider_id"])).removed_at is not None
    kept = GoogleAtp.objects.get(id=int(renamed["provider_id"]))
    assert (kept.name, kept.enabled, kept.notes) == ("Renamed Ltd", False, "local note")
    listed = set(enabled_atps().values_list("id", flat=True))
    assert int(gone["provider_id"]) not in listed
    assert int(renamed["provider_id"]) not in listed
    assert len(listed) == len(atp_rows) - 2

    back = import_google_atps(_csv(atp_rows))
    assert back.restored == [int(gone["provider_id"])]
    assert GoogleAtp.objects.get(id=int(gone["provider_id"])).removed_at is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,name\n1,x\n", "lacks the column"),
        ('"provider_id","provider_name","policy_url","domains"\nabc,"X","u","d"\n', "not a positive whole"),
        (
            '"provider_id","provider_name","policy_url","domains"\n5,"X","u","d"\n5,"Y","u","d"\n',
            "appears twice",
        ),
        ('"provider_id","provider_name","policy_url","domains"\n5,"X"\n', "does not have 4 fields"),
        ('"provider_id","provider_name","policy_url","domains"\n', "no providers"),
    ],
)
def test_malformed_lists_are_rejected_and_change_nothing(
    empty_catalogue, atp_rows, catalogue_state, content, message
):
    import_google_atps(_csv(atp_rows))
    before = catalogue_state()
    with pytest.raises(GvlFormatError, match=message):
        import_google_atps(content)
    assert catalogue_state() == before

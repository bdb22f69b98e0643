"""v17 then v106: both versions stay available and the import reports the difference."""

import html
import json

import pytest

from vendors.catalogue import gvl_snapshot
from vendors.importing import import_gvl
from vendors.models import GvlVersion, Vendor

pytestmark = pytest.mark.django_db


def _expected_difference(old: dict, new: dict) -> dict[str, list[int]]:
    old_vendors = {int(k): v for k, v in old["vendors"].items()}
    new_vendors = {int(k): v for k, v in new["vendors"].items()}
    common = old_vendors.keys() & new_vendors.keys()

    def normalised(entry: dict) -> str:
        lists = (
            "purposes",
            "legIntPurposes",
            "flexiblePurposes",
            "specialPurposes",
            "features",
            "specialFeatures",
            "dataDeclaration",
        )
        entry = {k: (sorted(v) if k in lists else v) for k, v in entry.items() if v is not None}
        # Names are stored HTML-decoded: one that differs only by its entities has not changed.
        entry["name"] = html.unescape(entry.get("name", ""))
        for key in lists:
            entry.setdefault(key, [])
        return json.dumps(entry, sort_keys=True)

    return {
        "added": sorted(new_vendors.keys() - old_vendors.keys()),
        "removed": sorted(old_vendors.keys() - new_vendors.keys()),
        "changed": sorted(v for v in common if normalised(old_vendors[v]) != normalised(new_vendors[v])),
        "newly_deleted": sorted(
            v for v in common if new_vendors[v].get("deletedDate") and not old_vendors[v].get("deletedDate")
        ),
    }


def test_v17_then_v106_keeps_both_and_reports_the_difference(empty_catalogue, v17_bytes, v106_bytes):
    old, new = json.loads(v17_bytes), json.loads(v106_bytes)
    import_gvl(v17_bytes)

    report = import_gvl(v106_bytes)

    expected = _expected_difference(old, new)
    assert report.previous_version == 17
    assert report.added == expected["added"]
    assert report.removed == expected["removed"]
    assert report.changed == expected["changed"]
    assert report.newly_deleted == expected["newly_deleted"]
    assert report.added
    assert report.removed
    assert report.changed
    assert set(GvlVersion.objects.values_list("vendor_list_version", flat=True)) == {17, 106}

    old_snapshot, new_snapshot = gvl_snapshot(17), gvl_snapshot(106)
    assert (old_snapshot.tcf_policy_version, new_snapshot.tcf_policy_version) == (4, 5)
    assert set(old_snapshot.vendors) == {int(k) for k in old["vendors"]}
    assert set(new_snapshot.vendors) == {int(k) for k in new["vendors"]}
    assert len(old_snapshot.special_purposes) == len(old["specialPurposes"])

    # Vendors dropped from the newer list are kept (consents may name them) but marked by last_version.
    dropped = Vendor.objects.filter(id__in=expected["removed"])
    assert dropped.count() == len(expected["removed"])
    assert set(dropped.values_list("last_version", flat=True)) == {17}
    kept = Vendor.objects.get(id=755)
    assert (kept.first_version, kept.last_version) == (17, 106)
    assert Vendor.objects.filter(last_version=106).count() == len(new["vendors"])


def test_an_older_version_imported_late_does_not_overwrite_newer_data(empty_catalogue, v17_bytes, v106_bytes):
    import_gvl(v106_bytes)
    google_before = Vendor.objects.values().get(id=755)

    report = import_gvl(v17_bytes)

    assert not report.is_newest
    google_after = Vendor.objects.values().get(id=755)
    assert google_after["first_version"] == 17
    assert {k: v for k, v in google_after.items() if k != "first_version"} == {
        k: v for k, v in google_before.items() if k != "first_version"
    }
    only_in_v17 = set(json.loads(v17_bytes)["vendors"]) - set(json.loads(v106_bytes)["vendors"])
    assert Vendor.objects.filter(id__in=[int(v) for v in only_in_v17], last_version=17).count() == len(
        only_in_v17
    )
    assert gvl_snapshot(106).tcf_policy_version == 5

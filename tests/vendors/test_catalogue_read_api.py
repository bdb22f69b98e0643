"""vendors.catalogue: the read API the consent app builds on."""

import pytest

from vendors.catalogue import current_gvl, enabled_atps, enabled_vendor_ids, gvl_snapshot
from vendors.importing import import_gvl
from vendors.models import GoogleAtp, GvlVersion, Vendor

pytestmark = pytest.mark.django_db


def test_nothing_imported_means_none_and_does_not_exist(empty_catalogue):
    assert current_gvl() is None
    with pytest.raises(GvlVersion.DoesNotExist):
        gvl_snapshot(106)


def test_snapshots_are_cached_and_follow_the_newest_version(catalogue, v17_bytes):
    assert gvl_snapshot(106) is gvl_snapshot(106)
    assert gvl_snapshot(106, "fr") is not gvl_snapshot(106)
    import_gvl(v17_bytes)
    assert current_gvl().vendor_list_version == 106
    assert gvl_snapshot(17).vendor_list_version == 17


def test_vendor_objects_carry_every_field_and_are_hashable(catalogue):
    google = catalogue.vendors[755]
    assert google.is_active
    assert isinstance(google.purposes, frozenset)
    assert google in {google}
    deleted = next(v for v in catalogue.vendors.values() if v.deleted_date)
    assert not deleted.is_active
    assert deleted.id not in catalogue.active_vendor_ids()


def test_enabled_helpers_leave_out_what_the_admin_disabled(catalogue):
    Vendor.objects.filter(id=755).update(enabled=False)
    enabled = enabled_vendor_ids(catalogue)
    assert 755 not in enabled
    assert enabled == catalogue.active_vendor_ids() - {755}

    first, second = GoogleAtp.objects.order_by("id")[:2]
    GoogleAtp.objects.filter(id=first.id).update(enabled=False)
    GoogleAtp.objects.filter(id=second.id).update(removed_at="2026-01-01T00:00:00Z")
    ids = set(enabled_atps().values_list("id", flat=True))
    assert first.id not in ids
    assert second.id not in ids
    assert len(ids) == GoogleAtp.objects.count() - 2

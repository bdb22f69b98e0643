"""Importing GVL v106 stores every vendor and taxonomy entry with every v3 field."""

import html
from datetime import datetime

import pytest

from vendors.catalogue import current_gvl
from vendors.importing import import_gvl
from vendors.models import (
    DataCategory,
    Feature,
    GvlVersion,
    Purpose,
    SpecialFeature,
    SpecialPurpose,
    Stack,
    Vendor,
)

pytestmark = pytest.mark.django_db


def test_v106_yields_the_acceptance_counts(empty_catalogue, v106_bytes):
    report = import_gvl(v106_bytes)

    assert report.vendor_count == 987
    assert report.active_vendor_count == 902
    assert Vendor.objects.count() == 987
    assert Vendor.objects.filter(deleted_date__isnull=True).count() == 902
    assert Purpose.objects.filter(language="en").count() == 11
    assert SpecialPurpose.objects.filter(language="en").count() == 3
    assert Feature.objects.filter(language="en").count() == 3
    assert SpecialFeature.objects.filter(language="en").count() == 2
    assert Stack.objects.filter(language="en").count() == 45
    assert DataCategory.objects.filter(language="en").count() == 11
    version = GvlVersion.objects.get()
    assert (version.vendor_list_version, version.tcf_policy_version, version.gvl_specification_version) == (
        106,
        5,
        3,
    )
    assert sorted(report.added) == sorted(Vendor.objects.values_list("id", flat=True))


def test_every_vendor_field_matches_the_document(empty_catalogue, v106_bytes, v106_document):
    import_gvl(v106_bytes)
    stored = {vendor.id: vendor for vendor in Vendor.objects.all()}
    for key, entry in v106_document["vendors"].items():
        vendor = stored[int(key)]
        assert vendor.name == html.unescape(entry["name"]), "names are stored HTML-decoded"
        assert vendor.purposes == sorted(entry["purposes"])
        assert vendor.leg_int_purposes == sorted(entry["legIntPurposes"])
        assert vendor.flexible_purposes == sorted(entry["flexiblePurposes"])
        assert vendor.special_purposes == sorted(entry["specialPurposes"])
        assert vendor.features == sorted(entry["features"])
        assert vendor.special_features == sorted(entry["specialFeatures"])
        assert vendor.data_declaration == sorted(entry.get("dataDeclaration", []))
        assert vendor.data_retention == entry.get("dataRetention", {})
        assert vendor.urls == entry["urls"]
        assert vendor.uses_cookies is entry["usesCookies"]
        assert vendor.cookie_max_age_seconds == entry["cookieMaxAgeSeconds"]
        assert vendor.cookie_refresh is entry["cookieRefresh"]
        assert vendor.uses_non_cookie_access is entry["usesNonCookieAccess"]
        assert vendor.device_storage_disclosure_url == entry.get("deviceStorageDisclosureUrl", "")
        assert vendor.overflow == entry.get("overflow")
        expected_deleted = entry.get("deletedDate")
        if expected_deleted is None:
            assert vendor.deleted_date is None
        else:
            assert vendor.deleted_date == datetime.fromisoformat(expected_deleted.replace("Z", "+00:00"))
        assert (vendor.first_version, vendor.last_version, vendor.enabled) == (106, 106, True)


def test_snapshot_rebuilt_from_the_raw_document_matches_it(empty_catalogue, v106_bytes, v106_document):
    import_gvl(v106_bytes)
    snapshot = current_gvl()

    assert snapshot.vendor_list_version == 106
    assert snapshot.language == "en"
    assert len(snapshot.vendors) == len(v106_document["vendors"])
    expected_active = {int(k) for k, v in v106_document["vendors"].items() if not v.get("deletedDate")}
    assert snapshot.active_vendor_ids() == expected_active
    for key, entry in v106_document["purposes"].items():
        taxon = snapshot.purposes[int(key)]
        assert (taxon.name, taxon.description, list(taxon.illustrations)) == (
            entry["name"],
            entry["description"],
            entry["illustrations"],
        )
    for key, entry in v106_document["stacks"].items():
        stack = snapshot.stacks[int(key)]
        assert list(stack.purposes) == entry["purposes"]
        assert list(stack.special_features) == entry["specialFeatures"]
    google = snapshot.vendors[755]
    assert google.purposes == frozenset(v106_document["vendors"]["755"]["purposes"])
    assert google.urls_for("fr")["langId"] == "fr"

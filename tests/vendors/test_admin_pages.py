"""The catalogue admin renders for staff, refuses others, and keeps imported fields read-only."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vendors.importing import import_gvl
from vendors.models import GoogleAtp, GvlVersion, Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor_client(client):
    user = get_user_model().objects.create(username="visitor")
    client.force_login(user)
    return client


PAGES = [
    ("admin:vendors_vendor_changelist", ()),
    ("admin:vendors_vendor_change", (755,)),
    ("admin:vendors_googleatp_changelist", ()),
    ("admin:vendors_purpose_changelist", ()),
    ("admin:vendors_specialpurpose_changelist", ()),
    ("admin:vendors_feature_changelist", ()),
    ("admin:vendors_specialfeature_changelist", ()),
    ("admin:vendors_stack_changelist", ()),
    ("admin:vendors_datacategory_changelist", ()),
    ("admin:vendors_gvltranslation_changelist", ()),
    ("admin:vendors_gvlversion_changelist", ()),
    ("admin:vendors_devicestoragedisclosure_changelist", ()),
    ("admin:vendors_gvlversion_compare", ()),
    ("admin:vendors_gvlversion_import", ()),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_pages_render_for_staff(catalogue, admin_client, name, args):
    response = admin_client.get(reverse(name, args=args))
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_non_staff_and_anonymous_users_are_refused(catalogue, client, visitor_client, name, args):
    url = reverse(name, args=args)
    response = visitor_client.get(url)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert reverse("admin:login") in response["Location"]
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert reverse("admin:login") in anonymous["Location"]


def test_vendor_page_shows_purposes_retention_and_data_declarations(catalogue, admin_client):
    google = catalogue.vendors[755]
    page = admin_client.get(reverse("admin:vendors_vendor_change", args=(755,))).content.decode()
    for purpose_id in google.purposes | google.leg_int_purposes:
        assert catalogue.purposes[purpose_id].name in page
    for category_id in google.data_declaration:
        assert catalogue.data_categories[category_id].name in page
    assert str(google.data_retention["stdRetention"]) in page
    assert "Standard retention" in page


def test_vendors_are_searchable_by_id_name_and_purpose(catalogue, admin_client):
    url = reverse("admin:vendors_vendor_changelist")
    by_id = admin_client.get(url, {"q": "755"})
    assert [v.id for v in by_id.context["cl"].result_list] == [755]
    by_name = admin_client.get(url, {"q": "Google Advertising"})
    assert 755 in [v.id for v in by_name.context["cl"].result_list]

    expected = {vid for vid, v in catalogue.vendors.items() if 11 in v.purposes or 11 in v.leg_int_purposes}
    by_purpose = admin_client.get(url, {"q": "purpose:11", "all": ""})
    assert by_purpose.context["cl"].result_count == len(expected)
    consent_filter = admin_client.get(url, {"purpose": "11", "all": ""})
    assert consent_filter.context["cl"].result_count == len(
        [v for v in catalogue.vendors.values() if 11 in v.purposes]
    )
    dropped = admin_client.get(url, {"status": "dropped"})
    assert dropped.context["cl"].result_count == 0
    deleted = admin_client.get(url, {"status": "deleted"})
    assert deleted.context["cl"].result_count == len(catalogue.vendors) - len(catalogue.active_vendor_ids())


def test_only_enabled_and_notes_are_editable(catalogue, admin_client):
    url = reverse("admin:vendors_vendor_change", args=(755,))
    original = Vendor.objects.get(id=755)
    response = admin_client.post(
        url, {"enabled": "", "notes": "Paused pending DPA", "name": "Renamed", "purposes": "[1]"}
    )
    assert response.status_code == 302
    edited = Vendor.objects.get(id=755)
    assert (edited.enabled, edited.notes) == (False, "Paused pending DPA")
    assert (edited.name, edited.purposes) == (original.name, original.purposes)

    atp = GoogleAtp.objects.order_by("id").first()
    response = admin_client.post(
        reverse("admin:vendors_googleatp_change", args=(atp.id,)),
        {"enabled": "", "notes": "not used", "name": "Renamed", "domains": "evil.example"},
    )
    assert response.status_code == 302
    atp_after = GoogleAtp.objects.get(id=atp.id)
    assert (atp_after.enabled, atp_after.notes, atp_after.name, atp_after.domains) == (
        False,
        "not used",
        atp.name,
        atp.domains,
    )


def test_imported_rows_cannot_be_added_or_deleted(catalogue, admin_client):
    assert admin_client.get(reverse("admin:vendors_vendor_add")).status_code == 403
    assert admin_client.get(reverse("admin:vendors_vendor_delete", args=(755,))).status_code == 403
    version = GvlVersion.objects.get(vendor_list_version=106)
    assert admin_client.get(reverse("admin:vendors_gvlversion_change", args=(version.pk,))).status_code == 200
    change = admin_client.post(reverse("admin:vendors_gvlversion_change", args=(version.pk,)), {})
    assert change.status_code == 403


def test_compare_view_lists_the_difference(catalogue, admin_client, v17_bytes):
    import_gvl(v17_bytes)
    response = admin_client.get(reverse("admin:vendors_gvlversion_compare"), {"a": 17, "b": 106})
    assert response.status_code == 200
    added = response.context["added"]
    assert [vid for vid, _ in added] == sorted(
        set(catalogue.vendors) - set(response.context["older"].vendors)
    )
    assert "The TCF policy version changes" in response.content.decode()


def test_import_view_imports_an_uploaded_file_and_reports_errors(catalogue, admin_client, v17_bytes):
    url = reverse("admin:vendors_gvlversion_import")
    upload = SimpleUploadedFile("vendor-list-v17.json", v17_bytes, content_type="application/json")
    response = admin_client.post(url, {"kind": "gvl", "file": upload}, follow=True)
    assert response.status_code == 200
    assert "Imported GVL v17" in response.content.decode()
    assert GvlVersion.objects.filter(vendor_list_version=17).exists()

    broken = SimpleUploadedFile("vendor-list.json", v17_bytes[:500], content_type="application/json")
    failed = admin_client.post(url, {"kind": "gvl", "file": broken})
    assert failed.status_code == 200
    assert "truncated" in failed.content.decode()
    assert GvlVersion.objects.count() == 2

    neither = admin_client.post(url, {"kind": "gvl"})
    assert "Give either a file or a URL" in neither.content.decode()


def test_import_view_fetches_a_url(catalogue, admin_client, flaky_server, gvl_files, settings):
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = True  # the test's server is on loopback
    server = flaky_server(gvl_files["atps"].read_bytes(), failures=0, content_type="text/csv")
    response = admin_client.post(
        reverse("admin:vendors_gvlversion_import"), {"kind": "atp", "url": server.url}, follow=True
    )
    assert "Imported 632 Google Ad Tech Providers" in response.content.decode()
    assert server.hits == 1


def test_import_view_refuses_internal_addresses_and_huge_uploads(
    catalogue, admin_client, flaky_server, gvl_files
):
    """Finding: the admin's GVL import fetched any URL, followed redirects and revealed internal
    ports in its errors."""
    server = flaky_server(gvl_files["atps"].read_bytes(), failures=0, content_type="text/csv")
    port = server.url.split(":")[2].split("/")[0]
    response = admin_client.post(
        reverse("admin:vendors_gvlversion_import"), {"kind": "atp", "url": server.url}
    )
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert server.hits == 0
    assert f":{port}" not in page.replace(server.url, "")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from vendors.fetching import MAX_DOWNLOAD_BYTES

    huge = SimpleUploadedFile("vendor-list.json", b" " * (MAX_DOWNLOAD_BYTES + 1))
    refused = admin_client.post(reverse("admin:vendors_gvlversion_import"), {"kind": "gvl", "file": huge})
    assert "no catalogue list is that large" in refused.content.decode()

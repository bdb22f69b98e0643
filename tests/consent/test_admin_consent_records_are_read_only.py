"""Admin: site configuration and API keys are editable; consent records are view-only, searchable by
user id and consent id, filterable by site, action and date, and exportable as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Permission

from consent.models import ApiKey, ConsentRecord

RECORDS = "/admin/consent/consentrecord/"


@pytest.fixture
def records(api, site, other_site):
    alpha = [api.consent(site.key, {"action": a}).json() for a in ("accept_all", "reject_all", "withdraw")]
    beta = [api.consent(other_site.key, {"action": "accept_all"}).json()]
    return alpha, beta


def test_records_have_no_add_change_or_delete_permission(db):
    def codenames(app_label: str) -> set[str]:
        return set(
            Permission.objects.filter(content_type__app_label=app_label).values_list("codename", flat=True)
        )

    consent = codenames("consent")
    assert "view_consentrecord" in consent
    assert not consent & {"add_consentrecord", "change_consentrecord", "delete_consentrecord"}
    assert "add_apikey" in consent
    assert {"add_site", "change_site", "change_cookiedeclaration", "change_sitetext"} <= codenames("sites")


def test_superuser_cannot_add_change_or_delete_records(admin_client, records):
    record = ConsentRecord.objects.first()
    assert admin_client.get(f"{RECORDS}add/").status_code == 403
    detail = admin_client.get(f"{RECORDS}{record.pk}/change/")
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content
    assert admin_client.post(f"{RECORDS}{record.pk}/change/", {"action": "custom"}).status_code == 403
    assert admin_client.post(f"{RECORDS}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    listing = admin_client.get(RECORDS)
    assert b"delete_selected" not in listing.content
    assert ConsentRecord.objects.filter(pk=record.pk, action=record.action).exists()


def test_search_by_user_id_and_consent_id(admin_client, records):
    alpha, beta = records
    by_user = admin_client.get(RECORDS, {"q": alpha[1]["user_id"]})
    assert by_user.status_code == 200
    assert alpha[1]["consent_id"].encode() in by_user.content
    assert alpha[0]["consent_id"].encode() not in by_user.content
    by_consent = admin_client.get(RECORDS, {"q": beta[0]["consent_id"]})
    assert beta[0]["consent_id"].encode() in by_consent.content
    assert alpha[0]["consent_id"].encode() not in by_consent.content


def test_filters_by_site_action_and_date(admin_client, records, site):
    alpha, beta = records
    by_site = admin_client.get(RECORDS, {"site__id__exact": site.pk})
    assert beta[0]["consent_id"].encode() not in by_site.content
    assert all(a["consent_id"].encode() in by_site.content for a in alpha)
    by_action = admin_client.get(RECORDS, {"action__exact": "withdraw"})
    assert alpha[2]["consent_id"].encode() in by_action.content
    assert alpha[0]["consent_id"].encode() not in by_action.content
    record = ConsentRecord.objects.first()
    by_date = admin_client.get(
        RECORDS,
        {
            "created_at__year": record.created_at.year,
            "created_at__month": record.created_at.month,
            "created_at__day": record.created_at.day,
        },
    )
    assert by_date.status_code == 200
    assert alpha[0]["consent_id"].encode() in by_date.content


def test_csv_export_of_a_filtered_list(admin_client, records, site):
    alpha, _ = records
    selected = ConsentRecord.objects.filter(site=site).values_list("pk", flat=True)
    response = admin_client.post(
        f"{RECORDS}?site__id__exact={site.pk}",
        {"action": "export_csv", "_selected_action": list(selected), "select_across": "1", "index": "0"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted(r["consent_id"] for r in rows) == sorted(a["consent_id"] for a in alpha)
    assert {r["site"] for r in rows} == {site.key}
    assert rows[0]["tc_string"].startswith("C")


def test_api_key_created_in_the_admin_is_shown_once_and_works(admin_client, api, site):
    response = admin_client.post(
        "/admin/consent/apikey/add/", {"site": site.pk, "name": "ad server", "scopes": ["read"]}
    )
    assert response.status_code == 200
    raw_key = response.context["raw_key"]
    assert raw_key.startswith("cmpk_")
    assert raw_key in response.content.decode()
    stored = ApiKey.objects.get(name="ad server")
    assert raw_key not in (stored.key_hash, stored.prefix)
    user = api.consent(site.key, {"action": "accept_all"}).json()["user_id"]
    assert api.get(f"/api/v1/sites/{site.key}/users/{user}/consent", key=raw_key).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/admin/sites/site/",
        "/admin/sites/site/add/",
        "/admin/sites/cookiecategory/",
        "/admin/sites/cookiedeclaration/",
        "/admin/sites/sitetext/",
        "/admin/consent/apikey/",
        "/admin/consent/consentseal/",
        "/admin/consent/consentdeletion/",
    ],
)
def test_admin_pages_render(admin_client, site, path):
    assert admin_client.get(path).status_code == 200


def test_site_change_page_edits_the_site(admin_client, site):
    page = admin_client.get(f"/admin/sites/site/{site.pk}/change/")
    assert page.status_code == 200
    assert b"allowed_origins" in page.content


def test_record_page_shows_what_its_recorded_choice_says(admin_client, records):
    record = ConsentRecord.objects.select_related("choice").filter(action="accept_all").first()
    detail = admin_client.get(f"{RECORDS}{record.pk}/change/")
    assert detail.status_code == 200
    for text in (record.tc_string, record.ac_string[:200], record.vendors_hash, str(record.consent_id)):
        assert text.encode() in detail.content
    choice_page = admin_client.get(f"/admin/consent/recordedchoice/{record.choice_id}/change/")
    assert choice_page.status_code == 200
    assert record.tc_string.encode() in choice_page.content
    assert (
        admin_client.post(
            f"/admin/consent/recordedchoice/{record.choice_id}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )

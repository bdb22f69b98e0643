"""The auditor's export in the console (Consent records → Export for an auditor): one site's records
of a date range and chosen actions, as CSV, JSON or ISO/IEC TS 27560 JSON-LD, streamed; staff get
only the sites they are members of."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from consent.models import ConsentRecord
from consent.receipts import RecordDocuments
from consent.services import clock, serialise_record
from sites.models import SiteMember, SiteRole

EXPORT = "/admin/consent/consentrecord/export/"
DAY = datetime(2026, 11, 10, 12, tzinfo=UTC)


@pytest.fixture
def history(api, site, other_site, monkeypatch):
    """Three days of choices on the site (accept, reject, withdraw each day) and one on the other."""
    written: dict[str, list[tuple[str, str]]] = {}
    for offset in range(3):
        monkeypatch.setattr(clock, "now", lambda offset=offset: DAY + timedelta(days=offset))
        for action in ("accept_all", "reject_all", "withdraw"):
            answer = api.consent(site.key, {"action": action}).json()
            written.setdefault(str(offset), []).append((answer["consent_id"], action))
        api.consent(other_site.key, {"action": "accept_all"})
    monkeypatch.undo()
    return written


@pytest.fixture
def member(client, site):
    """A staff user who may view the consent log, member (viewer) of `site` only."""
    user = get_user_model().objects.create_user("auditor", password="a-long-password-1", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_consentrecord"))
    SiteMember.objects.create(site=site, user=user, role=SiteRole.VIEWER)
    client.force_login(user)
    return client


def download(client, site, **fields):
    data = {"site": site.pk, "format": "csv", **fields}
    response = client.post(EXPORT, data)
    assert response.status_code == 200, response.content[:500]
    assert response.streaming, "the export is streamed, never built in memory"
    return response, b"".join(response.streaming_content).decode()


def test_csv_holds_exactly_the_records_of_the_range_and_actions(member, site, history):
    response, body = download(
        member, site, created_from="2026-11-11", created_to="2026-11-12", actions=["accept_all", "withdraw"]
    )
    assert response["Content-Type"].startswith("text/csv")
    assert f"consent-records-{site.key}.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body)))
    expected = [(cid, a) for day in ("1", "2") for cid, a in history[day] if a != "reject_all"]
    assert [(row["consent_id"], row["action"]) for row in rows] == expected
    assert {row["site"] for row in rows} == {site.key}
    stored = ConsentRecord.objects.get(consent_id=rows[0]["consent_id"])
    assert rows[0]["mac"] == stored.mac, "the evidence columns come with each row"


def test_json_and_27560_hold_each_record_as_the_api_and_the_receipt_builder_do(member, site, history):
    stored = {str(r.consent_id): r for r in ConsentRecord.objects.filter(site=site).select_related("choice")}
    _, body = download(member, site, format="json")
    records = json.loads(body)["records"]
    assert [r["consent_id"] for r in records] == [cid for day in "012" for cid, _ in history[day]]
    assert records == [serialise_record(stored[r["consent_id"]]) for r in records]

    response, body = download(member, site, format="27560", actions=["accept_all"])
    assert response["Content-Type"] == "application/ld+json"
    documents = json.loads(body)["records"]
    accepted = [cid for day in "012" for cid, a in history[day] if a == "accept_all"]
    builder = RecordDocuments(site)
    assert documents == [builder.document(stored[cid]) for cid in accepted]


def test_a_staff_member_cannot_export_another_publishers_site(member, other_site, history):
    response = member.post(EXPORT, {"site": other_site.pk, "format": "csv"})
    assert response.status_code == 200
    assert not response.streaming, "the form comes back with an error, not the other site's records"
    assert b"Select a valid choice" in response.content


def test_the_export_page_lists_only_the_members_sites(member, site, other_site):
    page = member.get(EXPORT).content.decode()
    assert f"Site {site.key}" in page
    assert f"Site {other_site.key}" not in page


def test_a_reversed_range_is_refused_with_a_message(member, site, history):
    response = member.post(
        EXPORT, {"site": site.pk, "format": "csv", "created_from": "2026-11-12", "created_to": "2026-11-10"}
    )
    assert not response.streaming
    assert b"before" in response.content

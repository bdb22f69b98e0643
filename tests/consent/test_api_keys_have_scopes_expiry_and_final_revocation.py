"""Attacks on downstream keys (finding "Keys without scope or expiry"): a read-only key given to an
ad server exported and erased users, a revoked key was re-enabled, keys never expired, the raw key
travelled in the messages cookie, and erasing an id without records still wrote a record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from consent.api_keys import issue_key
from consent.models import ApiKey, ConsentRecord

ADD = "/admin/consent/apikey/add/"


@pytest.fixture
def visitor(api, site):
    return api.consent(site.key, {"action": "accept_all"}).json()["user_id"]


def test_a_read_only_key_can_neither_export_nor_erase(api, site, visitor):
    ad_server = issue_key(site, "ad server", ["read", "check"])[1]
    base = f"/api/v1/sites/{site.key}/users/{visitor}"
    assert api.get(f"{base}/consent", ad_server).status_code == 200
    assert api.get(f"{base}/consent/check?purpose=1", ad_server).status_code == 200
    for response in (api.get(f"{base}/export", ad_server), api.delete(base, ad_server)):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "insufficient_scope"
    assert ConsentRecord.objects.filter(user_id=visitor).count() == 1
    checker = issue_key(site, "checker", ["check"])[1]
    assert api.get(f"{base}/consent", checker).json()["error"]["code"] == "insufficient_scope"
    assert api.get(f"/api/v1/sites/{site.key}/consents", checker).status_code == 403


def test_an_expired_key_is_refused(api, site, visitor):
    soon = issue_key(site, "soon", ["read"], expires_at=timezone.now() + timedelta(hours=1))[1]
    path = f"/api/v1/sites/{site.key}/users/{visitor}/consent"
    assert api.get(path, soon).status_code == 200
    ApiKey.objects.filter(name="soon").update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = api.get(path, soon)
    assert expired.status_code == 401
    assert "expired" in expired.json()["error"]["message"]


def test_revocation_is_final(api, site, visitor, admin_client):
    key, raw = issue_key(site, "leaked", ["read"])
    path = f"/api/v1/sites/{site.key}/users/{visitor}/consent"
    change = f"/admin/consent/apikey/{key.pk}/change/"
    admin_client.post(change, {"name": "leaked", "scopes": ["read"], "revoked": "on"})
    key.refresh_from_db()
    assert key.revoked
    assert key.revoked_at is not None
    assert api.get(path, raw).status_code == 401
    # The admin offers no way back: the form shows the key read-only and ignores a re-enable.
    page = admin_client.get(change).content.decode()
    assert 'name="revoked"' not in page
    admin_client.post(change, {"name": "leaked", "scopes": ["read", "export"]})
    key.refresh_from_db()
    assert key.revoked
    assert key.scopes == ["read"]
    # Nor does code or SQL: the model refuses, and so does the database.
    key.revoked = False
    with pytest.raises(ValueError, match="final"):
        key.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        ApiKey.objects.filter(pk=key.pk).update(revoked=False)
    assert api.get(path, raw).status_code == 401


def test_a_new_key_is_shown_once_on_its_own_page_and_never_in_a_cookie(api, site, visitor, admin_client):
    response = admin_client.post(ADD, {"site": site.pk, "name": "analytics", "scopes": ["read", "export"]})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    raw = page.split('id="new-api-key"')[1].split(">", 1)[1].split("<", 1)[0]
    assert raw.startswith("cmpk_")
    assert not response.cookies.get("messages"), "the key went into the messages cookie"
    for morsel in response.cookies.values():
        assert raw not in morsel.value
    assert raw not in str(admin_client.session.items())
    key = ApiKey.objects.get(name="analytics")
    assert key.scopes == ["read", "export"]
    assert raw not in str(ApiKey.objects.filter(pk=key.pk).values().first())
    assert api.get(f"/api/v1/sites/{site.key}/users/{visitor}/export", raw).status_code == 200
    assert api.delete(f"/api/v1/sites/{site.key}/users/{visitor}", raw).status_code == 403
    # Not shown again.
    later = admin_client.get(f"/admin/consent/apikey/{key.pk}/change/").content.decode()
    assert raw not in later
    assert raw not in admin_client.get("/admin/consent/apikey/").content.decode()


def test_erasing_an_id_without_records_writes_nothing(api, site, visitor, api_key_for):
    key = api_key_for(site, "erase")
    before = ConsentRecord.objects.count()
    nobody = api.delete(f"/api/v1/sites/{site.key}/users/{'n' * 40}", key)
    assert nobody.status_code == 200
    assert nobody.json() == {"erased": 0, "erasure_id": None, "recorded_at": None}
    assert ConsentRecord.objects.count() == before
    erased = api.delete(f"/api/v1/sites/{site.key}/users/{visitor}", key).json()
    assert erased["erased"] == 1
    # A second erasure finds nothing left to erase and keeps the first erasure's evidence.
    again = api.delete(f"/api/v1/sites/{site.key}/users/{visitor}", key).json()
    assert again["erasure_id"] is None
    assert list(ConsentRecord.objects.filter(user_id=visitor).values_list("action", flat=True)) == ["erase"]


def test_the_command_issues_a_key_with_the_scopes_and_expiry_asked_for(site):
    from io import StringIO

    from django.core.management import call_command

    call_command(
        "create_api_key", site.key, "--name", "eraser", "--scope", "erase", "--days", "30", stdout=StringIO(),
        stderr=StringIO(),
    )  # fmt: skip
    key = ApiKey.objects.get(name="eraser")
    assert key.scopes == ["erase"]
    assert timedelta(days=29) < key.expires_at - timezone.now() <= timedelta(days=30)

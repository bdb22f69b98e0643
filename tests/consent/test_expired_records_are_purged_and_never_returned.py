"""Records past their expiry are never returned by the API, and the retention job (command and
Celery task) deletes them in batches and reports counts."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from consent import services, tasks
from consent.models import ConsentRecord, RecordedChoice
from consent.services import clock


@pytest.fixture
def expired_user(api, site, monkeypatch):
    long_ago = timezone.now() - timedelta(days=site.consent_lifetime_days, seconds=5)
    monkeypatch.setattr(clock, "now", lambda: long_ago)
    answer = api.consent(site.key, {"action": "accept_all"}).json()
    monkeypatch.undo()
    return answer


def test_expired_record_is_not_returned(api, site, api_key_for, expired_user):
    key = api_key_for(site)
    user = expired_user["user_id"]
    assert ConsentRecord.objects.filter(user_id=user).exists()
    assert api.get(f"/api/v1/sites/{site.key}/users/{user}/consent", key=key).status_code == 404
    assert api.get(f"/api/v1/sites/{site.key}/users/{user}/export", key=key).json()["records"] == []
    check = api.get(f"/api/v1/sites/{site.key}/users/{user}/consent/check?vendor=755", key=key).json()
    assert check["allowed"] is False


def test_purge_command_deletes_expired_records_only(api, site, api_key_for, expired_user, monkeypatch):
    long_ago = timezone.now() - timedelta(days=site.consent_lifetime_days + 1)
    monkeypatch.setattr(clock, "now", lambda: long_ago)
    for _ in range(4):
        api.consent(site.key, {"action": "reject_all"})
    monkeypatch.undo()
    fresh = api.consent(site.key, {"action": "reject_all"}).json()

    out = StringIO()
    call_command("purge_expired_consents", "--batch-size", "2", stdout=out)
    assert "Deleted 5 expired consent records in 3 batches." in out.getvalue()
    assert list(ConsentRecord.objects.values_list("consent_id", flat=True)) == [
        ConsentRecord.objects.get(consent_id=fresh["consent_id"]).consent_id
    ]
    key = api_key_for(site)
    assert api.get(f"/api/v1/sites/{site.key}/users/{fresh['user_id']}/consent", key=key).status_code == 200

    again = StringIO()
    call_command("purge_expired_consents", stdout=again)
    assert "Deleted 0 expired consent records in 0 batches." in again.getvalue()


def test_purge_task_is_a_thin_wrapper(api, site, expired_user):
    result = tasks.purge_expired_consents.apply().get()
    assert result["deleted"] == 1
    assert result["per_site"] == {site.key: 1}
    assert not ConsentRecord.objects.exists()


def test_seal_task_seals_every_site(api, site, other_site, settings):
    settings.CMP_SEAL_GRACE_SECONDS = 0
    api.consent(site.key, {"action": "accept_all"})
    api.consent(other_site.key, {"action": "accept_all"})
    api.consent(other_site.key, {"action": "accept_all"})
    assert tasks.seal_consent_log.apply().get() == {site.key: 1, other_site.key: 2}


def test_lifetime_comes_from_the_site(api, site):
    site.consent_lifetime_days = 30
    site.save()
    answer = api.consent(site.key, {"action": "accept_all"}).json()
    record = ConsentRecord.objects.get(consent_id=answer["consent_id"])
    assert record.expires_at - record.created_at == timedelta(days=30)


def test_purge_deletes_recorded_choices_no_record_uses_anymore(api, site, expired_user):
    """The expired accept-all's choice goes with it; the live reject-all's choice stays, and so does
    an unused choice of yesterday (a worker may still be inserting a record of it)."""
    expired_choice = ConsentRecord.objects.get(consent_id=expired_user["consent_id"]).choice_id
    live = api.consent(site.key, {"action": "reject_all"}).json()
    live_choice = ConsentRecord.objects.get(consent_id=live["consent_id"]).choice_id
    yesterday = timezone.now() - timedelta(days=1)
    recent = RecordedChoice.objects.create(
        site=site, day=yesterday.date(), digest="f" * 64, policy_version="1", tc_string="CQ-unused"
    )
    report = services.purge_expired()
    assert report.deleted == 1
    assert report.choices_deleted == 1
    remaining = set(RecordedChoice.objects.values_list("pk", flat=True))
    assert expired_choice not in remaining
    assert {live_choice, recent.pk} <= remaining
    assert services.verify_log(site).ok

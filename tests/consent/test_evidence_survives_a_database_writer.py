"""Attacks by someone who can write to the database but does not hold the consent key (findings
"The retention purge hides tampering", "The current consent is chosen by the unsigned row id",
"Nothing outside the database anchors the chain"). Each is refused, or detected by
`verify_consent_log` naming the records or seals."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from consent import services
from consent.models import ConsentRecord, ConsentSeal
from consent.services import clock

pytestmark = pytest.mark.usefixtures("seal_immediately")


def current_action(api, site, key, user_id):
    return api.get(f"/api/v1/sites/{site.key}/users/{user_id}/consent", key).json()["action"]


def test_a_withdrawal_moved_into_the_past_is_not_purged(api, site, api_key_for, verify_log):
    visitor = api.consent(site.key, {"action": "accept_all"}).json()
    withdrawal = api.choose(site.key, visitor, {"action": "withdraw"}).json()
    services.seal_site(site)
    # The writer makes the withdrawal look expired, so that a "lawful" purge would delete it and
    # the acceptance before it would be current again once... the purge runs.
    ConsentRecord.objects.filter(consent_id=withdrawal["consent_id"]).update(
        expires_at=clock.now() - timedelta(days=1)
    )
    report = services.purge_expired()
    assert report.tampered == [withdrawal["consent_id"]]
    assert report.deleted == 0
    assert ConsentRecord.objects.filter(consent_id=withdrawal["consent_id"]).exists()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("purge_expired_consents", stdout=out, stderr=err)
    assert withdrawal["consent_id"] in err.getvalue()
    ok, output = verify_log(site.key)
    assert not ok
    assert f"Record {withdrawal['consent_id']} was altered" in output


def test_genuine_expired_records_are_still_purged_beside_a_tampered_one(api, site, monkeypatch):
    long_ago = clock.now() - timedelta(days=site.consent_lifetime_days + 5)
    monkeypatch.setattr(clock, "now", lambda: long_ago)
    expired = [api.consent(site.key, {"action": "reject_all"}).json() for _ in range(3)]
    monkeypatch.undo()
    kept = api.consent(site.key, {"action": "withdraw"}).json()
    services.seal_site(site)
    ConsentRecord.objects.filter(consent_id=kept["consent_id"]).update(expires_at=long_ago)
    report = services.purge_expired(batch_size=2)
    assert report.deleted == 3
    assert report.tampered == [kept["consent_id"]]
    assert set(ConsentRecord.objects.values_list("user_id", flat=True)) == {kept["user_id"]}
    assert not any(ConsentRecord.objects.filter(user_id=e["user_id"]).exists() for e in expired)


def test_swapping_row_ids_does_not_hide_a_withdrawal(api, site, api_key_for, verify_log):
    key = api_key_for(site)
    visitor = api.consent(site.key, {"action": "accept_all"}).json()
    withdrawal = api.choose(site.key, visitor, {"action": "withdraw"}).json()
    services.seal_site(site)
    first = ConsentRecord.objects.get(consent_id=visitor["consent_id"]).id
    second = ConsentRecord.objects.get(consent_id=withdrawal["consent_id"]).id
    # Swap the two ids: no MAC covers the id, and the seal's sum of MACs is unchanged.
    table = ConsentRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET id = %s WHERE id = %s", [-1, first])
        cursor.execute(f"UPDATE {table} SET id = %s WHERE id = %s", [first, second])
        cursor.execute(f"UPDATE {table} SET id = %s WHERE id = %s", [second, -1])
    assert ConsentRecord.objects.get(consent_id=withdrawal["consent_id"]).id < first + 1
    # The current consent is chosen by the signed creation time: still the withdrawal.
    assert current_action(api, site, key, visitor["user_id"]) == "withdraw"
    ok, output = verify_log(site.key)
    assert not ok
    assert "out of their signed order" in output
    assert withdrawal["consent_id"] in output


def test_deleting_the_newest_seal_and_its_records_is_detected_through_the_sink(
    api, site, seal_sink, verify_log
):
    api.consent(site.key, {"action": "accept_all"})
    services.seal_site(site)
    hidden = [api.consent(site.key, {"action": "accept_all"}).json() for _ in range(2)]
    newest = services.seal_site(site)
    assert seal_sink.read_text().count("\n") == 2
    ok, output = verify_log(site.key)
    assert ok, output
    assert "2 seals (2 in the seal sink)" in output
    # The writer removes the last seal with the records it covered: the chain in the database
    # still verifies on its own.
    ConsentSeal.objects.filter(pk=newest.pk).delete()
    ConsentRecord.objects.filter(consent_id__in=[h["consent_id"] for h in hidden]).delete()
    ok, output = verify_log(site.key)
    assert not ok
    assert f"Seal #2 (records {newest.after_record_id + 1}..{newest.through_record_id}, 2 records" in output
    assert "missing from the database" in output
    # Re-sealing what comes next under the same sequence number does not pass either.
    api.consent(site.key, {"action": "reject_all"})
    services.seal_site(site)
    ok, output = verify_log(site.key)
    assert not ok
    assert "Seal #2 differs from its head in the seal sink" in output

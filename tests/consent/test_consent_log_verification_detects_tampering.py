"""`manage.py verify_consent_log <site>` checks every record's HMAC and the seal chain: editing a
record or deleting one outside the retention purge makes it fail; the purge and an erasure leave
the log verifiable."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from consent import services
from consent.models import ConsentDeletion, ConsentRecord, ConsentSeal, RecordedChoice
from consent.services import clock

pytestmark = pytest.mark.usefixtures("seal_immediately")


def record_some(api, site, count: int = 4) -> list[dict]:
    actions = ["accept_all", "reject_all", "custom", "withdraw"]
    return [api.consent(site.key, {"action": actions[i % 4]}).json() for i in range(count)]


def test_untouched_log_verifies_before_and_after_sealing(api, site, verify_log):
    record_some(api, site)
    ok, output = verify_log(site.key)
    assert ok, output
    assert "4 records (4 not sealed yet)" in output
    call_command("seal_consent_log", stdout=StringIO())
    record_some(api, site, 2)
    call_command("seal_consent_log", stdout=StringIO())
    ok, output = verify_log(site.key)
    assert ok, output
    assert ConsentSeal.objects.filter(site=site).count() == 2


@pytest.mark.parametrize(
    "edit",
    [
        {"action": "accept_all"},
        {"user_id": "someone-else-entirely"},
        {"expires_at": timezone.now() + timedelta(days=5000)},
    ],
    ids=lambda edit: next(iter(edit)),
)
@pytest.mark.parametrize("sealed", [False, True], ids=["unsealed", "sealed"])
def test_editing_a_record_fails_verification(api, site, edit, sealed, verify_log):
    answers = record_some(api, site)
    if sealed:
        services.seal_site(site)
    ConsentRecord.objects.filter(consent_id=answers[1]["consent_id"]).update(**edit)
    ok, output = verify_log(site.key)
    assert not ok
    assert answers[1]["consent_id"] in output


@pytest.mark.parametrize(
    "edit",
    [{"vendor_consents": [755]}, {"tc_string": "CQ"}, {"categories": {"necessary": True}}],
    ids=lambda edit: next(iter(edit)),
)
def test_editing_a_recorded_choice_fails_every_record_of_it(api, site, edit, verify_log):
    """Records of the same choice share its row: editing it breaks each of their MACs."""
    answers = [api.consent(site.key, {"action": "accept_all"}).json() for _ in range(2)]
    answers.append(api.consent(site.key, {"action": "reject_all"}).json())
    shared = ConsentRecord.objects.get(consent_id=answers[0]["consent_id"]).choice_id
    assert ConsentRecord.objects.get(consent_id=answers[1]["consent_id"]).choice_id == shared
    RecordedChoice.objects.filter(pk=shared).update(**edit)
    ok, output = verify_log(site.key)
    assert not ok
    assert answers[0]["consent_id"] in output
    assert answers[1]["consent_id"] in output
    assert answers[2]["consent_id"] not in output


def test_pointing_a_record_at_another_choice_fails_verification(api, site, verify_log):
    accepted = api.consent(site.key, {"action": "accept_all"}).json()
    rejected = api.consent(site.key, {"action": "reject_all"}).json()
    other_choice = ConsentRecord.objects.get(consent_id=rejected["consent_id"]).choice_id
    ConsentRecord.objects.filter(consent_id=accepted["consent_id"]).update(choice_id=other_choice)
    ok, output = verify_log(site.key)
    assert not ok
    assert accepted["consent_id"] in output


def test_a_record_whose_choice_is_gone_fails_verification(api, site, verify_log):
    answer = api.consent(site.key, {"action": "accept_all"}).json()
    RecordedChoice.objects.filter(records__consent_id=answer["consent_id"]).delete()
    ok, output = verify_log(site.key)
    assert not ok
    assert f"Record {answer['consent_id']} refers to a recorded choice that is missing" in output


def test_deleting_a_sealed_record_fails_verification(api, site, verify_log):
    answers = record_some(api, site)
    services.seal_site(site)
    ConsentRecord.objects.filter(consent_id=answers[2]["consent_id"]).delete()
    ok, output = verify_log(site.key)
    assert not ok
    assert "expects 4 records" in output


def test_replacing_a_sealed_record_with_a_valid_one_fails(api, site, verify_log):
    answers = record_some(api, site)
    services.seal_site(site)
    # A record copied from another time, carrying its own valid MAC, does not fill the gap.
    ConsentRecord.objects.filter(consent_id=answers[0]["consent_id"]).delete()
    record_some(api, site, 1)
    ConsentRecord.objects.filter(pk=ConsentRecord.objects.order_by("-id").first().pk).update(
        id=ConsentRecord.objects.filter(site=site).order_by("id").first().id - 1
    )
    ok, _ = verify_log(site.key)
    assert not ok


def test_removing_or_editing_a_seal_fails_verification(api, site, verify_log):
    record_some(api, site, 2)
    services.seal_site(site)
    record_some(api, site, 2)
    services.seal_site(site)
    ConsentSeal.objects.filter(site=site, sequence=1).update(record_count=1)
    ok, output = verify_log(site.key)
    assert not ok
    assert "Seal #1" in output
    ConsentSeal.objects.filter(site=site, sequence=1).delete()
    ok, output = verify_log(site.key)
    assert not ok


def test_forging_a_deletion_entry_fails_verification(api, site, verify_log):
    answers = record_some(api, site)
    seal = services.seal_site(site)
    ConsentRecord.objects.filter(consent_id=answers[0]["consent_id"]).delete()
    ConsentDeletion.objects.create(
        site=site,
        seal=seal,
        reason="retention",
        record_count=1,
        digest="0" * 64,
        created_at=timezone.now(),
        mac="0",
    )
    ok, output = verify_log(site.key)
    assert not ok
    assert "Deletion entry" in output


def test_retention_purge_leaves_the_log_verifiable(api, site, monkeypatch, verify_log):
    long_ago = timezone.now() - timedelta(days=site.consent_lifetime_days + 10)
    monkeypatch.setattr(clock, "now", lambda: long_ago)
    old = record_some(api, site, 3)
    monkeypatch.undo()
    services.seal_site(site)
    fresh = record_some(api, site, 2)
    services.seal_site(site)
    report = services.purge_expired(batch_size=2)
    assert report.deleted == 3
    assert report.batches == 2
    assert not ConsentRecord.objects.filter(consent_id__in=[a["consent_id"] for a in old]).exists()
    assert ConsentRecord.objects.filter(consent_id__in=[a["consent_id"] for a in fresh]).count() == 2
    ok, output = verify_log(site.key)
    assert ok, output
    assert "lawful deletion entries" in output
    # Deleting one more record by hand is still caught.
    ConsentRecord.objects.filter(consent_id=fresh[0]["consent_id"]).delete()
    assert not verify_log(site.key)[0]


def test_erasure_leaves_the_log_verifiable(api, site, api_key_for, verify_log):
    key = api_key_for(site)
    first = api.consent(site.key, {"action": "accept_all"}).json()
    api.choose(site.key, first, {"action": "reject_all"})
    record_some(api, site, 2)
    services.seal_site(site)
    api.choose(site.key, first, {"action": "withdraw"})
    assert api.delete(f"/api/v1/sites/{site.key}/users/{first['user_id']}", key=key).json()["erased"] == 3
    services.seal_site(site)
    ok, output = verify_log(site.key)
    assert ok, output


def test_unknown_site_is_an_error(db):
    with pytest.raises(CommandError, match="No site"):
        call_command("verify_consent_log", "nosuchsite", stdout=StringIO())


def test_seal_skips_records_still_within_the_grace_period(api, site, settings):
    settings.CMP_SEAL_GRACE_SECONDS = 3600
    record_some(api, site, 2)
    assert services.seal_site(site) is None
    settings.CMP_SEAL_GRACE_SECONDS = 0
    seal = services.seal_site(site)
    assert seal is not None
    assert seal.record_count == 2
    assert services.seal_site(site) is None

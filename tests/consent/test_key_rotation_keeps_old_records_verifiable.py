"""Finding "One symmetric key, no key id, no rotation": a new CMP_CONSENT_HMAC_KEY made every existing
record fail verification, and any value (`x`) was accepted. Now every record and seal names its
key, `manage.py rotate_consent_key` makes a new key current while the old ones verify, and a short
key stops start-up."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from consent import keyring, services
from consent.models import ConsentDeletion, ConsentRecord, ConsentSeal
from tests.conftest import run_manage

pytestmark = pytest.mark.usefixtures("seal_immediately")


def rotate(settings, tmp_path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=kept\n")
    call_command("rotate_consent_key", "--env-file", str(env_file), stdout=StringIO(), stderr=StringIO())
    values = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
    assert values["SECRET_KEY"] == "kept"
    settings.CMP_CONSENT_HMAC_KEY = values["CMP_CONSENT_HMAC_KEY"]
    settings.CMP_CONSENT_OLD_HMAC_KEYS = values["CMP_CONSENT_OLD_HMAC_KEYS"].split(",")


def test_rotation_signs_new_evidence_with_the_new_key_and_verifies_the_old(
    api, site, api_key_for, settings, tmp_path
):
    old_id = keyring.current()[0]
    before = api.consent(site.key, {"action": "accept_all"}).json()
    services.seal_site(site)
    rotate(settings, tmp_path)
    new_id = keyring.current()[0]
    assert new_id != old_id
    assert len(settings.CMP_CONSENT_HMAC_KEY) >= 32
    # The old visitor's id and token still work; their new record is signed by the new key.
    after = api.choose(site.key, before, {"action": "withdraw"}).json()
    services.seal_site(site)
    api.delete(f"/api/v1/sites/{site.key}/users/{before['user_id']}", api_key_for(site))
    assert ConsentRecord.objects.get(action="erase").key_id == new_id
    assert list(ConsentSeal.objects.order_by("sequence").values_list("key_id", flat=True)) == [old_id, new_id]
    assert set(ConsentDeletion.objects.values_list("key_id", flat=True)) == {new_id}
    assert api.consent(site.key, {"action": "reject_all"}).status_code == 201
    assert ConsentRecord.objects.get(action="reject_all").key_id == new_id
    report = services.verify_log(site)
    assert report.ok, report.problems
    assert after["user_id"] == before["user_id"]

    # The old key dropped from the ring: what it signed is named, not silently passed.
    settings.CMP_CONSENT_OLD_HMAC_KEYS = []
    report = services.verify_log(site)
    assert not report.ok
    assert "Seal #1 was altered" in " ".join(report.problems)


def test_a_forged_key_id_does_not_help(api, site):
    record_id = api.consent(site.key, {"action": "accept_all"}).json()["consent_id"]
    ConsentRecord.objects.filter(consent_id=record_id).update(key_id="deadbeef")
    report = services.verify_log(site)
    assert [p for p in report.problems if record_id in p] == [
        f"Record {record_id} was signed by key deadbeef, which is not in the key ring."
    ]
    ConsentRecord.objects.filter(consent_id=record_id).update(key_id="")
    report = services.verify_log(site)
    assert not report.ok, "dropping the key id changes the signed content"


# Old keys only verify (a round-1 database keeps verifying under its short key); the signing key
# must be long.
@pytest.mark.parametrize(
    ("name", "value"), [("CMP_CONSENT_HMAC_KEY", "x"), ("CMP_CONSENT_HMAC_KEY", "k" * 31)]
)
def test_start_up_refuses_keys_shorter_than_32_bytes(name, value):
    result = run_manage("check", env={name: value})
    assert result.returncode != 0
    assert f"{name} holds a key of" in result.stderr
    assert "at least 32" in result.stderr


def test_the_rotation_command_prints_the_lines_without_an_env_file():
    out = StringIO()
    call_command("rotate_consent_key", stdout=out, stderr=StringIO())
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert set(lines) == {"CMP_CONSENT_HMAC_KEY", "CMP_CONSENT_OLD_HMAC_KEYS"}
    assert len(lines["CMP_CONSENT_HMAC_KEY"]) >= 32
    with pytest.raises(CommandError):
        call_command("rotate_consent_key", "--env-file", "/nonexistent-dir/x/.env", stdout=StringIO())

"""`manage.py verify_consent_log` as an operator runs it: a separate process on a real database file,
exit status 0 for an intact log and 1 once a sealed record is deleted behind the service's back."""

from __future__ import annotations

import pytest

RECORD_AND_SEAL = """
from consent.choices import ChoiceRequest
from sites.models import Site
from consent.services import record_consent, seal_site
site = Site.objects.get(key="demo")
for action in ("accept_all", "reject_all", "withdraw"):
    record_consent(site, ChoiceRequest(action=action))
print(seal_site(site).record_count)
"""

DELETE_ONE = """
from consent.models import ConsentRecord
ConsentRecord.objects.order_by("id").first().delete()
"""


@pytest.mark.slow
def test_exit_status_reports_tampering(manage, tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cmp.sqlite3'}", "CMP_SEAL_GRACE_SECONDS": "0"}
    for step in (("migrate", "-v0"), ("bootstrap",)):
        completed = manage(*step, env=env)
        assert completed.returncode == 0, completed.stderr
    sealed = manage("shell", "-c", RECORD_AND_SEAL, env=env)
    assert sealed.stdout.strip().endswith("3"), sealed.stderr

    intact = manage("verify_consent_log", "demo", env=env)
    assert intact.returncode == 0, intact.stderr
    assert "The log verifies." in intact.stdout

    manage("shell", "-c", DELETE_ONE, env=env)
    broken = manage("verify_consent_log", "demo", env=env)
    assert broken.returncode == 1
    assert "VERIFICATION FAILED" in broken.stderr
    assert "expects 3 records" in broken.stderr

    unknown = manage("verify_consent_log", "nosuchsite", env=env)
    assert unknown.returncode == 1
    assert "No site" in unknown.stderr

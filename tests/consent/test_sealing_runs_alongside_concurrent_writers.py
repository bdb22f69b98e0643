"""Recording takes no per-site lock: several processes record consents for the same site while
another seals repeatedly, and afterwards every record is sealed exactly once and the log verifies."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

WRITER = """
from consent.choices import ChoiceRequest
from sites.models import Site
from consent.services import record_consent
site = Site.objects.get(key="demo")
for index in range({count}):
    record_consent(site, ChoiceRequest(action=("accept_all", "reject_all", "withdraw")[index % 3]))
"""

SEALER = """
import time
from sites.models import Site
from consent.services import seal_site
site = Site.objects.get(key="demo")
deadline = time.time() + {seconds}
while time.time() < deadline:
    seal_site(site)
    time.sleep(0.05)
"""

FINAL = """
from consent.models import ConsentRecord, ConsentSeal
from sites.models import Site
from consent.services import seal_site, verify_log
site = Site.objects.get(key="demo")
seal_site(site)
report = verify_log(site)
sealed = sum(ConsentSeal.objects.filter(site=site).values_list("record_count", flat=True))
print(ConsentSeal.objects.filter(site=site).count())
records = ConsentRecord.objects.filter(site=site).count()
print(records, sealed, report.unsealed_records, report.ok, report.problems)
"""


@pytest.mark.slow
def test_concurrent_writers_and_sealer(manage, repo_root, tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cmp.sqlite3'}", "CMP_SEAL_GRACE_SECONDS": "1"}
    for step in (("migrate", "-v0"), ("bootstrap",)):
        assert manage(*step, env=env).returncode == 0
    full_env = {**os.environ, "DEBUG": "1", **env}
    writers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", WRITER.format(count=40)],
            cwd=repo_root,
            env=full_env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    sealer = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", SEALER.format(seconds=6)],
        cwd=repo_root,
        env=full_env,
        stderr=subprocess.PIPE,
        text=True,
    )
    for process in [*writers, sealer]:
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors

    final = manage("shell", "-c", FINAL, env={**env, "CMP_SEAL_GRACE_SECONDS": "0"})
    assert final.returncode == 0, final.stderr
    *_, seals, summary = final.stdout.strip().splitlines()
    assert summary == "120 120 0 True []", final.stdout
    # Seals were taken while the writers ran, not only by the final call.
    assert int(seals) >= 2

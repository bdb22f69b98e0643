"""A Celery worker SIGKILLed in the middle of the retention purge or of a GVL import leaves the data
whole, and the job resumes and finishes once a worker is back (the message was never acknowledged,
so the broker hands it out again).

Real processes: `celery worker` against the real Redis as broker, on a database of its own; the kill
is `SIGKILL`, so nothing in the worker gets to clean up.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
import time

import pytest
from celery import Celery

EXPIRED_RECORDS = 20_000
PURGE_BATCH = 50

SETUP_EXPIRED_LOG = f"""
import uuid
from datetime import timedelta
from django.core.management import call_command
from django.utils import timezone
from consent import evidence
from consent.choices import ChoiceRequest
from consent.models import ConsentRecord
from sites.models import Site
from consent.services import new_user_id, record_consent, seal_all_sites

call_command("bootstrap", verbosity=0)
site = Site.objects.get(key="demo")
template = record_consent(site, ChoiceRequest(action="reject_all"))
copied = [f.attname for f in ConsentRecord._meta.concrete_fields
          if f.attname not in ("id", "consent_id", "user_id", "mac", "created_at", "expires_at")]
start = timezone.now() - timedelta(days=800)
rows = []
for n in range({EXPIRED_RECORDS}):
    record = ConsentRecord(**{{name: getattr(template, name) for name in copied}})
    record.consent_id = uuid.uuid4()
    record.user_id = new_user_id(site)
    record.created_at = start + timedelta(seconds=n)
    record.expires_at = record.created_at + timedelta(days=730)
    record.mac = evidence.record_mac(record)
    rows.append(record)
ConsentRecord.objects.bulk_create(rows, batch_size=1000)
for _ in range(3):
    record_consent(site, ChoiceRequest(action="accept_all"))
print(seal_all_sites())
"""


def wait_for(condition, timeout: float, what: str, interval: float = 0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def expired_count(database) -> int:
    return database.query("SELECT count(*) FROM consent_consentrecord WHERE action = 'reject_all' "
                          "AND expires_at < CURRENT_TIMESTAMP")[0][0]  # fmt: skip


def live_count(database) -> int:
    return database.query("SELECT count(*) FROM consent_consentrecord WHERE expires_at > CURRENT_TIMESTAMP")[
        0
    ][0]


@pytest.fixture
def broker(redis_url):
    app = Celery("hardening-sender", broker=redis_url)
    yield app
    app.close()


@pytest.mark.slow
def test_purge_killed_midway_keeps_the_log_verifiable_and_resumes(
    scratch_database, celery_worker_for, broker, redis_url
):
    scratch_database.manage(
        "shell", "-c", SETUP_EXPIRED_LOG, env=scratch_database.env(CMP_SEAL_GRACE_SECONDS="0")
    )
    assert expired_count(scratch_database) == EXPIRED_RECORDS
    live_before = live_count(scratch_database)
    assert live_before == 4

    worker_env = scratch_database.env(
        REDIS_URL=redis_url, CMP_PURGE_BATCH_SIZE=str(PURGE_BATCH), CMP_CELERY_VISIBILITY_TIMEOUT="2",
        CMP_SEAL_GRACE_SECONDS="0",
    )  # fmt: skip
    worker = celery_worker_for(worker_env)
    worker.start()
    broker.send_task("consent.tasks.purge_expired_consents", queue=worker.queue)

    # Kill once some batches are committed and most are not.
    wait_for(
        lambda: expired_count(scratch_database) <= EXPIRED_RECORDS - 3 * PURGE_BATCH, 120, "purge to start"
    )
    worker.kill()
    left = expired_count(scratch_database)
    assert 0 < left < EXPIRED_RECORDS, "the kill did not land in the middle of the purge"

    # Whole: every committed batch is accounted for, nothing else changed.
    scratch_database.manage("verify_consent_log", "demo")
    assert live_count(scratch_database) == live_before
    accounted = scratch_database.query(
        "SELECT coalesce(sum(record_count), 0) FROM consent_consentdeletion WHERE reason = 'retention'"
    )[0][0]
    assert accounted == EXPIRED_RECORDS - left

    # Resumes: the unacknowledged task is redelivered to the next worker, which finishes the job.
    replacement = celery_worker_for(worker_env)
    replacement.queue = worker.queue
    replacement.start()
    wait_for(lambda: expired_count(scratch_database) == 0, 120, "the redelivered purge to finish", 0.2)
    wait_for(lambda: "succeeded" in replacement.log_text(), 30, "the task to be reported done", 0.2)
    scratch_database.manage("verify_consent_log", "demo")
    assert live_count(scratch_database) == live_before
    accounted = scratch_database.query(
        "SELECT coalesce(sum(record_count), 0) FROM consent_consentdeletion WHERE reason = 'retention'"
    )[0][0]
    assert accounted == EXPIRED_RECORDS


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def gvl_server(repo_root):
    """Serves the bundled GVL over HTTP, as vendor-list.consensu.org would."""
    handler = functools.partial(QuietHandler, directory=str(repo_root / "vendors" / "data"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/vendor-list-v106.json"
    server.shutdown()


def catalogue_state(database) -> tuple[int, int]:
    versions = database.query("SELECT count(*) FROM vendors_gvlversion")[0][0]
    vendors = database.query("SELECT count(*) FROM vendors_vendor")[0][0]
    return versions, vendors


@pytest.mark.slow
def test_gvl_import_killed_inside_its_transaction_leaves_nothing_half_written_and_resumes(
    scratch_database, celery_worker_for, broker, redis_url, gvl_server, repo_root
):
    expected_vendors = len(
        json.loads((repo_root / "vendors" / "data" / "vendor-list-v106.json").read_text())["vendors"]
    )
    assert catalogue_state(scratch_database) == (0, 0)
    worker_env = scratch_database.env(REDIS_URL=redis_url, CMP_CELERY_VISIBILITY_TIMEOUT="2")
    worker = celery_worker_for(worker_env)
    worker.start()
    broker.send_task("vendors.tasks.refresh_gvl", args=[gvl_server], queue=worker.queue)

    wait_for(scratch_database.in_write_transaction, 120, "the import transaction to start", 0.002)
    worker.kill()
    assert catalogue_state(scratch_database) == (0, 0), "a killed import left part of a GVL behind"

    replacement = celery_worker_for(worker_env)
    replacement.queue = worker.queue
    replacement.start()
    wait_for(
        lambda: catalogue_state(scratch_database) == (1, expected_vendors), 120, "the import to finish", 0.2
    )
    wait_for(lambda: "succeeded" in replacement.log_text(), 30, "the task to be reported done", 0.2)

    # Idempotent: running it again changes nothing.
    before = scratch_database.query("SELECT id, imported_at FROM vendors_gvlversion")
    broker.send_task("vendors.tasks.refresh_gvl", args=[gvl_server], queue=worker.queue)
    wait_for(lambda: replacement.log_text().count("succeeded") >= 2, 60, "the second import", 0.2)
    assert catalogue_state(scratch_database) == (1, expected_vendors)
    assert scratch_database.query("SELECT id, imported_at FROM vendors_gvlversion") == before

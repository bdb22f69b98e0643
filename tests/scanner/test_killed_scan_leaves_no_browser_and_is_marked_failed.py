"""A worker SIGKILLed in the middle of a scan leaves no Chromium process behind, the scan is marked
failed, and the next scan of the site runs. Real processes: `manage.py scan_site` in a subprocess on
a SQLite database file of its own, killed with SIGKILL so nothing in it gets to clean up."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SETUP = """
from sites.models import Site
Site.objects.create(key="shop", name="Test shop", domains=["127.0.0.1"], publisher_country_code="FR")
"""


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_killed_scan(tmp_path, test_site_server, manage, repo_root):
    database = tmp_path / "scan.sqlite3"
    env = {
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        "CMP_OUTBOUND_ALLOW_PRIVATE": "1",
        "CMP_SCAN_PAGE_TIMEOUT_SECONDS": "3",
        "CMP_SCAN_CONCURRENCY": "1",
    }
    assert manage("migrate", "-v0", env=env, timeout=300).returncode == 0
    assert manage("shell", "-c", SETUP, env=env).returncode == 0
    test_site_server.cmp_url = "http://127.0.0.1:9"  # no banner: the choice runs are skipped, quickly
    test_site_server.delay = 1.0  # each page takes a second: the kill lands mid-scan
    url = test_site_server.url + "/"
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "scan_site", "shop", "--url", url],
        cwd=repo_root,
        env={**os.environ, "DEBUG": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:

        def scanning():
            with sqlite3.connect(database) as db:
                row = db.execute("SELECT browser_pid, pages_done FROM scanner_scan").fetchone()
            return row if row and row[0] and row[1] >= 1 else None

        browser_pid, _ = wait_for(scanning, 120, "the scan to load its first pages")
        assert group_alive(browser_pid)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        worker.kill()
    # The kernel kills the browser with its parent (PR_SET_PDEATHSIG); its helpers go with it.
    wait_for(lambda: not group_alive(browser_pid), 15, "the browser's processes to end")
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT status FROM scanner_scan").fetchall() == [("running",)]

    test_site_server.delay = 0.0
    again = manage("scan_site", "shop", "--url", url, "--max-pages", "1", env=env, timeout=300)
    # Exit 1: the test site's pre-consent cookies are violations; the scan itself finished.
    assert again.returncode == 1, again.stdout + again.stderr
    assert "Set before consent: cookie _ga" in again.stdout
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT id, status, error FROM scanner_scan ORDER BY id").fetchall()
    assert [r[1] for r in rows] == ["failed", "finished"]
    assert "stopped before it finished" in rows[0][2]

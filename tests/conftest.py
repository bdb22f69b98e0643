"""Fixtures shared by every area of the suite. Area-specific fixtures live in each folder's conftest."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"
PYTHON = sys.executable


@pytest.fixture(autouse=True)
def _fresh_record_templates() -> None:
    """Record templates remember the row of their recorded choice, which a test's rolled-back
    database no longer holds in the next test."""
    from consent.record_template import forget_templates

    forget_templates()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis this machine runs; tests that prove a real broker or cache use it even on the
    SQLite run, where the application itself is configured without Redis."""
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def unused_port() -> int:
    return free_port()


def run_manage(
    *args: str, env: dict[str, str] | None = None, input_text: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Runs manage.py in a fresh interpreter, as an operator would."""
    full_env = {**os.environ, "DEBUG": "1", **(env or {})}
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=REPO_ROOT,
        env=full_env,
        input=input_text,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def manage():
    """`manage(*args, env=..., input_text=...)` runs a management command in a subprocess."""
    return run_manage


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Test-only host names for the banner's cookie-domain test: *.cmp.test is this machine.
    "--host-resolver-rules=MAP *.cmp.test 127.0.0.1",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium through Playwright, one for the whole run: Playwright's sync API allows
    only one driver per thread, so every folder's browser tests share this one."""
    from playwright.sync_api import sync_playwright

    # The driver keeps an event loop in this thread, which trips Django's async-safety check
    # although the tests' ORM calls are plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous

"""`manage.py check --deploy` passes, warnings included, in the environment docker-compose.yml gives
the web service (behind its TLS proxy), and fails when a secret is too weak or TLS is off."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

# What an operator would set: SECRET_KEY as the compose comment says (token_urlsafe(50)).
STRONG_SECRET_KEY = "k3V9-q_ZxR2mWtY8pLs4NbH6cJfD1gAeU7oIiK0vXyTnQrMwE5hBzCuGaSdFjP"


def deploy_check(compose: dict, repo_root, **overrides: str) -> subprocess.CompletedProcess[str]:
    service_env = {name: str(value) for name, value in compose["services"]["web"]["environment"].items()}
    # Only what a container would have besides the compose environment: nothing of this test run's
    # own (the browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE, which the deploy check rightly refuses).
    inherited = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env = {**inherited, **service_env, "SECRET_KEY": STRONG_SECRET_KEY, **overrides}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=repo_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_passes_with_the_compose_environment(compose, repo_root):
    assert compose["services"]["web"]["environment"]["CMP_BEHIND_TLS_PROXY"] == "1"
    result = deploy_check(compose, repo_root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_short_secret_key_fails_the_deploy_check(compose, repo_root):
    result = deploy_check(compose, repo_root, SECRET_KEY="too-short-secret")
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_a_short_consent_key_stops_start_up(compose, repo_root):
    result = deploy_check(compose, repo_root, CMP_CONSENT_HMAC_KEY="x" * 31)
    assert result.returncode != 0
    assert "CMP_CONSENT_HMAC_KEY holds a key of 31 bytes" in result.stderr


def test_without_the_tls_proxy_the_deploy_check_fails(compose, repo_root):
    result = deploy_check(compose, repo_root, CMP_BEHIND_TLS_PROXY="0")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output, check

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import free_port

VENV_BIN = str(Path(sys.executable).parent)

# Values the compose file requires; the test proves the file refuses to render without them.
COMPOSE_SECRETS = {
    "SECRET_KEY": "compose-test-secret-key-" + "x" * 30,
    "CMP_CONSENT_HMAC_KEY": "compose-test-hmac-key-of-at-least-32-bytes",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "POSTGRES_PASSWORD": "compose-test-password",
    "REDIS_PASSWORD": "compose-test-redis-password",
}


def compose_config(repo_root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean_env = {k: v for k, v in os.environ.items() if k not in COMPOSE_SECRETS}
    return subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config"],
        cwd=repo_root,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="session")
def compose_secrets() -> dict[str, str]:
    return dict(COMPOSE_SECRETS)


@pytest.fixture(scope="session")
def render_compose(repo_root: Path):
    return lambda env: compose_config(repo_root, env)


@pytest.fixture(scope="session")
def compose(repo_root: Path) -> dict:
    """docker-compose.yml as docker-compose itself renders it (anchors merged, variables set)."""
    result = compose_config(repo_root, COMPOSE_SECRETS)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.fixture
def compose_redis(compose: dict, tmp_path: Path):
    """The compose file's Redis, run natively: its own command (password included) on a free port.
    Yields the app's REDIS_URL from the compose file, pointed at it."""
    port = free_port()
    command = [*compose["services"]["redis"]["command"], "--port", str(port)]
    command += ["--dir", str(tmp_path), "--save", "", "--bind", "127.0.0.1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = compose["services"]["web"]["environment"]["REDIS_URL"].replace("@redis:6379", f"@127.0.0.1:{port}")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    try:
        yield url, port
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture
def native_env(tmp_path: Path, redis_url: str):
    """The environment a compose service gets, pointed at this machine's services instead of the
    compose network's host names, with the venv's executables first on PATH."""

    def build(service: dict, **overrides: str) -> dict[str, str]:
        env = {**os.environ, **{k: str(v) for k, v in service.get("environment", {}).items()}}
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'compose.sqlite3'}"
        env["REDIS_URL"] = redis_url.rsplit("/", 1)[0] + "/9"
        env["CMP_BEHIND_TLS_PROXY"] = "0"
        env["CMP_BEAT_SCHEDULE_FILE"] = str(tmp_path / "celerybeat-schedule")
        env["CMP_STATIC_ROOT"] = str(tmp_path / "static")
        env["CMP_SEAL_SINK_PATH"] = str(tmp_path / "seal-heads.jsonl")
        env["PATH"] = VENV_BIN + os.pathsep + env.get("PATH", "")
        env.update(overrides)
        return env

    return build

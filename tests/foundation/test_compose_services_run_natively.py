"""docker-compose.yml is valid, and the command of each of its services really runs.

There is no Docker engine on the build machines, so each service's command is taken from
`docker-compose config` and started here as a native process against this machine's Redis.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from celery import Celery

pytestmark = pytest.mark.slow


def start(command: list[str], env: dict[str, str], cwd) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def test_compose_file_renders_with_every_role_and_health_checks(compose):
    services = compose["services"]
    assert set(services) == {"migrate", "web", "worker", "scanner", "beat", "postgres", "redis"}
    for name in ("web", "worker", "scanner", "beat", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    assert set(compose["volumes"]) == {"postgres-data", "redis-data", "beat-data"}
    assert services["web"]["environment"]["DATABASE_URL"].startswith("postgres://cmp:")
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # Scans have their own queue and worker (with chromium in its image), one scan at a time.
    assert {"--queues=scans", "--concurrency=1"} <= set(services["scanner"]["command"])
    assert services["scanner"]["build"]["target"] == "scanner"


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "CMP_CONSENT_HMAC_KEY", "ALLOWED_HOSTS", "POSTGRES_PASSWORD"]
)
def test_compose_refuses_to_render_without_a_required_secret(compose_secrets, render_compose, missing):
    env = {k: v for k, v in compose_secrets.items() if k != missing}
    result = render_compose(env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_migrate_command_prepares_a_fresh_database(compose, native_env, repo_root):
    service = compose["services"]["migrate"]
    result = subprocess.run(
        service["command"],
        cwd=repo_root,
        env=native_env(service),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_web_command_serves_healthz(compose, native_env, repo_root, unused_port):
    service = compose["services"]["web"]
    command = [part.replace("0.0.0.0:8000", f"127.0.0.1:{unused_port}") for part in service["command"]]
    command = [part for part in command if not part.startswith("--workers")] + ["--workers=1"]
    assert command[0] == "gunicorn"
    # The public answer says only ok; the details need the health token.
    process = start(command, {**native_env(service), "CMP_HEALTH_TOKEN": "compose-test-token"}, repo_root)
    try:
        body = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{unused_port}/healthz",
                    headers={"Authorization": "Bearer compose-test-token"},
                )
                with urllib.request.urlopen(request, timeout=2) as response:
                    body = json.loads(response.read())
                    status = response.status
                break
            except OSError:
                time.sleep(0.3)
        assert body is not None, stop(process)
        assert status == 200
        assert body["checks"] == {"database": {"status": "ok"}, "redis": {"status": "ok"}}
    finally:
        stop(process)


def test_web_health_check_passes_when_allowed_hosts_is_a_real_domain(
    compose, native_env, repo_root, unused_port
):
    service = compose["services"]["web"]
    command = [part.replace("0.0.0.0:8000", f"127.0.0.1:{unused_port}") for part in service["command"]]
    command = [part for part in command if not part.startswith("--workers")] + ["--workers=1"]
    env = native_env(service, ALLOWED_HOSTS="cmp.example.com")
    process = start(command, env, repo_root)
    check = [
        part.replace("127.0.0.1:8000", f"127.0.0.1:{unused_port}")
        for part in service["healthcheck"]["test"][1:]
    ]
    try:
        deadline = time.monotonic() + 30
        while True:
            health = subprocess.run(check, cwd=repo_root, env=env, capture_output=True, text=True, timeout=30)
            if health.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert health.returncode == 0, health.stderr + stop(process)
        # The same request with the loopback Host is what Django refuses under that setting.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{unused_port}/healthz", timeout=5)
        assert refused.value.code == 400
    finally:
        stop(process)


def test_worker_command_executes_a_task_from_real_redis(compose, native_env, repo_root):
    service = compose["services"]["worker"]
    env = native_env(service)
    process = start(service["command"], env, repo_root)
    try:
        client = Celery(broker=env["REDIS_URL"], backend=env["REDIS_URL"])
        result = client.send_task("cmp.ping")
        assert result.get(timeout=60) == "pong"
        health = subprocess.run(
            service["healthcheck"]["test"][1:],
            cwd=repo_root,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert health.returncode == 0, health.stdout + health.stderr
    finally:
        stop(process)


def test_beat_command_starts_and_writes_its_schedule(compose, native_env, repo_root, tmp_path):
    service = compose["services"]["beat"]
    env = native_env(service)
    process = start(service["command"], env, repo_root)
    try:
        deadline = time.monotonic() + 30
        schedule_files = []
        while time.monotonic() < deadline and not schedule_files:
            assert process.poll() is None, stop(process)
            schedule_files = list(tmp_path.glob("celerybeat-schedule*"))
            time.sleep(0.3)
        assert schedule_files, "beat did not create its schedule file"
    finally:
        output = stop(process)
    assert "beat: Starting..." in output

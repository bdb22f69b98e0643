"""docker-compose.yml is valid, and the command of each of its services really runs.

There is no Docker engine on the build machines, so each service's command is taken from
`docker-compose config` and started here as a native process against this machine's Redis, or
against the compose file's own Redis command (with its password) run natively.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import redis
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
    assert set(services) == {"migrate", "web", "worker", "scanner", "beat", "postgres", "redis", "proxy"}
    for name in ("web", "worker", "scanner", "beat", "postgres", "redis", "proxy"):
        assert "healthcheck" in services[name], name
    volumes = {"postgres-data", "redis-data", "beat-data", "seal-sink", "caddy-data", "caddy-config"}
    assert set(compose["volumes"]) == volumes
    assert services["web"]["environment"]["DATABASE_URL"].startswith("postgres://cmp:")
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # Scans have their own queue and worker (with chromium in its image), one scan at a time.
    assert {"--queues=scans", "--concurrency=1"} <= set(services["scanner"]["command"])
    assert services["scanner"]["build"]["target"] == "scanner"


def test_only_the_tls_proxy_is_published_and_the_app_trusts_exactly_its_hop(compose, repo_root):
    services = compose["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert {str(port["target"]) for port in services["proxy"]["ports"]} == {"80", "443"}
    assert "8000" in [str(port) for port in services["web"]["expose"]]
    for name in ("migrate", "web", "worker", "scanner", "beat"):
        environment = services[name]["environment"]
        assert environment["CMP_BEHIND_TLS_PROXY"] == "1", name
        assert environment["CMP_TRUSTED_PROXY_HOPS"] == "1", name
    lines = (repo_root / "deploy" / "Caddyfile").read_text().splitlines()
    directives = [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]
    assert "reverse_proxy web:8000" in directives
    # Caddy overwrites X-Forwarded-For unless told to trust an earlier proxy, and logs nothing unless told.
    assert not [line for line in directives if line.startswith(("trusted_proxies", "log"))]


def mounts(service: dict) -> dict[str, str]:
    """target -> source of a service's volumes (docker-compose 1 renders them as source:target:mode)."""
    pairs = [volume.split(":")[:2] for volume in service.get("volumes", [])]
    return {target: source for source, target in pairs}


def test_seal_heads_go_to_a_volume_of_their_own(compose):
    services = compose["services"]
    for setting in ("CMP_SEAL_SINK_PATH", "CMP_RECORD_JOURNAL_PATH"):
        path = services["worker"]["environment"][setting]
        for name in ("web", "worker"):
            assert services[name]["environment"][setting] == path, (name, setting)
            assert mounts(services[name]).get(path.rsplit("/", 1)[0]) == "seal-sink", (name, setting)
    assert "seal-sink" not in mounts(services["postgres"]).values()


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "CMP_CONSENT_HMAC_KEY", "ALLOWED_HOSTS", "POSTGRES_PASSWORD", "REDIS_PASSWORD"]
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
                    f"http://127.0.0.1:{unused_port}/healthz?visitor=query-secret",
                    headers={
                        "Authorization": "Bearer compose-test-token",
                        # What the proxy passes on, and what the access log must not keep.
                        "X-Forwarded-For": "198.51.100.23",
                        "User-Agent": "agent-secret/1.0",
                        "Referer": "https://referrer-secret.example/",
                    },
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
        output = stop(process)
    access = [line for line in output.splitlines() if '"GET /healthz"' in line]
    assert access, output
    for secret in ("127.0.0.1", "198.51.100", "agent-secret", "referrer-secret", "query-secret"):
        assert secret not in access[-1], access[-1]
    assert " 200 " in access[-1]


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


def test_redis_answers_only_with_the_password(compose, compose_redis):
    _, port = compose_redis
    without = {k: v for k, v in os.environ.items() if k != "REDISCLI_AUTH"}
    ping = ["redis-cli", "-p", str(port), "ping"]
    refused = subprocess.run(ping, env=without, capture_output=True, text=True)
    assert "NOAUTH" in refused.stdout + refused.stderr
    service = compose["services"]["redis"]
    check = service["healthcheck"]["test"][1:]
    healthy = subprocess.run(
        [check[0], "-p", str(port), *check[1:]],
        env={**without, **service["environment"]},
        capture_output=True,
        text=True,
    )
    assert healthy.stdout.strip() == "PONG", healthy.stderr


def test_worker_runs_json_tasks_through_the_password_redis_and_refuses_pickle(
    compose, native_env, repo_root, compose_redis
):
    url, _ = compose_redis
    service = compose["services"]["worker"]
    env = native_env(service, REDIS_URL=url)
    process = start(service["command"], env, repo_root)
    try:
        client = Celery(broker=url, backend=url)
        client.conf.accept_content = ["json", "pickle"]
        assert client.send_task("cmp.ping").get(timeout=60) == "pong"
        # What someone who can write to Redis would queue to run code in a worker: a pickled message.
        client.send_task("cmp.ping", serializer="pickle")
        # The worker consumes in order: once a later task is answered, it has seen the pickled one.
        assert client.send_task("cmp.ping").get(timeout=60) == "pong"
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
        output = stop(process)
    assert "Refusing to deserialize untrusted content of type pickle" in output, output


READ_PLANTED = "from django.core.cache import cache; cache.get('planted')"


class _RunsCode:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_pickle_written_into_redis_is_not_unpickled_by_the_cache(
    compose, native_env, repo_root, compose_redis, tmp_path
):
    url, _ = compose_redis
    payload = pickle.dumps(_RunsCode(str(tmp_path / "ran-from-cache")))
    control = tmp_path / "control"
    control.write_bytes(pickle.dumps(_RunsCode(str(tmp_path / "ran-from-control"))))
    unpickle = f"import pickle; pickle.loads(open({str(control)!r}, 'rb').read())"
    subprocess.run([sys.executable, "-c", unpickle], check=False)
    assert (tmp_path / "ran-from-control").exists(), "the payload runs code where it is unpickled"

    redis.Redis.from_url(url).set(":1:planted", payload)
    read = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", READ_PLANTED],
        cwd=repo_root,
        env=native_env(compose["services"]["web"], REDIS_URL=url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert not (tmp_path / "ran-from-cache").exists(), read.stdout + read.stderr


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

"""Fixtures for the hardening tests: isolated rate-limit counters, a Redis that is not there, and
helpers to run the real service (gunicorn) and real throwaway Redis/PostgreSQL servers."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def isolated_rate_limits(settings):
    """Each test counts in its own key space, so counts never leak between tests or parallel runs."""
    settings.CMP_RATE_LIMIT_KEY_PREFIX = f"test-rl:{uuid.uuid4().hex}"
    return settings.CMP_RATE_LIMIT_KEY_PREFIX


def redis_cache_settings(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }


@pytest.fixture
def point_redis_at(settings):
    """`point_redis_at(url)` makes the application use that Redis as cache and rate-limit store."""

    def apply(url: str) -> None:
        settings.REDIS_URL = url
        settings.CACHES = redis_cache_settings(url)

    return apply


@pytest.fixture
def redis_down(point_redis_at, unused_port):
    """The application configured with a Redis on a port where nothing listens."""
    url = f"redis://127.0.0.1:{unused_port}/5"
    point_redis_at(url)
    return url


def stored_key_names() -> list[str]:
    """Every key the default cache holds right now, whichever backend it is."""
    cache = caches["default"]
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):
        return [str(key) for key in cache._cache]
    from django_redis import get_redis_connection

    return [key.decode() for key in get_redis_connection("default").scan_iter(count=1000)]


@pytest.fixture
def cache_key_names():
    return stored_key_names


# --- Real processes ---------------------------------------------------------------------------------

PG_BIN = (
    Path("/usr/lib/postgresql") / sorted(p.name for p in Path("/usr/lib/postgresql").iterdir())[-1] / "bin"
)


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class RedisServer:
    """A redis-server of our own on a free port, which a test may kill and start again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/5"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: port_open(self.port), 10, f"redis-server on port {self.port}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        wait_until(lambda: not port_open(self.port), 10, f"redis-server on port {self.port} to stop")


@pytest.fixture
def throwaway_redis(unused_port):
    server = RedisServer(unused_port)
    server.start()
    yield server
    server.kill()


class PostgresCluster:
    """A PostgreSQL cluster of our own under a temporary directory, owned by the postgres user, so
    that a test can stop "the database" without touching the machine's shared server."""

    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.data = root / "data"
        self.port = port

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *command: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, timeout=60
        )

    def init(self) -> None:
        shutil.chown(self.root, "postgres")
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-w",
            "-l",
            str(self.root / "log"),
            "start",
        )

    def stop(self) -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture
def throwaway_postgres(unused_port):
    root = Path(tempfile.mkdtemp(prefix="cmp-hardening-pg-"))
    cluster = PostgresCluster(root, unused_port)
    cluster.init()
    cluster.start()
    yield cluster
    with contextlib.suppress(subprocess.CalledProcessError):
        cluster.stop()
    shutil.rmtree(root, ignore_errors=True)


class Service:
    """The application under gunicorn, as deployed, with the environment a test gives it."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env = env
        self.port = port
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "cmp.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "60",
            ],
            cwd=REPO_ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_until(lambda: port_open(self.port), 30, f"gunicorn on port {self.port} (log: {self.log})")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


def service_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "hardening-test-secret-key-" + "x" * 30,
            "CMP_CONSENT_HMAC_KEY": "test-consent-hmac-key-of-at-least-32-bytes",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
    )
    env.update(overrides)
    return env


@pytest.fixture
def start_service(tmp_path):
    """`start_service(env)` runs gunicorn with that environment and returns it; stopped at teardown."""
    started: list[Service] = []

    def start(env: dict[str, str]) -> Service:
        service = Service(env, free_port(), tmp_path / f"gunicorn-{len(started)}.log")
        service.start()
        started.append(service)
        return service

    yield start
    for service in started:
        service.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ScratchDatabase:
    """A database of its own for tests whose application runs in other processes (gunicorn, Celery):
    a fresh database on the configured PostgreSQL server on the PostgreSQL run, a temporary SQLite
    file otherwise. The test's own Django connection never touches it."""

    def __init__(self, url: str, cleanup) -> None:
        self.url = url
        self.cleanup = cleanup
        self.is_postgres = url.startswith("postgres")

    def env(self, **overrides: str) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
        env.update(
            {
                "DEBUG": "1",
                "CMP_CONSENT_HMAC_KEY": "test-consent-hmac-key-of-at-least-32-bytes",
                "DATABASE_URL": self.url,
            }
        )
        env.update(overrides)
        return env

    def manage(self, *args: str, env: dict[str, str] | None = None, timeout: float = 300) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=env or self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def python(self, code: str) -> str:
        """Runs Python code with Django set up against this database (`manage.py shell -c`)."""
        return self.manage("shell", "-c", code)

    def query(self, sql: str) -> list[tuple]:
        if self.is_postgres:
            import psycopg

            with psycopg.connect(self.url) as conn:
                return list(conn.execute(sql).fetchall())
        import sqlite3

        conn = sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=20)
        try:
            return list(conn.execute(sql).fetchall())
        finally:
            conn.close()

    def in_write_transaction(self) -> bool:
        """Whether some other connection is inside a transaction that has written something."""
        if self.is_postgres:
            name = self.url.rsplit("/", 1)[1]
            rows = self.query(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL "
                f"AND datname = '{name}' AND pid <> pg_backend_pid()"
            )
            return rows[0][0] > 0
        return Path(self.url.removeprefix("sqlite:///") + "-journal").exists()


@pytest.fixture
def scratch_database(tmp_path):
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith("postgres"):
        import psycopg

        name = f"hardening_scratch_{uuid.uuid4().hex[:10]}"
        admin = configured.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        database = ScratchDatabase(configured.rsplit("/", 1)[0] + f"/{name}", drop)
    else:
        database = ScratchDatabase(f"sqlite:///{tmp_path / 'scratch.sqlite3'}", lambda: None)
    database.manage("migrate", "--noinput")
    yield database
    database.cleanup()


class CeleryWorker:
    """`celery worker` on a queue of its own (so no other test's worker takes our tasks)."""

    def __init__(self, env: dict[str, str], queue: str, log: Path) -> None:
        self.env = env
        self.queue = queue
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "cmp", "worker", "--pool", "solo",
             "-Q", self.queue, "--without-heartbeat", "--without-mingle", "--without-gossip",
             "--loglevel", "INFO", "-n", f"{self.queue}@%h"],
            cwd=REPO_ROOT, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(20)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def celery_worker_for(tmp_path):
    """`celery_worker_for(env)` returns a (not yet started) worker on a fresh queue; stopped at teardown."""
    workers: list[CeleryWorker] = []

    def make(env: dict[str, str]) -> CeleryWorker:
        worker = CeleryWorker(
            env, f"hardening-{uuid.uuid4().hex[:8]}", tmp_path / f"worker-{len(workers)}.log"
        )
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.stop()


@pytest.fixture
def demo_site(db):
    """The demo site with the bundled catalogue, inside the test's transaction."""
    from django.core.management import call_command

    from sites.models import Site
    from vendors.models import GvlVersion

    if not GvlVersion.objects.exists():
        call_command("load_bundled_catalogue", verbosity=0)
    if not Site.objects.filter(key="demo").exists():
        call_command("create_demo_site", verbosity=0)
    return Site.objects.get(key="demo")


@pytest.fixture
def api_key(demo_site) -> str:
    from consent.api_keys import issue_key

    return issue_key(demo_site, "hardening tests", ["read", "check", "export", "erase"])[1]

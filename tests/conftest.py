"""Fixtures shared by every area of the suite. Area-specific fixtures live in each folder's conftest."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command

REPO_ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# The Redis databases a server has unless configured otherwise (redis.conf `databases`).
REDIS_DATABASES = 16
DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_url_with_database(url: str, database: int) -> str:
    """`url` naming database `database` (redis://host:port/N)."""
    parsed = urlsplit(url)
    if parsed.scheme not in ("redis", "rediss"):
        raise pytest.UsageError(f"cannot give each test worker its own database of {url!r}: use redis://")
    return urlunsplit(parsed._replace(path=f"/{database}"))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config: pytest.Config, specs: list[Any]) -> None:
    """Under pytest-xdist (`make test` runs `-n 2`), each worker process uses a Redis database of its
    own, set in its environment before it imports the settings: the application's cache (rate-limit
    and sign-in lockout counters), Celery's queues and results and the tests that prove a real broker
    (`redis_url`) are all per worker, and so are the processes the tests start, which inherit the
    environment. A key prefix would not do: django-redis's `cache.clear()`, which tests call, is a
    FLUSHDB, and would empty the other worker's counters and queues mid-test.

    Worker k of n uses database (base + k * 16 // n) mod 16, the base being the one REDIS_URL (or
    TEST_REDIS_URL, or db 0) names: with -n 2, db N and N + 8, so checkouts sharing one Redis keep
    apart when each is given a base below 8. On the SQLite run REDIS_URL stays unset (the application
    runs without Redis) and only TEST_REDIS_URL, which `redis_url` reads, is set per worker."""
    configured = os.environ.get("REDIS_URL", "")
    base_url = configured or os.environ.get("TEST_REDIS_URL") or DEFAULT_TEST_REDIS_URL
    base = int(urlsplit(base_url).path.strip("/") or 0)
    stride = max(1, REDIS_DATABASES // len(specs))
    for index, spec in enumerate(specs):
        url = redis_url_with_database(base_url, (base + index * stride) % REDIS_DATABASES)
        spec.env["TEST_REDIS_URL"] = url
        if configured:
            spec.env["REDIS_URL"] = url


@pytest.fixture(autouse=True)
def _fresh_configuration_cache() -> None:
    """What the configuration cache holds (record templates remember the row of their recorded
    choice) may be gone from a test's rolled-back database in the next test, while the
    configuration version the cache last saw is the same again."""
    from infra.config import cache

    cache.clear()


@pytest.fixture(autouse=True)
def seal_sink(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's own seal sink (consent/sink.py), for this process and the ones it starts: the
    sink outlives a rolled-back test database, and a shared one would name the seals of earlier
    tests as missing."""
    path = tmp_path / "seal-heads.jsonl"
    settings.CMP_SEAL_SINK_PATH = path
    monkeypatch.setenv("CMP_SEAL_SINK_PATH", str(path))
    return path


@pytest.fixture(scope="session")
def reference_tcdata():
    """`reference_tcdata([tc, ...])` -> TCData fields per string, from @iabtechlabtcf/core."""

    def decode(tc_strings: list[str]) -> list[dict[str, Any]]:
        done = subprocess.run(
            ["node", str(REPO_ROOT / "tests" / "banner" / "tcdata_reference.cjs")],
            cwd=REPO_ROOT,
            input=json.dumps(tc_strings),
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return json.loads(done.stdout)

    return decode


def make_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour (zlib and CRCs as the format wants), without an imaging library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def png():
    return make_png


class Migrator:
    """Moves the test database's schema to a migration state and back (for migration tests)."""

    @staticmethod
    def migrate(targets: list[tuple[str, str]]) -> Any:
        """Migrates to `targets`; returns the app registry of that state (its historical models)."""
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    def migrate_to_latest(self) -> None:
        """Every app at its newest migration: later migrations (of sites, say) that were rolled back
        with an earlier one come back too, so the current models match the tables."""
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        self.migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.fixture
def migrator() -> Migrator:
    return Migrator()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def screenshots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshot tests write: a temporary folder, so a test run changes no tracked file;
    `make screenshots` (CMP_REFRESH_SCREENSHOTS=1) points it at docs/screenshots instead."""
    if os.environ.get("CMP_REFRESH_SCREENSHOTS") == "1":
        folder = REPO_ROOT / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis this machine runs; tests that prove a real broker or cache use it even on the
    SQLite run, where the application itself is configured without Redis (TEST_REDIS_URL picks
    another database for that run when several checkouts test on one machine; each xdist worker
    gets its own, `pytest_xdist_setupnodes`)."""
    return os.environ.get("REDIS_URL") or os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"


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
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait up to 15 s instead of 5: on the 2 shared cores of CI a server under load can
    # take longer than 5 s to answer the 900-vendor list, and a wait is not what these tests judge.
    expect.set_options(timeout=15_000)

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


# --- the catalogue, sites, API keys and an HTTP helper (the consent and sites tests) ----------------


_catalogue_snapshot: dict[str, Any] = {}


def load_catalogue() -> None:
    """`manage.py load_bundled_catalogue`, fast after its first run in a test session.

    The databases of live-server (browser) tests are emptied after each test, and importing the GVL,
    its 35 translations and the ATP list again through the ORM took about 3 s of every such test's
    setup. So the rows the first import writes into an empty catalogue are kept, table by table, and
    written back in one statement per table (COPY on PostgreSQL) by the later calls. What is stored
    is the import's own output, so a test sees the same catalogue either way; the database triggers
    of infra/config.py see the inserts as they see the import's."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from vendors.models import GvlVersion

    models = list(apps.get_app_config("vendors").get_models(include_auto_created=True))
    tables = [model._meta.db_table for model in models]
    was_empty = not GvlVersion.objects.exists()
    if not (was_empty and _catalogue_snapshot):
        call_command("load_bundled_catalogue", verbosity=0)
        if was_empty:
            _catalogue_snapshot.update({table: _read_table(connection, table) for table in tables})
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            _write_table(connection, cursor, table, _catalogue_snapshot[table])
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def _read_table(connection: Any, table: str) -> Any:
    quoted = connection.ops.quote_name(table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {quoted} TO STDOUT") as copy:
            return b"".join(bytes(block) for block in copy)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quoted}")
        return [column[0] for column in cursor.description], cursor.fetchall()


def _write_table(connection: Any, cursor: Any, table: str, rows: Any) -> None:
    quoted = connection.ops.quote_name(table)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {quoted} FROM STDIN") as copy:
            copy.write(rows)
        return
    columns, values = rows
    if values:
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        marks = ", ".join("%s" for _ in columns)
        cursor.executemany(f"INSERT INTO {quoted} ({names}) VALUES ({marks})", values)


@pytest.fixture(scope="session")
def _catalogue_loaded_once(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        call_command("load_bundled_catalogue", stdout=StringIO())


@pytest.fixture
def catalogue(_catalogue_loaded_once: None, db: None):
    """The newest GVL snapshot (v106 from the bundled data), loaded once per test session."""
    from vendors.catalogue import current_gvl
    from vendors.models import GoogleAtp, GvlVersion

    if not (GvlVersion.objects.exists() and GoogleAtp.objects.exists()):
        call_command("load_bundled_catalogue", stdout=StringIO())
    return current_gvl()


def _make_site(key: str, origins: list[str]):
    from sites.models import Site
    from sites.setup import ensure_default_categories

    site = Site.objects.create(
        key=key,
        name=f"Site {key}",
        domains=[f"www.{key}.example"],
        allowed_origins=origins,
        publisher_country_code="FR",
        languages=["en", "fr"],
        privacy_policy_url=f"https://www.{key}.example/privacy",
        # The consent tests count on a site disclosing the whole catalogue.
        enable_all_vendors=True,
        enable_all_atps=True,
    )
    ensure_default_categories(site)
    return site


@pytest.fixture
def site(catalogue: Any):
    return _make_site("alpha", ["https://www.alpha.example"])


@pytest.fixture
def other_site(catalogue: Any):
    return _make_site("beta", ["https://www.beta.example"])


@pytest.fixture
def api_key_for() -> Callable[[Any], str]:
    from consent.api_keys import issue_key

    def make(site: Any, *scopes: str) -> str:
        """A key of `site` with `scopes` (default: every downstream scope, not "record")."""
        return issue_key(site, "test", scopes or ("read", "check", "export", "erase"))[1]

    return make


def site_origin(site_key: str) -> str:
    """The first allowed origin of a test site (`_make_site`) or of the demo site."""
    from sites.setup import DEMO_ORIGINS, DEMO_SITE_KEY

    return DEMO_ORIGINS[0] if site_key == DEMO_SITE_KEY else f"https://www.{site_key}.example"


class Api:
    """Requests through the full middleware stack, with JSON bodies."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def post(self, path: str, body: Any, content_type: str = "application/json", **headers: str) -> Any:
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.client.post(path, data=data, content_type=content_type, headers=headers)

    def consent(
        self, site_key: str, body: Any, content_type: str = "application/json", **headers: str | None
    ) -> Any:
        """A consent POST as the banner on the site's page sends it (from the site's first allowed
        origin, as the fixtures' sites and the demo site list it); `Origin=None` sends none."""
        headers.setdefault("Origin", site_origin(site_key))
        sent = {name: value for name, value in headers.items() if value is not None}
        return self.post(f"/api/v1/sites/{site_key}/consents", body, content_type, **sent)

    def choose(self, site_key: str, visitor: dict[str, Any], body: dict[str, Any], **headers: str) -> Any:
        """A later choice of the visitor whose first answer was `visitor` (their id and token)."""
        ids = {"user_id": visitor["user_id"], "write_token": visitor["write_token"]}
        return self.consent(site_key, {**body, **ids}, **headers)

    def get(self, path: str, key: str | None = None, **headers: str) -> Any:
        if key:
            headers["Authorization"] = f"Api-Key {key}"
        return self.client.get(path, headers=headers)

    def preferences(self, site_key: str, lang: str = "en", **headers: str) -> dict[str, Any]:
        """The configuration the preferences dialog reads: the banner document with the preferences
        document it links merged over it, as cmp.js merges them when the dialog opens."""
        banner = self.get(f"/api/v1/sites/{site_key}/banner?lang={lang}", **headers).json()
        return {**banner, **self.get(banner["preferences_url"], **headers).json()}

    def delete(self, path: str, key: str | None = None) -> Any:
        headers = {"Authorization": f"Api-Key {key}"} if key else {}
        return self.client.delete(path, headers=headers)


@pytest.fixture
def api(client: Any) -> Api:
    return Api(client)


@pytest.fixture
def admin_client(client: Any, db: None) -> Any:
    """The test client signed in as a superuser (replaces pytest-django's: no password, since
    hashing one costs most of a second and force_login needs none)."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def no_rate_limits(settings: Any) -> None:
    """Rate limits off: they belong to the hardening tests, and most tests send many requests from
    one address. The areas that need it take it for every test (their conftest's `_isolated`)."""
    settings.CMP_RATE_LIMIT_PER_IP = 0
    settings.CMP_RATE_LIMIT_PER_SITE = 0


# --- the visitor's location, as a CDN tells it ----------------------------------------------------

#: Location headers as Cloudflare sets them, trusted where the `cloudflare` fixture is used.
CALIFORNIA = {"CF-IPCountry": "US", "CF-Region-Code": "CA"}
GERMANY = {"CF-IPCountry": "DE"}


@pytest.fixture
def cloudflare(settings: Any) -> None:
    """The deployment trusts Cloudflare's location headers (CF-IPCountry, CF-Region-Code)."""
    settings.CMP_LOCATION_COUNTRY_HEADER = "CF-IPCountry"
    settings.CMP_LOCATION_REGION_HEADER = "CF-Region-Code"


# --- a webhook receiver (the consent and client tests) ------------------------------------------


class Receiver:
    """A local webhook receiver: answers the statuses it is told to (then 200) and keeps what came."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.received: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append((dict(self.headers.items()), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings: Any):
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = True
    settings.CMP_WEBHOOK_RETRY_BASE_SECONDS = 0
    settings.CMP_WEBHOOK_GRACE_SECONDS = 0
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def gvl_v2_4(catalogue: Any, repo_root: Path):
    """The bundled GVL v106 and French texts with what TCF v2.4 adds (tests/data/PROVENANCE.md,
    gvl-v2.4-standard-texts.json), imported as v107 inside the test's transaction; returns the patch."""
    import copy

    from vendors.importing import import_gvl, import_translation

    patch = json.loads((repo_root / "tests/data/gvl-v2.4-standard-texts.json").read_text(encoding="utf-8"))
    gvl = json.loads((repo_root / "vendors/data/vendor-list-v106.json").read_bytes())
    changes = copy.deepcopy(patch["gvl"])
    for feature_id, name in changes.pop("specialFeatureNames").items():
        gvl["specialFeatures"][feature_id]["name"] = name
    gvl.update(changes)
    gvl["vendors"][str(patch["vendorExtra"]["vendorId"])].update(patch["vendorExtra"]["fields"])
    import_gvl(gvl, source="test: gvl-v2.4-standard-texts.json")
    french = json.loads((repo_root / "vendors/data/purposes-fr.json").read_bytes())
    french.update(patch["translations"]["fr"])
    import_translation(french, "fr", source="test: gvl-v2.4-standard-texts.json")
    return patch


# --- a loopback HTTP server for the outbound fetches (infra/outbound.py and its callers) ---------


class RouteServer:
    """A loopback HTTP server answering GETs from `routes` (path -> {"status", "headers", "body",
    "delay"}; other paths 404). A header value may name `{port}`; an `ETag` header is answered 304
    to a matching If-None-Match. `requests` keeps (path, headers) of every GET."""

    def __init__(self, routes: dict[str, dict[str, Any]], tls: Any = None) -> None:
        import http.server
        import threading
        import time

        self.routes = routes
        self.requests: list[tuple[str, dict[str, str]]] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append((self.path, dict(self.headers)))
                route = owner.routes.get(self.path, {"status": 404, "body": b""})
                time.sleep(route.get("delay", 0))
                etag = route.get("headers", {}).get("ETag")
                not_modified = etag and self.headers.get("If-None-Match") == etag
                self.send_response(304 if not_modified else route.get("status", 200))
                for name, value in route.get("headers", {}).items():
                    self.send_header(name, value.format(port=owner.port))
                body = b"" if not_modified else route.get("body", b"")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:  # an ssl.SSLContext: the server speaks https
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str, scheme: str = "http", host: str = "127.0.0.1") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def route_server():
    """`route_server(routes, tls=None)` -> a started `RouteServer`, shut down after the test."""
    servers: list[RouteServer] = []

    def start(routes: dict[str, dict[str, Any]], tls: Any = None) -> RouteServer:
        servers.append(RouteServer(routes, tls))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def first_hop_public(settings: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A loopback test server stands for a public host on the first hop only: loopback is allowed
    for the first URL infra.outbound checks and refused from the second on (a redirect). Returns
    the URLs checked, in order."""
    from infra import outbound

    settings.CMP_OUTBOUND_ALLOW_PRIVATE = True
    checked: list[str] = []
    original = outbound.resolve_allowed

    def resolve(url: str, schemes: Any = ("https",)) -> str:
        checked.append(url)
        if len(checked) > 1:
            settings.CMP_OUTBOUND_ALLOW_PRIVATE = False
        return original(url, schemes)

    monkeypatch.setattr(outbound, "resolve_allowed", resolve)
    return checked

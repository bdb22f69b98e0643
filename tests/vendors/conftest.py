"""Fixtures of the vendor-catalogue tests.

The bundled catalogue (GVL v106, French texts, Google ATPs) is imported once per test session into
the test database; `catalogue` hands it to a test, re-importing inside the test's transaction if a
transactional test elsewhere has flushed the tables since. Tests that need an empty catalogue use
`empty_catalogue`, which deletes it inside the test's transaction (rolled back afterwards).
"""

from __future__ import annotations

import gzip
import http.server
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST_DATA = REPO_ROOT / "tests" / "data"
BUNDLED = REPO_ROOT / "vendors" / "data"


@pytest.fixture(scope="session")
def gvl_files() -> dict[str, Path]:
    return {
        "v106": BUNDLED / "vendor-list-v106.json",
        "v17": TEST_DATA / "vendor-list-v17.json",
        "fr": BUNDLED / "purposes-fr.json",
        "de_v2": TEST_DATA / "purposes-de.v2-format.json",
        "atps": BUNDLED / "additional-consent-providers.csv",
    }


@pytest.fixture(scope="session")
def v106_bytes(gvl_files: dict[str, Path]) -> bytes:
    return gvl_files["v106"].read_bytes()


@pytest.fixture(scope="session")
def v17_bytes(gvl_files: dict[str, Path]) -> bytes:
    return gvl_files["v17"].read_bytes()


@pytest.fixture
def v106_document(v106_bytes: bytes) -> dict[str, Any]:
    """A fresh, mutable copy of the raw v106 JSON (the reference the tests compare with)."""
    return json.loads(v106_bytes)


def _load_bundled(gvl_files: dict[str, Path]) -> None:
    from vendors.importing import import_google_atps, import_gvl, import_translation

    import_gvl(gvl_files["v106"].read_bytes(), source="test session")
    import_translation(gvl_files["fr"].read_bytes(), "fr", source="test session")
    import_google_atps(gvl_files["atps"].read_bytes(), source="test session")


@pytest.fixture(scope="session")
def _catalogue_imported_once(
    django_db_setup: None, django_db_blocker: Any, gvl_files: dict[str, Path]
) -> None:
    with django_db_blocker.unblock():
        _load_bundled(gvl_files)


@pytest.fixture
def catalogue(_catalogue_imported_once: None, db: None, gvl_files: dict[str, Path]):
    from vendors.catalogue import current_gvl
    from vendors.models import GoogleAtp, GvlTranslation, GvlVersion

    complete = (
        GvlVersion.objects.filter(vendor_list_version=106).exists()
        and GvlTranslation.objects.filter(language="fr").exists()
        and GoogleAtp.objects.exists()
    )
    if not complete:
        _load_bundled(gvl_files)
    return current_gvl()


def wipe_catalogue() -> None:
    from vendors.models import (
        DataCategory,
        Feature,
        GoogleAtp,
        GvlTranslation,
        GvlVersion,
        Purpose,
        SpecialFeature,
        SpecialPurpose,
        Stack,
        Vendor,
    )

    for model in (
        GvlVersion,
        GvlTranslation,
        Purpose,
        SpecialPurpose,
        Feature,
        SpecialFeature,
        Stack,
        DataCategory,
        Vendor,
        GoogleAtp,
    ):
        model.objects.all().delete()


@pytest.fixture
def empty_catalogue(db: None) -> None:
    wipe_catalogue()


@pytest.fixture
def catalogue_state() -> Callable[[], dict[str, Any]]:
    """Everything the catalogue holds, as comparable plain data (to prove that nothing changed)."""

    def snapshot() -> dict[str, Any]:
        from django.apps import apps

        state: dict[str, Any] = {}
        for model in apps.get_app_config("vendors").get_models():
            rows = model.objects.order_by("pk").values()
            state[model.__name__] = [
                {key: value for key, value in row.items() if key != "document"} for row in rows
            ]
        return state

    return snapshot


class _CatalogueServer(http.server.ThreadingHTTPServer):
    daemon_threads = True


@pytest.fixture
def flaky_server() -> Iterator[Callable[..., Any]]:
    """`flaky_server(body, failures=2, content_type=..., routes=None)` starts an HTTP server on 127.0.0.1
    that answers 503 to the first `failures` requests and then serves `body` (gzip-compressed when the
    client accepts it) at every path, or, with `routes`, `body` at /vendor-list.json, each route's
    bytes at its path and 404 elsewhere. Returns an object with `.url`, `.hits`, `.paths` and
    `.accept_encodings`."""
    servers: list[_CatalogueServer] = []

    def start(
        body: bytes,
        failures: int = 2,
        status_after: int = 200,
        content_type: str = "application/json",
        routes: dict[str, bytes] | None = None,
    ):
        state = {"hits": 0, "accept_encodings": [], "paths": []}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                state["hits"] += 1
                state["paths"].append(self.path)
                accept = self.headers.get("Accept-Encoding", "")
                state["accept_encodings"].append(accept)
                if state["hits"] <= failures:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                payload = (routes or {}).get(self.path, body)
                if routes is not None and self.path not in routes and self.path != "/vendor-list.json":
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(status_after)
                self.send_header("Content-Type", content_type)
                if "gzip" in accept:
                    payload = gzip.compress(payload)
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = _CatalogueServer(("127.0.0.1", 0), Handler)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()

        class Info:
            url = f"http://127.0.0.1:{server.server_address[1]}/vendor-list.json"

            @property
            def hits(self) -> int:
                return state["hits"]

            @property
            def paths(self) -> list[str]:
                return state["paths"]

            @property
            def accept_encodings(self) -> list[str]:
                return state["accept_encodings"]

        return Info()

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()

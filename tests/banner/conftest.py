"""Fixtures for the banner tests: a live CMP server, Debian's Chromium through Playwright, a second
origin for publisher pages and iframes, and the IAB reference decoding of TC strings.

Every test runs against pytest-django's `live_server` (so each is transactional and flushed after
it); the `demo_site` fixture loads the bundled GVL, the ATP list and the demo site into the fresh
database each time, which takes well under a second.
"""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.management import call_command

from tests.conftest import load_catalogue

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent


@pytest.fixture
def cmp_server(live_server):
    return live_server.url


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


@pytest.fixture(scope="package")
def other_origin(tmp_path_factory):
    """A plain static server on another port: publisher pages and iframes from a second origin.

    Returns (directory, port); the same server answers as http://127.0.0.1:PORT and
    http://localhost:PORT, which are two different origins."""
    root = tmp_path_factory.mktemp("other-origin")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, server.server_address[1]
    server.shutdown()


@pytest.fixture
def demo_site(cmp_server, other_origin):
    """The demo site, with the test origins allowed to call its API."""
    from sites.models import Site

    load_catalogue()
    call_command("create_demo_site", verbosity=0)
    site = Site.objects.get(key="demo")
    port = other_origin[1]
    wanted = [
        cmp_server,
        cmp_server.replace("localhost", "127.0.0.1"),
        f"http://127.0.0.1:{port}",
        f"http://www.cmp.test:{port}",
        f"http://shop.cmp.test:{port}",
    ]
    missing = [o for o in wanted if o not in site.allowed_origins]
    if missing:
        site.allowed_origins = [*site.allowed_origins, *missing]
        site.save()
    return site


@pytest.fixture
def context(chromium):
    ctx = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    ctx.set_default_timeout(15000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, demo_site):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


PING = "() => { let answer; __tcfapi('ping', 2, p => (answer = p)); return answer; }"
LOADED = "() => { let answer; __tcfapi('ping', 2, p => (answer = p)); return answer.cmpStatus === 'loaded'; }"


def ping(page) -> dict[str, Any]:
    return page.evaluate(PING)


def wait_until_loaded(page) -> None:
    page.wait_for_function(LOADED)


@pytest.fixture
def cmp_ping():
    """`cmp_ping(page)` -> the CMP's PingReturn; `cmp_ping.wait_loaded(page)` waits for cmpStatus loaded."""
    ping.wait_loaded = wait_until_loaded  # type: ignore[attr-defined]
    return ping


@pytest.fixture
def open_demo(page, cmp_server):
    """Opens /demo/ and waits until the CMP has answered (banner shown or consent loaded)."""

    def go(path: str = "/demo/") -> Any:
        page.goto(cmp_server + path)
        wait_until_loaded(page)
        return page

    return go


@pytest.fixture
def cookies(context):
    """The consent cookies of the current context, decoded."""

    def read() -> dict[str, Any]:
        jar = {c["name"]: unquote(c["value"]) for c in context.cookies()}
        meta = jar.get("cmp_consent")
        return {
            "tc": jar.get("euconsent-v2"),
            "ac": jar.get("addtl_consent"),
            "meta": json.loads(meta) if meta else None,
            "raw": {c["name"]: c for c in context.cookies()},
        }

    return read


@pytest.fixture
def tcf_events(page):
    """Registers an addEventListener on the page; returns a reader of the TCData it received."""

    def install() -> None:
        page.evaluate(
            """() => {
              window.__events = [];
              __tcfapi('addEventListener', 2, data => window.__events.push(JSON.parse(JSON.stringify(data))));
            }"""
        )

    def wait_for(status: str) -> dict[str, Any]:
        page.wait_for_function("s => (window.__events || []).some(e => e.eventStatus === s)", arg=status)
        return [e for e in page.evaluate("window.__events") if e["eventStatus"] == status][-1]

    install.wait_for = wait_for  # type: ignore[attr-defined]
    return install


@pytest.fixture(scope="session")
def axe_path() -> Path:
    return REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"


TC_FIELDS = (
    "tcString",
    "tcfPolicyVersion",
    "cmpId",
    "cmpVersion",
    "isServiceSpecific",
    "useNonStandardTexts",
    "publisherCC",
    "purposeOneTreatment",
    "purpose",
    "vendor",
    "specialFeatureOptins",
    "publisher",
)


@pytest.fixture(scope="session")
def string_fields():
    """The part of a TCData object that comes from the TC string."""

    def pick(tcdata: dict[str, Any]) -> dict[str, Any]:
        return {k: tcdata.get(k) for k in TC_FIELDS}

    return pick


@pytest.fixture(scope="session")
def stub_source() -> str:
    """The inline stub as a publisher pastes it (a "</script" could not occur inside a script)."""
    source = (REPO_ROOT / "static" / "consent" / "stub.js").read_text()
    assert "</script" not in source
    return source


GPP_READY = (
    "() => { let p; __gpp('ping', x => (p = x)); "
    "return p.cmpStatus === 'loaded' && p.signalStatus === 'ready'; }"
)


@pytest.fixture
def gpp_ready():
    """`gpp_ready(page)` waits until __gpp says loaded and ready (it answers synchronously, and
    wait_for_function needs a plain value), then returns its ping."""

    def wait(page) -> dict[str, Any]:
        page.wait_for_function(GPP_READY)
        return page.evaluate("() => { let p; __gpp('ping', x => (p = x)); return p; }")

    return wait


@pytest.fixture
def gpc_on():
    """`gpc_on(page)`: the page's navigator.globalPrivacyControl is true, as in a browser with
    Global Privacy Control switched on (Chromium has no such setting; the Sec-GPC header is sent
    with the context's extra headers)."""

    def switch(page) -> None:
        page.add_init_script(
            "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
        )

    return switch

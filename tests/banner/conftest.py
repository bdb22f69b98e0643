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
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

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


# --- Prebid.js from npm as a real client of the CMP API ------------------------------------------

PREBID_CHUNKS = REPO_ROOT / "node_modules" / "prebid.js" / "dist" / "chunks"


def prebid_bundle_source(modules: tuple[str, ...]) -> str:
    """Prebid.js with `modules`, assembled from the package's prebuilt chunks the way its own
    `gulp bundle` does (gulpfile.js `bundle`): the core, every chunk they depend on
    (dist/chunks/dependencies.json), the modules, wrapped in bundle-template.txt's guard and
    followed by `pbjs.processQueue()`. No build step and no network."""
    graph = json.loads((PREBID_CHUNKS / "dependencies.json").read_text())
    files = ["prebid-core.js", *(f"{name}.js" for name in modules)]
    missing = [name for name in files if not (PREBID_CHUNKS / name).is_file()]
    assert not missing, f"no such Prebid.js module chunk: {missing}"
    dependencies = [dep for name in files for dep in graph.get(name, [])]
    entries = list(dict.fromkeys([files[0], *dependencies, *files[1:]]))
    source = "\n".join((PREBID_CHUNKS / name).read_text() for name in entries)
    return (
        f"/* Prebid.js {prebid_version()} for the tests; modules: {', '.join(modules)} */\n"
        "if (!window.pbjs || !window.pbjs.libLoaded) {\n(function(){\n"
        f"{source}\n}})();\npbjs.processQueue();\n}}\n"
    )


def prebid_version() -> str:
    return json.loads((PREBID_CHUNKS.parent.parent / "package.json").read_text())["version"]


@pytest.fixture
def prebid_page(other_origin, cmp_server, stub_source):
    """`prebid_page(name, modules, body, head="")` -> the URL of a publisher page on the second
    origin with the inline stub, cmp.js of the demo site, Prebid.js with `modules` (e.g.
    ("consentManagementTcf", "tcfControl")), then `body`: the page's own Prebid setup."""
    root, port = other_origin
    built: dict[tuple[str, ...], str] = {}

    def write(name: str, modules: tuple[str, ...], body: str, head: str = "") -> str:
        modules = tuple(modules)
        if modules not in built:
            script = f"prebid-{'-'.join(modules) or 'core'}.js"
            (root / script).write_text(prebid_bundle_source(modules))
            built[modules] = script
        (root / name).write_text(
            f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Prebid page</title>
<script>{stub_source}</script>
<script src="{cmp_server}/static/consent/cmp.js" data-site="demo" async></script>
{head}<script src="{built[modules]}"></script></head>
<body><h1>Publisher with Prebid.js</h1><div id="slot"></div>{body}</body></html>"""
        )
        return f"http://127.0.0.1:{port}/{name}"

    return write


class _BidderHandler(BaseHTTPRequestHandler):
    """A test bidder's server: records every request (bids and user-sync pixels) and answers a
    bid with CORS for the page's origin, as an ad server answers Prebid.js."""

    received: list[dict[str, Any]]

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self.received.append({"path": url.path, "query": dict(parse_qsl(url.query, keep_blank_values=True))})
        if url.path == "/bid":
            body = b'{"cpm": 1.5}'
            content_type = "application/json"
        else:
            body, content_type = PIXEL_GIF, "image/gif"
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
        self.send_header("Access-Control-Allow-Credentials", "true")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


PIXEL_GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


class TestBidder:
    """What the test bidder's endpoint received: `bids()` and `syncs()` are the query strings of
    the bid requests and of the user-sync pixels, in order."""

    def __init__(self, url: str, received: list[dict[str, Any]]) -> None:
        self.url = url
        self.received = received

    def bids(self) -> list[dict[str, str]]:
        return [r["query"] for r in self.received if r["path"] == "/bid"]

    def syncs(self) -> list[dict[str, str]]:
        return [r["query"] for r in self.received if r["path"] == "/sync"]

    def adapter_script(self, code: str, gvlid: int) -> str:
        """A Prebid bid adapter `code` with GVL id `gvlid` that sends its bids and user syncs here,
        with the consent Prebid.js hands every adapter (bidderRequest.gdprConsent)."""
        return f"""<script>
pbjs.que.push(function () {{
  pbjs.registerBidAdapter(null, {json.dumps(code)}, {{
    code: {json.dumps(code)},
    gvlid: {gvlid},
    supportedMediaTypes: ["banner"],
    isBidRequestValid: function () {{ return true; }},
    buildRequests: function (bids, bidderRequest) {{
      var c = bidderRequest.gdprConsent || {{}};
      return [{{ method: "GET", url: {json.dumps(self.url + "/bid")}, data: {{
        gdpr: c.gdprApplies ? "1" : "0", gdpr_consent: c.consentString || "", bid_id: bids[0].bidId }} }}];
    }},
    interpretResponse: function (response, request) {{
      return [{{ requestId: request.data.bid_id, cpm: response.body.cpm, currency: "EUR", width: 300,
        height: 250, ad: "<p>ad</p>", ttl: 60, creativeId: "c1", netRevenue: true,
        meta: {{ advertiserDomains: ["example.com"] }} }}];
    }},
    getUserSyncs: function (options, responses, gdprConsent) {{
      var consent = (gdprConsent && gdprConsent.consentString) || "";
      return options.pixelEnabled
        ? [{{ type: "image",
               url: {json.dumps(self.url + "/sync")} + "?gdpr_consent=" + encodeURIComponent(consent) }}]
        : [];
    }}
  }});
}});
</script>"""


@pytest.fixture
def test_bidder():
    """A local HTTP endpoint standing in for a bidder's ad server (TestBidder)."""
    received: list[dict[str, Any]] = []
    handler = type("Handler", (_BidderHandler,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield TestBidder(f"http://127.0.0.1:{server.server_address[1]}", received)
    server.shutdown()

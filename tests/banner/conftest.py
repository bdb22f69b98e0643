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
from urllib.parse import parse_qs, unquote, urlsplit

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


@pytest.fixture
def framing_publisher(cmp_server, other_origin, stub_source):
    """`framing_publisher(name, frame_html)` -> the URL of a publisher page on the second origin
    (http://127.0.0.1:PORT) with the inline stub and the demo site's cmp.js, framing `frame_html`
    from a third origin (http://localhost:PORT) in `<iframe id="ad">`."""
    root, port = other_origin

    def write(name: str, frame_html: str) -> str:
        (root / f"{name}-frame.html").write_text(frame_html)
        (root / f"{name}-publisher.html").write_text(
            f"""<!doctype html><html lang="en"><head><title>Publisher</title><script>{stub_source}</script>
<script src="{cmp_server}/static/consent/cmp.js" data-site="demo" async></script></head>
<body><h1>Publisher on another origin</h1>
<iframe id="ad" title="ad" src="http://localhost:{port}/{name}-frame.html" width="300" height="250"></iframe>
</body></html>"""
        )
        return f"http://127.0.0.1:{port}/{name}-publisher.html"

    return write


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


# --- Prebid.js on a publisher page ---------------------------------------------------------------
# node_modules/prebid.js ships the chunks its own build concatenates (dist/chunks, with
# dependencies.json naming what each needs). `prebid_bundle` concatenates them the way its gulpfile
# does (`bundle()`: core, the dependencies in order, the modules, in the bundle template's guard,
# then `pbjs.processQueue()`), so a test gets the real Prebid with only the modules it names.

PREBID_CHUNKS = REPO_ROOT / "node_modules" / "prebid.js" / "dist" / "chunks"
#: What a publisher with EU and US traffic runs: both consent modules, their enforcement modules,
#: and the AMX adapter, whose endpoint is a bid parameter (so it can point at a local server) and
#: which declares a real GVL id (737, Monet Engine: purposes 1, 2 and 7 on consent).
PREBID_CONSENT_MODULES = (
    "consentManagementTcf",
    "tcfControl",
    "consentManagementGpp",
    "gppControl_usnat",
    "amxBidAdapter",
)
TEST_BIDDER = "amx"
TEST_BIDDER_GVL_ID = 737


def prebid_bundle(modules: tuple[str, ...] = PREBID_CONSENT_MODULES) -> str:
    """The source of a Prebid.js build with `modules` (chunk names without `.js`)."""
    graph = json.loads((PREBID_CHUNKS / "dependencies.json").read_text())
    entries: list[str] = []

    def add(name: str) -> None:
        for dependency in graph.get(name, []):
            add(dependency)
        if name not in entries:
            entries.append(name)

    # As the gulpfile orders them: the core, then every dependency, then the modules themselves.
    core, wanted = "prebid-core.js", [f"{m}.js" for m in modules]
    for name in [core, *wanted]:
        for dependency in graph.get(name, []):
            add(dependency)
    ordered = [core, *(e for e in entries if e not in wanted and e != core), *wanted]
    missing = [name for name in ordered if not (PREBID_CHUNKS / name).is_file()]
    assert not missing, f"Prebid.js chunks missing from node_modules: {missing}"
    source = "\n".join((PREBID_CHUNKS / name).read_text() for name in ordered)
    return (
        "if (!window.pbjs || !window.pbjs.libLoaded) {\n(function(){\n"
        + source
        + "\n})();\npbjs.processQueue();\n}\n"
    )


class BidderEndpoint:
    """A local bid endpoint: records every request it gets and answers with no bid."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _cors(self) -> None:
                # Prebid's ajax sends credentials: the answer must name the page's origin.
                self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
                self.send_header("Access-Control-Allow-Credentials", "true")
                self.send_header("Access-Control-Allow-Headers", "Content-Type")

            def do_OPTIONS(self) -> None:
                self.send_response(204)
                self._cors()
                self.end_headers()

            def _record(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                try:
                    body: Any = json.loads(raw) if raw else None
                except ValueError:
                    body = raw
                url = urlsplit(self.path)
                with endpoint._lock:
                    endpoint.requests.append(
                        {
                            "method": self.command,
                            "path": url.path,
                            "query": {k: v[-1] for k, v in parse_qs(url.query).items()},
                            "body": body,
                        }
                    )
                answer = b'{"r": {}}'
                self.send_response(200)
                self._cors()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = _record
            do_POST = _record

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/bid"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def received(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.requests)

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def bidder_endpoint():
    """A `BidderEndpoint`: `.url` to give the test bidder, `.received()` the requests it got
    (method, path, query, JSON body), `.clear()` between auctions."""
    endpoint = BidderEndpoint()
    yield endpoint
    endpoint.close()


_PREBID_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Publisher page with Prebid.js</title>
<script>{stub}</script>
<script src="{cmp_server}/static/consent/cmp.js" data-site="{site_key}" async></script>
<script>
  window.pbjs = window.pbjs || {{que: []}};
  pbjs.que.push(function () {{
    pbjs.setConfig({config});
    pbjs.addAdUnits({ad_units});
  }});
  // One auction; resolves with what Prebid says happened (the bid endpoint says what it received).
  window.runAuction = function () {{
    return new Promise(function (resolve) {{
      pbjs.que.push(function () {{
        var requested = [];
        var onRequested = function (r) {{
          requested.push(JSON.parse(JSON.stringify(
            {{bidder: r.bidderCode, gdprConsent: r.gdprConsent || null, gppConsent: r.gppConsent || null}})));
        }};
        pbjs.onEvent('bidRequested', onRequested);
        pbjs.requestBids({{
          timeout: 3000,
          bidsBackHandler: function () {{
            pbjs.offEvent('bidRequested', onRequested);
            var metadata = JSON.parse(JSON.stringify(pbjs.getConsentMetadata()));
            resolve({{requested: requested, metadata: metadata}});
          }}
        }});
      }});
    }});
  }};
</script>
<script src="{bundle}" async></script>
</head><body><main><h1>Publisher page with Prebid.js</h1><div id="slot"></div></main></body></html>
"""


def prebid_config(
    *, gdpr: bool = True, gpp: bool = True, restrict_on_us_opt_out: tuple[str, ...] = ("fetchBids",)
) -> dict[str, Any]:
    """A `pbjs.setConfig` object: consentManagement reading `__tcfapi` (gdpr) and `__gpp` (gpp).

    `restrict_on_us_opt_out`: the activities gppControl_usnat denies, besides its defaults (user
    syncs, EIDs, first-party data), when the usnat section says the visitor opted out; Prebid's
    `mspa.restrictActivities` (docs.prebid.org/features/mspa-usnat.html). With fetchBids there, an
    opted-out visitor's auction calls no bidder."""
    management: dict[str, Any] = {}
    if gdpr:
        management["gdpr"] = {"cmpApi": "iab", "timeout": 8000, "defaultGdprScope": True}
    if gpp:
        management["gpp"] = {
            "cmpApi": "iab",
            "timeout": 8000,
            "mspa": {"restrictActivities": list(restrict_on_us_opt_out)},
        }
    return {"consentManagement": management}


@pytest.fixture
def behind_cdn(cmp_server):
    """`behind_cdn(page, {"CF-IPCountry": "US", "CF-Region-Code": "CA"})`: every request the page
    makes to the CMP server carries these headers, as the deployment's CDN would add them, and no
    other request does (a header set on the whole context would be a custom header on the
    publisher page's cross-origin API calls, which CORS refuses)."""

    def route(page, headers: dict[str, str]) -> None:
        page.unroute(cmp_server + "/**")
        page.route(cmp_server + "/**", lambda r: r.continue_(headers={**r.request.headers, **headers}))

    return route


@pytest.fixture
def prebid_page(cmp_server, other_origin, demo_site, stub_source, bidder_endpoint):
    """`prebid_page(config=None, *, modules=PREBID_CONSENT_MODULES, site_key="demo", name=...)` writes
    a publisher page on the second origin (`other_origin`) with the inline stub, the site's cmp.js
    from the live server, and a Prebid.js assembled from node_modules' chunks (`prebid_bundle`), and
    returns its URL. The page has one ad unit with the AMX bidder (GVL 737) pointed at
    `bidder_endpoint.url`, and `window.runAuction()`: a promise of one auction, resolving with
    `{requested: [{bidder, gdprConsent, gppConsent} per bidder request Prebid made],
    metadata: pbjs.getConsentMetadata()}`.

    Usage (in a test under tests/banner/):

        def test_x(page, prebid_page, bidder_endpoint, behind_cdn, settings):
            settings.CMP_LOCATION_COUNTRY_HEADER = "CF-IPCountry"
            behind_cdn(page, {"CF-IPCountry": "DE"})
            page.goto(prebid_page(prebid_config(gpp=False)))
            page.locator("[data-cmp=accept]").click()
            page.evaluate("runAuction()")
            [request] = bidder_endpoint.received()
            assert request["body"]["gc"]  # AMX posts the TC string as `gc`, the GPP as `gpp`

    `config` defaults to `prebid_config()` (both consent modules); `ad_units` replaces the AMX ad unit
    and `head` adds markup before `</head>` (e.g. `bid_adapter_script`'s script). Pages are written under
    the name `name` (default `prebid-<n>.html`); the bundle is written once per module set."""
    root, port = other_origin
    written: list[Path] = []

    def make(
        config: dict[str, Any] | None = None,
        *,
        modules: tuple[str, ...] = PREBID_CONSENT_MODULES,
        site_key: str = "demo",
        name: str | None = None,
        ad_units: list[dict[str, Any]] | None = None,
        head: str = "",
    ) -> str:
        bundle_name = "prebid-" + "-".join(sorted(modules)).replace(".", "") + ".js"
        bundle_path = root / bundle_name
        if not bundle_path.exists():
            bundle_path.write_text(prebid_bundle(modules))
        ad_units = ad_units or [
            {
                "code": "slot",
                "mediaTypes": {"banner": {"sizes": [[300, 250]]}},
                "bids": [
                    {"bidder": TEST_BIDDER, "params": {"endpoint": bidder_endpoint.url, "tagId": "test"}}
                ],
            }
        ]
        html = _PREBID_PAGE.format(
            stub=stub_source,
            cmp_server=cmp_server,
            site_key=site_key,
            config=json.dumps(config if config is not None else prebid_config()),
            ad_units=json.dumps(ad_units),
            bundle=bundle_name,
        ).replace("</head>", head + "</head>")
        page_path = root / (name or f"prebid-{len(written)}.html")
        page_path.write_text(html)
        written.append(page_path)
        return f"http://127.0.0.1:{port}/{page_path.name}"

    yield make
    for path in written:
        path.unlink(missing_ok=True)


def bid_adapter_script(code: str, gvlid: int, endpoint: str) -> str:
    """A `<script>` registering Prebid bid adapter `code` with GVL id `gvlid` that sends each bid
    request to `endpoint` + "/bid" and its image user sync to `endpoint` + "/sync", each with the
    consent Prebid.js hands every adapter (`gdpr`, `gdpr_consent` in the query): a bidder whose
    vendor declarations the test chooses, unlike a shipped adapter's."""
    return f"""<script>
window.pbjs = window.pbjs || {{que: []}};
pbjs.que.push(function () {{
  pbjs.registerBidAdapter(null, {json.dumps(code)}, {{
    code: {json.dumps(code)},
    gvlid: {gvlid},
    supportedMediaTypes: ["banner"],
    isBidRequestValid: function () {{ return true; }},
    buildRequests: function (bids, bidderRequest) {{
      var c = bidderRequest.gdprConsent || {{}};
      return [{{ method: "GET", url: {json.dumps(endpoint + "/bid")}, data: {{
        gdpr: c.gdprApplies ? "1" : "0", gdpr_consent: c.consentString || "", bid_id: bids[0].bidId }} }}];
    }},
    interpretResponse: function () {{ return []; }},
    getUserSyncs: function (options, responses, gdprConsent) {{
      var consent = (gdprConsent && gdprConsent.consentString) || "";
      return options.pixelEnabled
        ? [{{ type: "image",
               url: {json.dumps(endpoint + "/sync")} + "?gdpr_consent=" + encodeURIComponent(consent) }}]
        : [];
    }}
  }});
}});
</script>"""

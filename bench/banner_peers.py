"""First load of our banner against peer banners from npm, in one Chromium, throttled and interleaved;
writes the "Banner first load against peer banners" section of docs/PERFORMANCE.md.

The banners, each on the same test page (same article, same gtag snippet), each with Accept, Reject
and a way to the preferences:

* ours: the demo site (bundled GVL, every vendor and ATP), as production serves it: a scratch SQLite
  database migrated and bootstrapped, `collectstatic` as the Dockerfile runs it, the `web` command of
  docker-compose.yml (gunicorn) with DEBUG off, and the embed snippet the console gives the publisher;
* vanilla-cookieconsent 3.1.0 and Klaro 0.7.22, installed as their documentation says (CSS + UMD
  module script; config + deferred `klaro.js`), from node_modules;
* the IAB floor: `@iabtechlabtcf/cmpapi` 1.5.21 with `@iabtechlabtcf/core`, bundled into one script
  with a minimal two-button layer (plus a preferences button) that calls `update('', true)` once it
  shows; it fetches the GVL after the layer is up so that Accept can encode a TC string.

Peer files and test pages come from two plain static servers on loopback (page origin, asset "CDN"
origin), gzip-compressed and kept alive as a CDN would; our API and cmp.js come from gunicorn.

For rep in 1..N, for each banner, a fresh browser context: 4x CPU throttling and 150 ms latency,
1.6 Mbps down, 750 kbps up (CDP Emulation.setCPUThrottlingRate, Network.emulateNetworkConditions),
and an init script that observes long tasks and event timing, timestamps every dataLayer push and
looks, each animation frame, for a visible button labelled Accept (found by its text, so the
benchmark follows the banner's markup wherever it goes). Measured: time to a visible Accept button,
time to the first `getTCData` answer (banners with `__tcfapi`), bytes on the wire (CDP
Network.loadingFinished encodedDataLength) until Accept is visible and until the page is quiet, long
tasks until then, and the Accept click's interaction time (event timing, the longest event of the
click's interaction; Chromium reports only events of 16 ms or more). Then for ours only, each rep:
the Vendors tab (open the preferences, wait until the page is quiet, click the Vendors tab: its
interaction time, the time until the vendor list shows, the longest task after the click, elements in
the document), and a return visit with the consent cookies the Accept click stored: when the Consent
Mode `default` and `update` reach the dataLayer. Medians over the reps.

Usage: .venv/bin/python bench/banner_peers.py [--reps 9] [--no-write]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import importlib.util
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from bench.perf_doc import machine_line, publish  # noqa: E402
from bench.servers import PYTHON, free_port, manage, wait_for_port  # noqa: E402

NODE_MODULES = REPO_ROOT / "node_modules"
# The browser side: the test page, the observer every context runs first, the peers' configurations
# and the IAB floor's stub and layer.
BROWSER_FILES = Path(__file__).resolve().parent / "banner_peers_browser"
TITLE = "Banner first load against peer banners"
BANNERS = ("ours", "vanilla", "klaro", "iab")
LABELS = {
    "ours": "ours (demo site, as served)",
    "vanilla": "vanilla-cookieconsent 3.1.0",
    "klaro": "Klaro 0.7.22",
    "iab": "IAB floor: @iabtechlabtcf/cmpapi 1.5.21 + minimal layer",
}
# Button texts, matched case-insensitively on the trimmed text of a visible button.
ACCEPT_TEXT = r"^(accept|allow|agree)( all)?( cookies)?$"
PREFERENCES_TEXT = r"customi[sz]e|preferences|settings|manage|choose|options"
VENDORS_TAB_TEXT = r"^(vendors|partners)\b"
WAIT_FOR_UPDATE_MS = 500
VENDORS_TAB_TARGET_MS = 200
IAB_FLOOR_FACTOR = 1.15
VIEWPORT = {"width": 412, "height": 823}
PAGE_TIMEOUT_MS = 60_000


# --- our CMP, as production serves it -----------------------------------------------------------


def web_command(port: int) -> list[str]:
    """The `web` service's command of docker-compose.yml, bound to loopback, without the access log
    (its writes would be measured too)."""
    import yaml

    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["command"]
    if isinstance(command, str):
        command = shlex.split(command)
    out = []
    for arg in command:
        if arg.startswith(("--bind", "--access-log")):
            continue
        out.append(arg)
    if out and out[0] == "gunicorn":
        out[0] = str(Path(PYTHON).with_name("gunicorn"))
    return [*out, f"--bind=127.0.0.1:{port}"]


SITE_SETUP = """
from sites.models import Site
site = Site.objects.get(key="demo")
site.allowed_origins = [*site.allowed_origins, {origin!r}]
site.save()
"""

# The snippet the console's embed page gives the publisher, read from that page (so a change to the
# snippet, a hashed static name, a preloaded configuration, is benchmarked as publishers get it).
SNIPPET_READER = """
import html, re
from django.contrib.auth import get_user_model
from django.test import Client
user, _ = get_user_model().objects.get_or_create(
    username="bench", defaults={{"is_staff": True, "is_superuser": True}}
)
client = Client(HTTP_HOST={host!r})
client.force_login(user)
page = client.get("/console/sites/demo/embed").content.decode()
print(html.unescape(re.search(r'<pre[^>]*id="snippet"[^>]*>(.*?)</pre>', page, re.S).group(1)))
"""


def proxy_config(port: int, app_port: int) -> str | None:
    """deploy/Caddyfile, the TLS proxy of docker-compose.yml, on plain HTTP on loopback in front of
    gunicorn (the browser cannot trust Caddy's local CA; no HTTP/2 without TLS, but its `encode` and
    kept-alive connections are the same). None without the file."""
    path = REPO_ROOT / "deploy" / "Caddyfile"
    if not path.is_file():
        return None
    site = path.read_text().replace("{$CMP_PUBLIC_HOST}", f"http://127.0.0.1:{port}")
    return "{\n\tadmin off\n\tauto_https off\n}\n" + site.replace("web:8000", f"127.0.0.1:{app_port}")


class OurCmp:
    """A scratch database, gunicorn serving it as docker-compose.yml runs the `web` service, and Caddy
    in front as its `proxy` service does (when Caddy is installed: `make system-deps`)."""

    def __init__(self, folder: Path, page_origin: str) -> None:
        self.app_port = free_port()
        caddy = shutil.which("caddy")
        config = proxy_config(free_port(), self.app_port) if caddy else None
        self.port = int(re.search(r"http://127.0.0.1:(\d+)", config).group(1)) if config else self.app_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG")},
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "CMP_CONSENT_HMAC_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "REDIS_URL": "",
            "CMP_STATIC_ROOT": str(folder / "staticfiles"),
            "CMP_SEAL_SINK_PATH": str(folder / "seal-heads.jsonl"),
            # Every context of the benchmark comes from one address.
            "CMP_RATE_LIMIT_PER_IP": "0",
        }
        # As the Dockerfile builds the image: collectstatic with DEBUG=1 (settings load, no secret).
        manage({**self.env, "DEBUG": "1"}, "collectstatic", "--noinput", "-v0")
        manage(self.env, "migrate", "--noinput", "-v0")
        manage(self.env, "bootstrap")
        manage(self.env, "shell", "--no-imports", "-c", SITE_SETUP.format(origin=page_origin))
        self.snippet = manage(
            self.env, "shell", "--no-imports", "-c", SNIPPET_READER.format(host=f"127.0.0.1:{self.port}")
        ).strip()
        # Anything else printed (Django 5.2's shell announced its automatic imports on stdout) would
        # land in the test page's <head> as text, open its <body> early and skew every figure.
        if not self.snippet.startswith("<script"):
            raise SystemExit(f"the embed snippet does not start with <script>: {self.snippet[:120]!r}")
        self.command = web_command(self.app_port)
        self.log = open(folder / "server.log", "w")  # noqa: SIM115 (closed in stop)
        self.servers = [
            subprocess.Popen(self.command, cwd=REPO_ROOT, env=self.env, stdout=self.log, stderr=self.log)
        ]
        self.proxy = None
        if config and caddy:
            (folder / "Caddyfile").write_text(config)
            self.proxy = f"Caddy {caddy_version(caddy)} with deploy/Caddyfile"
            caddy_env = {**os.environ, "XDG_DATA_HOME": str(folder), "XDG_CONFIG_HOME": str(folder)}
            self.servers.append(
                subprocess.Popen(
                    [caddy, "run", "--config", str(folder / "Caddyfile"), "--adapter", "caddyfile"],
                    env=caddy_env,
                    stdout=self.log,
                    stderr=self.log,
                )
            )
        wait_for_port(self.app_port)
        wait_for_port(self.port)

    def stop(self) -> None:
        for server in self.servers:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        self.log.close()


def caddy_version(caddy: str) -> str:
    done = subprocess.run([caddy, "version"], capture_output=True, text=True, check=False)
    return done.stdout.split()[0] if done.stdout else "?"


# --- the IAB CMP API, bundled for the browser ---------------------------------------------------

REQUIRE = re.compile(r"""require\(["']([^"']+)["']\)""")


def bundle_commonjs(entries: dict[str, Path], packages: dict[str, Path]) -> str:
    """One browser script of CommonJS modules: each file wrapped in a function, `require` resolved to
    it. No bundler is installed (node_modules has no esbuild, rollup or webpack) and nothing may be
    downloaded; the IAB's lib/cjs files are already minified and require only relative `.js` paths
    and `@iabtechlabtcf/core`, so this is all a bundle needs."""
    modules: dict[Path, tuple[str, dict[str, Path]]] = {}
    pending = list(entries.values())
    while pending:
        path = pending.pop()
        if path in modules:
            continue
        source = path.read_text()
        deps = {}
        for spec in REQUIRE.findall(source):
            deps[spec] = packages[spec] if spec in packages else (path.parent / spec).resolve()
        modules[path] = (source, deps)
        pending.extend(deps.values())
    ids = {path: number for number, path in enumerate(modules)}
    parts = ["(function(){var defs={},cache={};"]
    for path, (source, deps) in modules.items():
        mapping = json.dumps({spec: ids[dep] for spec, dep in deps.items()})
        parts.append(f"defs[{ids[path]}]=[function(module,exports,require){{{source}\n}},{mapping}];")
    parts.append(
        "function load(id){if(cache[id])return cache[id].exports;var m=cache[id]={exports:{}},d=defs[id];"
        "d[0].call(m.exports,m,m.exports,function(s){return load(d[1][s]);});return m.exports;}"
    )
    exported = ",".join(f"load({ids[path]})" for path in entries.values())
    parts.append(f"window.iabtcf=Object.assign({{}},{exported});}})();")
    return "\n".join(parts)


# --- the test pages -------------------------------------------------------------------------------


ARTICLE = "\n".join(
    f"<p>Paragraph {n} of the test article. The same text on every page, so that the banners are the "
    "only difference between them: layout, fonts and the main thread's other work are equal.</p>"
    for n in range(1, 13)
)


def browser_file(name: str) -> str:
    return (BROWSER_FILES / name).read_text()


def write_pages(pages: Path, assets: Path, cdn: str, snippet: str) -> None:
    """The four test pages (page origin) and the peers' files (asset origin)."""
    vanilla = NODE_MODULES / "vanilla-cookieconsent" / "dist"
    klaro = NODE_MODULES / "klaro" / "dist"
    for source, name in (
        (vanilla / "cookieconsent.css", "cookieconsent.css"),
        (vanilla / "cookieconsent.umd.js", "cookieconsent.umd.js"),
        (klaro / "klaro.js", "klaro.js"),
        (REPO_ROOT / "vendors" / "data" / "vendor-list-v106.json", "vendor-list.json"),
    ):
        (assets / name).write_bytes(source.read_bytes())
    tcf = NODE_MODULES / "@iabtechlabtcf"
    core = tcf / "core" / "lib" / "cjs" / "index.js"
    bundle = bundle_commonjs(
        {"core": core, "cmpapi": tcf / "cmpapi" / "lib" / "cjs" / "index.js"}, {"@iabtechlabtcf/core": core}
    )
    layer = browser_file("iab-layer.js").replace("__GVL_URL__", json.dumps(f"{cdn}/vendor-list.json"))
    (assets / "iab-cmp.js").write_text(bundle + "\n" + layer)
    heads = {
        "ours": (snippet, ""),
        "vanilla": (
            f'<link rel="stylesheet" href="{cdn}/cookieconsent.css">',
            f'<script type="module">import "{cdn}/cookieconsent.umd.js";\n'
            f"CookieConsent.run({browser_file('vanilla-config.js')});</script>",
        ),
        "klaro": (
            f"<script>window.klaroConfig = {browser_file('klaro-config.js')};</script>\n"
            f'<script defer data-config="klaroConfig" src="{cdn}/klaro.js"></script>',
            "",
        ),
        "iab": (
            f'<script>{browser_file("iab-stub.js")}</script>\n<script async src="{cdn}/iab-cmp.js"></script>',
            "",
        ),
    }
    for banner, (head, tail) in heads.items():
        page = browser_file("page.html")
        for marker, text in (("head", head), ("article", ARTICLE), ("tail", tail)):
            page = page.replace(f"<!-- {marker} -->", text)
        (pages / f"{banner}.html").write_text(page)


class _StaticHandler(SimpleHTTPRequestHandler):
    """Files gzip-compressed when the browser accepts it, on kept-alive connections, as a CDN serves."""

    protocol_version = "HTTP/1.1"
    compressed: dict[Path, bytes] = {}

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        kind = self.guess_type(str(path))
        if "gzip" in self.headers.get("Accept-Encoding", ""):
            if path not in self.compressed:
                self.compressed[path] = gzip.compress(body, compresslevel=6, mtime=0)
            body = self.compressed[path]
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
        else:
            self.send_response(200)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=300")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(body)


def serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_StaticHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# --- in the browser -------------------------------------------------------------------------------


class Network:
    """Bytes and requests of one page, from CDP's Network events."""

    def __init__(self, cdp: Any) -> None:
        self.started: float | None = None
        self.finished: list[tuple[float, int, str]] = []
        self.urls: dict[str, str] = {}
        self.inflight: set[str] = set()
        self.last_change = time.monotonic()
        self.requests = 0
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)

    def _sent(self, event: dict[str, Any]) -> None:
        if self.started is None:
            self.started = event["timestamp"]
        if event["requestId"] not in self.inflight:
            self.requests += 1
        self.inflight.add(event["requestId"])
        self.urls[event["requestId"]] = event["request"]["url"]
        self.last_change = time.monotonic()

    def _finished(self, event: dict[str, Any]) -> None:
        self.inflight.discard(event["requestId"])
        self.last_change = time.monotonic()
        at = (event["timestamp"] - (self.started or event["timestamp"])) * 1000
        self.finished.append((at, event["encodedDataLength"], self.urls.get(event["requestId"], "")))

    def _failed(self, event: dict[str, Any]) -> None:
        self.inflight.discard(event["requestId"])
        self.last_change = time.monotonic()

    def bytes_by(self, page_ms: float | None = None) -> int:
        return int(sum(size for at, size, _ in self.finished if page_ms is None or at <= page_ms))


def throttled_page(browser: Any, args: argparse.Namespace, cookies: list[dict[str, Any]] | None = None):
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1.75, is_mobile=True, locale="en-GB")
    if cookies:
        context.add_cookies(cookies)
    context.add_init_script(
        browser_file("observer.js").replace("__ACCEPT_PATTERN__", json.dumps(ACCEPT_TEXT))
    )
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    cdp = context.new_cdp_session(page)
    network = Network(cdp)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": args.latency,
            "downloadThroughput": args.down_kbps * 1000 / 8,
            "uploadThroughput": args.up_kbps * 1000 / 8,
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.cpu})
    return context, page, network


def wait_quiet(page: Any, network: Network, quiet_s: float = 0.5, limit_s: float = 20) -> None:
    """Until no request has been in flight for `quiet_s` (at most `limit_s`)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if not network.inflight and time.monotonic() - network.last_change >= quiet_s:
            return
        page.wait_for_timeout(100)


def interaction_ms(events: list[dict[str, Any]], since: float) -> float:
    """The longest event of the first interaction after `since` (16 when Chromium reported none: it
    reports only events of 16 ms or more)."""
    after = [e for e in events if e["id"] and e["start"] >= since - 1]
    if not after:
        return 16.0
    first = min(after, key=lambda e: e["start"])["id"]
    return max(e["duration"] for e in after if e["id"] == first)


def click_text(page: Any, pattern: str) -> float:
    """Clicks (a real mouse click at its centre) the visible button whose text matches; returns the
    page time just before the click."""
    box = page.evaluate("p => __bench.box(p)", pattern)
    if box is None:
        raise RuntimeError(f"no visible button matching /{pattern}/i")
    before = page.evaluate("performance.now()")
    page.mouse.click(box["x"], box["y"])
    return float(before)


def warm_up(browser: Any, page_url: str, cmp_origin: str) -> list[str]:
    """Loads our page once unthrottled and sends each request it made to the CMP again, 16 at a time
    in three rounds, so that every gunicorn worker has imported its code and filled its configuration
    cache before anything is measured (a cold worker takes seconds for its first banner document)."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.request import Request, urlopen

    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(
        browser_file("observer.js").replace("__ACCEPT_PATTERN__", json.dumps(ACCEPT_TEXT))
    )
    page = context.new_page()
    urls: list[str] = []
    page.on("request", lambda r: r.method == "GET" and r.url.startswith(cmp_origin) and urls.append(r.url))
    page.goto(page_url)
    page.wait_for_function("__bench.acceptAt !== null", timeout=PAGE_TIMEOUT_MS)
    # The preferences and the vendor list too: their scripts and documents come from the CMP as well.
    for pattern in (PREFERENCES_TEXT, VENDORS_TAB_TEXT):
        page.wait_for_function(f"__bench.box({json.dumps(pattern)}) !== null", timeout=PAGE_TIMEOUT_MS)
        click_text(page, pattern)
        page.wait_for_timeout(3000)
    context.close()
    urls = list(dict.fromkeys(urls))

    def fetch(url: str) -> None:
        with urlopen(
            Request(url, headers={"Accept-Encoding": "gzip", "Origin": page_url.rsplit("/", 1)[0]})
        ) as r:
            r.read()

    with ThreadPoolExecutor(16) as pool:
        for _ in range(3):
            list(pool.map(fetch, [url for url in urls for _ in range(16)]))
    return urls


def first_load(browser: Any, args: argparse.Namespace, url: str, banner: str) -> dict[str, Any]:
    context, page, network = throttled_page(browser, args)
    try:
        page.goto(url, wait_until="commit")
        page.wait_for_function("window.__bench && __bench.acceptAt !== null", polling=100)
        wait_quiet(page, network)
        page.wait_for_timeout(500)
        state = page.evaluate(
            "({acceptAt: __bench.acceptAt, tcdataAt: __bench.tcdataAt, longtasks: __bench.longtasks})"
        )
        result: dict[str, Any] = {
            "accept_ms": state["acceptAt"],
            "tcdata_ms": state["tcdataAt"][0] if state["tcdataAt"] else None,
            "bytes_to_accept": network.bytes_by(state["acceptAt"]),
            "bytes_settled": network.bytes_by(),
            "requests": network.requests,
            "longtasks": len(state["longtasks"]),
            "longtask_ms": sum(d for _, d in state["longtasks"]),
            "blocking_ms": sum(max(0.0, d - 50) for _, d in state["longtasks"]),
        }
        since = click_text(page, ACCEPT_TEXT)
        page.wait_for_timeout(1000)
        wait_quiet(page, network)
        result["click_ms"] = interaction_ms(page.evaluate("__bench.events"), since)
        if banner == "ours":
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not {"euconsent-v2", "cmp_consent"} <= {
                c["name"] for c in context.cookies()
            }:
                page.wait_for_timeout(200)
            result["cookies"] = context.cookies()
        return result
    finally:
        context.close()


def vendors_tab(browser: Any, args: argparse.Namespace, url: str) -> dict[str, Any]:
    context, page, network = throttled_page(browser, args)
    try:
        page.goto(url, wait_until="commit")
        page.wait_for_function("window.__bench && __bench.acceptAt !== null", polling=100)
        wait_quiet(page, network)
        click_text(page, PREFERENCES_TEXT)
        page.wait_for_function(f"__bench.box({json.dumps(VENDORS_TAB_TEXT)}) !== null", polling=100)
        wait_quiet(page, network, quiet_s=1.0, limit_s=60)
        page.wait_for_timeout(500)
        since = click_text(page, VENDORS_TAB_TEXT)
        page.wait_for_function("__bench.vendorListShown()", polling="raf", timeout=120_000)
        shown = page.evaluate("performance.now()")
        page.wait_for_timeout(1000)
        wait_quiet(page, network)
        state = page.evaluate(
            "({events: __bench.events, longtasks: __bench.longtasks, elements: __bench.elements()})"
        )
        after = [d for start, d in state["longtasks"] if start >= since - 1]
        return {
            "tab_click_ms": interaction_ms(state["events"], since),
            "tab_shown_ms": shown - since,
            "tab_longest_task_ms": max(after, default=0.0),
            "elements": state["elements"],
        }
    finally:
        context.close()


def return_visit(
    browser: Any, args: argparse.Namespace, url: str, cookies: list[dict[str, Any]], cmp_origin: str
) -> dict[str, Any]:
    context, page, network = throttled_page(browser, args, cookies)
    try:
        page.goto(url, wait_until="commit")
        # No update at all is reported as such, not as a crash of the whole run.
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function(
                "(window.__bench && __bench.dl.some(e => e[1] === 'consent' && e[2] === 'update'))",
                polling=100,
            )
        wait_quiet(page, network)
        state = page.evaluate("({dl: __bench.dl, acceptAt: __bench.acceptAt, tcdataAt: __bench.tcdataAt})")
        consent = [(at, what) for at, kind, what in state["dl"] if kind == "consent"]
        default = next((at for at, what in consent if what == "default"), None)
        update = next((at for at, what in consent if what == "update"), None)
        from_cmp = sorted(at for at, _, source in network.finished if source.startswith(cmp_origin))
        return {
            # The update cannot come before the first script from the CMP has arrived, unless the
            # inline stub applies the stored choice itself.
            "first_cmp_response_ms": from_cmp[0] if from_cmp else None,
            "cmp_responses_before_update": sum(at < (update or 0) for at in from_cmp),
            "default_ms": default,
            "update_ms": update,
            "update_after_default_ms": None if update is None or default is None else update - default,
            "tcdata_ms": state["tcdataAt"][0] if state["tcdataAt"] else None,
            "banner_shown": state["acceptAt"] is not None,
        }
    finally:
        context.close()


def measured_twice(measure: Any, *args: Any) -> dict[str, Any]:
    """One retry after a timeout (the machine is shared; a stalled load is not a measurement), then
    the error."""
    try:
        return measure(*args)
    except PlaywrightTimeout as error:
        print(f"{measure.__name__} {args[2]}: timed out ({error}); once more", flush=True)
        return measure(*args)


# --- the report -----------------------------------------------------------------------------------


def median(values: list[Any]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} ms"


def kb(value: float | None) -> str:
    return "n/a" if value is None else f"{value / 1000:,.1f} kB"


def verdict(met: bool) -> str:
    return "**met**" if met else "**not met**"


def report(
    args: argparse.Namespace, runs: dict[str, list[dict[str, Any]]], loads: list[float], cmp: OurCmp
) -> str:
    def medians(name: str) -> dict[str, Any]:
        return {key: median([r.get(key) for r in runs[name]]) for key in runs[name][0]}

    med = {banner: medians(banner) for banner in BANNERS}
    accept = {banner: med[banner]["accept_ms"] for banner in BANNERS}
    tab, visit = medians("vendors_tab"), medians("return_visit")
    gaps = [r["update_after_default_ms"] for r in runs["return_visit"]]
    known_gaps = [g for g in gaps if g is not None]
    shown_again = sum(r["banner_shown"] for r in runs["return_visit"])
    vs_vanilla, vs_iab = accept["ours"] / accept["vanilla"], accept["ours"] / accept["iab"]
    command = " ".join([Path(cmp.command[0]).name, *cmp.command[1:-1], "--bind=127.0.0.1:PORT"])
    lines = [
        f"`bench/banner_peers.py --reps {args.reps}` ({machine_line()}; Debian's chromium, headless). "
        "Each banner on the same test page, in a fresh context each time, "
        f"{VIEWPORT['width']}x{VIEWPORT['height']} mobile viewport, {args.cpu:g}x CPU throttling, "
        f"{args.latency:g} ms latency, {args.down_kbps / 1000:g} Mbps down, {args.up_kbps / 1000:g} Mbps "
        f"up; the banners interleaved (for each of {args.reps} reps: ours, vanilla-cookieconsent, Klaro, "
        "IAB floor, then our Vendors tab and our return visit); medians. Ours: the demo site (bundled GVL "
        "v106, every vendor and ATP), SQLite, `collectstatic` as the Dockerfile runs it, "
        f"`{command}` (docker-compose.yml's `web` command) with DEBUG off, "
        + (
            f"behind {cmp.proxy} (its `proxy` service) on plain HTTP, "
            if cmp.proxy
            else "without the compose file's proxy (Caddy is not installed), "
        )
        + "warmed up, embedded with the console's snippet. Peers from node_modules, installed as "
        "their documentation says, and the "
        "test pages from a static server that gzips and keeps connections alive (as a CDN). Load "
        f"average of the machine at each rep (other work shares it): {', '.join(f'{x:.1f}' for x in loads)}. "
        f"Written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        "| banner | Accept visible (fastest, slowest) | `getTCData` answered | bytes until Accept "
        "visible | bytes until quiet (requests) | long tasks until quiet (total, blocking) "
        "| Accept click interaction |",
        "|---|---|---|---|---|---|---|",
    ]
    for banner in BANNERS:
        m = med[banner]
        spread = [r["accept_ms"] for r in runs[banner]]
        lines.append(
            f"| {LABELS[banner]} | **{ms(m['accept_ms'])}** ({min(spread):,.0f}, {max(spread):,.0f}) "
            f"| {ms(m['tcdata_ms'])} | {kb(m['bytes_to_accept'])} "
            f"| {kb(m['bytes_settled'])} ({m['requests']:.0f}) "
            f"| {m['longtasks']:.0f} ({ms(m['longtask_ms'])}, {ms(m['blocking_ms'])}) | {ms(m['click_ms'])} |"
        )
    each_gap = ", ".join("none" if g is None else f"{g:,.0f}" for g in gaps)
    slowest_gap = max(known_gaps) if len(known_gaps) == len(gaps) else None
    lines += [
        "",
        f"- Ratios of our time to a visible Accept: **{vs_vanilla:.2f}x vanilla-cookieconsent**, "
        f"{accept['ours'] / accept['klaro']:.2f}x Klaro, **{vs_iab:.2f}x the IAB floor**.",
        "- Our Vendors tab (preferences open and the page quiet, then a click on the tab): interaction "
        f"**{ms(tab['tab_click_ms'])}**, vendor list shown {ms(tab['tab_shown_ms'])} after the click, "
        f"longest task after the click {ms(tab['tab_longest_task_ms'])}, {tab['elements']:,.0f} elements "
        "in the document.",
        "- Our return visit (the consent cookies the Accept click stored): Consent Mode `default` at "
        f"{ms(visit['default_ms'])}, `update` at {ms(visit['update_ms'])}, "
        f"**{ms(visit['update_after_default_ms'])} after the `default`** (each: {each_gap}); `getTCData` "
        f"answered at {ms(visit['tcdata_ms'])}; the first response from the CMP (cmp.js) arrived at "
        f"{ms(visit['first_cmp_response_ms'])}, {visit['cmp_responses_before_update']:.0f} CMP responses "
        f"before the `update`; banner shown again in {shown_again} of {len(gaps)} visits.",
        "",
        "Targets (issue #16), in this run:",
        "",
        f"- Accept visible sooner than vanilla-cookieconsent: {ms(accept['ours'])} against "
        f"{ms(accept['vanilla'])}: {verdict(accept['ours'] < accept['vanilla'])}.",
        f"- Accept visible within {IAB_FLOOR_FACTOR}x of the IAB floor "
        f"({ms(accept['iab'] * IAB_FLOOR_FACTOR)}): {vs_iab:.2f}x: {verdict(vs_iab <= IAB_FLOOR_FACTOR)}.",
        f"- Return-visit `update` within `wait_for_update` ({WAIT_FOR_UPDATE_MS} ms) after the `default`, "
        f"in every visit: median {ms(visit['update_after_default_ms'])}, slowest {ms(slowest_gap)}: "
        f"{verdict(slowest_gap is not None and slowest_gap <= WAIT_FOR_UPDATE_MS)}.",
        f"- Vendors tab interaction under {VENDORS_TAB_TARGET_MS} ms throttled: {ms(tab['tab_click_ms'])}: "
        f"{verdict(tab['tab_click_ms'] < VENDORS_TAB_TARGET_MS)}.",
        "",
        "How each figure is taken: Accept visible is the first animation frame in which a button whose "
        "text is Accept (all) is inside the viewport with non-zero opacity and visibility, in page time "
        "from navigation start; `getTCData` is the first answer to a call the page makes right after the "
        "banner's snippet (vanilla-cookieconsent and Klaro have no `__tcfapi`); bytes are CDP's "
        "`encodedDataLength` (headers included) of every response, the page itself included; the "
        "interaction is event timing's longest event of the click, a real mouse click at the button's "
        "centre (16 ms means Chromium reported none, which it does only from 16 ms up). The IAB floor "
        "fetches the GVL (gzipped) after its layer shows, to encode the choice: it is in its bytes until "
        "quiet, not in its bytes until Accept. vanilla-cookieconsent runs with `hideFromBots: false` (it "
        "hides itself where `navigator.webdriver` is set, as under Playwright); Klaro's button texts are "
        "set to Accept all / Reject all / Manage preferences.",
        "",
        "Runs written before 2026-12-08 measured ours on a faulty page: the embed snippet was read "
        "with Django's shell, which printed its automatic imports first, and that line of text in the "
        "page's `<head>` opened its `<body>` early (the stub then made its locator frames inside the "
        "parse). The benchmark now refuses a snippet that does not start with `<script`. The machine "
        "is shared (load averages above): on the same code on 2026-12-08 the ratio to the IAB floor was "
        "1.13x in a 5-rep run (load about 1.8, every target met), 1.23x and 1.38x in two 9-rep runs.",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=9)
    parser.add_argument("--cpu", type=float, default=4, help="CPU throttling rate")
    parser.add_argument("--latency", type=float, default=150, help="added latency per request, ms")
    parser.add_argument("--down-kbps", type=float, default=1600)
    parser.add_argument("--up-kbps", type=float, default=750)
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    args = parser.parse_args()
    # A benchmark stopped with SIGTERM still stops its gunicorn (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    spec = importlib.util.spec_from_file_location("tests_conftest", REPO_ROOT / "tests" / "conftest.py")
    conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conftest)

    folder = Path(tempfile.mkdtemp(prefix="bench-banner-peers-"))
    (folder / "pages").mkdir()
    (folder / "assets").mkdir()
    page_server, page_origin = serve(folder / "pages")
    asset_server, cdn = serve(folder / "assets")
    cmp = OurCmp(folder, page_origin)
    write_pages(folder / "pages", folder / "assets", cdn, cmp.snippet)

    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in (*BANNERS, "vendors_tab", "return_visit")}
    loads = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=conftest.CHROMIUM, args=conftest.CHROMIUM_ARGS, headless=True
            )
            warmed = warm_up(browser, f"{page_origin}/ours.html", cmp.url)
            print(f"warmed up: {', '.join(warmed)}", flush=True)
            for rep in range(1, args.reps + 1):
                loads.append(os.getloadavg()[0])
                for banner in BANNERS:
                    result = measured_twice(first_load, browser, args, f"{page_origin}/{banner}.html", banner)
                    runs[banner].append(result)
                    print(
                        f"rep {rep} {banner}: Accept visible {result['accept_ms']:.0f} ms, "
                        f"click {result['click_ms']:.0f} ms, {result['bytes_settled'] / 1000:.1f} kB",
                        flush=True,
                    )
                cookies = runs["ours"][-1].pop("cookies")
                runs["vendors_tab"].append(
                    measured_twice(vendors_tab, browser, args, f"{page_origin}/ours.html")
                )
                runs["return_visit"].append(
                    return_visit(browser, args, f"{page_origin}/ours.html", cookies, cmp.url)
                )
                print(f"rep {rep} ours: {runs['vendors_tab'][-1]} {runs['return_visit'][-1]}", flush=True)
            browser.close()
    finally:
        cmp.stop()
        page_server.shutdown()
        asset_server.shutdown()
    body = report(args, runs, loads, cmp)
    publish(TITLE, body, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())

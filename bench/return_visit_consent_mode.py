"""How long after the stub's Consent Mode `default` a return visit sends its `update`; writes the
"Return-visit Consent Mode update" section of docs/PERFORMANCE.md.

The target (issue #16) is inside `wait_for_update` (500 ms): Google tags hold back for that long and
then go on with the defaults. Method: the application under gunicorn (one worker, a scratch SQLite
database with the bundled GVL and the demo site), its `/demo/` page in Debian's Chromium with 4x CPU
throttling and a slow network (150 ms latency, 1.6 Mbps down, 750 kbps up, through the DevTools
protocol); a visitor accepts, then loads the page again, and an init script notes
`performance.now()` when the `default` and the `update` reach `dataLayer`, and when the page starts
its first request to the consent API. Each repetition runs the banner as built now and, interleaved,
the build of `--before` (a git revision, default `main`), whose update waited for the banner
document. Reported: the median of `--repetitions` runs and their range. A timing, so it lives here,
never in a test.

Usage: .venv/bin/python bench/return_visit_consent_mode.py [--repetitions 7] [--before main] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.perf_doc import machine_line, publish  # noqa: E402
from bench.servers import free_port, manage, wait_for_url  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
CPU_SLOWDOWN = 4

# Before any page script: the moments the Consent Mode commands reach dataLayer, and the first
# request a script starts to the consent API.
RECORDER = """
window.__times = {};
window.dataLayer = [];
dataLayer.push = function (e) {
  if (e && e[0] === "consent" && !(e[1] in __times)) __times[e[1]] = performance.now();
  return Array.prototype.push.call(this, e);
};
var realFetch = window.fetch;
window.fetch = function (url) {
  if (String(url).indexOf("/api/") >= 0 && !("request" in __times)) __times.request = performance.now();
  return realFetch.apply(this, arguments);
};
"""


def start_service(workdir: Path) -> tuple[subprocess.Popen, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "bench-secret-key-" + "x" * 40,
            "CMP_CONSENT_HMAC_KEY": "bench-consent-hmac-key-of-at-least-32-bytes",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        }
    )
    manage({**env, "DEBUG": "1"}, "migrate", "--noinput")
    manage({**env, "DEBUG": "1"}, "bootstrap")
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(
        [gunicorn, "cmp.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120"],
        cwd=REPO_ROOT,
        env=env,
        stdout=(workdir / "gunicorn.log").open("ab"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for_url(base + "/healthz", server=process)
    # The first documents are built here, not during a measured page view.
    for path in ("/api/v1/sites/demo/banner?lang=en", "/api/v1/sites/demo/requirements?lang=en"):
        urllib.request.urlopen(base + path, timeout=120)
    return process, base


def one_visit(browser, base: str, script: bytes | None) -> dict[str, float]:
    """A first visit that accepts, then the return visit whose timings are reported. `script`: the
    cmp.js build to serve through a route, or None for the one gunicorn serves, with the HTTP cache."""
    context = browser.new_context()
    try:
        context.add_init_script(RECORDER)
        page = context.new_page()
        # Both builds are compared through the same route, which also turns off the HTTP cache: cmp.js
        # is fetched again and the earlier build's wait for the banner document is a real round trip.
        if script is not None:
            page.route(
                "**/static/consent/cmp.js",
                lambda route: route.fulfill(body=script, content_type="text/javascript"),
            )
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.goto(base + "/demo/")
        page.click(".cmp-bar [data-cmp=accept]", timeout=60_000)
        page.wait_for_function("() => document.cookie.includes('euconsent-v2=')", timeout=60_000)
        page.goto(base + "/demo/")
        page.wait_for_function("() => 'update' in window.__times", timeout=60_000)
        page.wait_for_function("() => 'request' in window.__times", timeout=60_000)
        times = page.evaluate("window.__times")
        return {"update": times["update"] - times["default"], "request": times["request"] - times["default"]}
    finally:
        context.close()


def build_of(revision: str) -> bytes:
    return subprocess.run(
        ["git", "show", f"{revision}:static/consent/cmp.js"], cwd=REPO_ROOT, capture_output=True, check=True
    ).stdout


def measure(repetitions: int, before: str) -> dict[str, list[dict[str, float]]]:
    from playwright.sync_api import sync_playwright

    scripts: dict[str, bytes | None] = {
        "cached": None,
        "now": (REPO_ROOT / "static" / "consent" / "cmp.js").read_bytes(),
        before: build_of(before),
    }
    results: dict[str, list[dict[str, float]]] = {name: [] for name in scripts}
    with tempfile.TemporaryDirectory() as tmp:
        process, base = start_service(Path(tmp))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                one_visit(browser, base, None)  # warm the server's caches
                for _ in range(repetitions):
                    for name, script in scripts.items():
                        results[name].append(one_visit(browser, base, script))
                browser.close()
        finally:
            process.terminate()
            process.wait(20)
    return results


def render(results: dict[str, list[dict[str, float]]], repetitions: int, before: str) -> str:
    rows = []
    for name, runs in results.items():
        updates = [r["update"] for r in runs]
        requests = [r["request"] for r in runs]
        label = {
            "cached": "this build, as served (HTTP cache on)",
            "now": "this build, through the route (no HTTP cache)",
        }.get(name, f"build of `{before}`, through the route (no HTTP cache)")
        rows.append(
            f"| {label} | {statistics.median(updates):.0f} ms ({min(updates):.0f}-{max(updates):.0f}) "
            f"| {statistics.median(requests):.0f} ms ({min(requests):.0f}-{max(requests):.0f}) |"
        )
    return "\n".join(
        [
            f"Measured by `bench/return_visit_consent_mode.py` on {machine_line()}: the `/demo/` page "
            f"under gunicorn in Debian's Chromium, {CPU_SLOWDOWN}x CPU throttling, 150 ms latency, 1.6 Mbps "
            f"down; a visitor who accepted loads the page again. Median of {repetitions} interleaved runs "
            "(range).",
            "",
            "| banner | `update` after `default` | first consent-API request after `default` |",
            "|---|---|---|",
            *rows,
            "",
            "Target: the `update` inside the stub's `wait_for_update` (500 ms). The stored choice is applied "
            'in the task that runs cmp.js, before its first request (docs/BANNER.md, "Return visits"): the '
            "update comes with cmp.js itself, and what is left of the figure is the time to fetch, parse and "
            "run cmp.js; the earlier build waited for the banner document's round trip as well.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=7)
    parser.add_argument("--before", default="main", help="git revision whose build is measured alongside")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    body = render(measure(args.repetitions, args.before), args.repetitions, args.before)
    publish("Return-visit Consent Mode update", body, write=not args.no_write)


if __name__ == "__main__":
    main()

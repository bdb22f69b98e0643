"""Cookie scanner timing: a 50-page scan of the acceptance test's site (tests/scanner/conftest.py,
its /bulk/ pages: each links to seven more, every one with the same cookies, storage keys, tagged
script and third-party iframe as the acceptance pages), each page loaded in its three runs.

What it does:

1. migrates a scratch SQLite database in a temporary folder, loads the bundled GVL, creates the
   site, and serves the CMP (`manage.py runserver`, for cmp.js and the consent API) and the test
   site on loopback;
2. runs `manage.py scan_site shop --url .../bulk/0.html --max-pages 50` as an operator would, in a
   fresh process, `--runs` times, and takes the median wall time (from the command's start to its
   exit: Chromium's start, the choice in our banner, 150 page loads, classification, findings);
3. writes the "Cookie scanner" section of docs/PERFORMANCE.md: wall time, time per page and the
   browser time per page load of each run (the runs' loads overlap, CMP_SCAN_CONCURRENCY at once).

Usage: .venv/bin/python bench/scanner.py [--runs 3] [--pages 50] [--no-write]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.perf_doc import machine_line, publish  # noqa: E402
from bench.servers import free_port, manage, runserver, wait_for_port  # noqa: E402

SETUP = """
from sites.models import CookieCategory, CookieDeclaration, Site
site = Site.objects.create(key="shop", name="Bench shop", domains=["127.0.0.1"],
                           allowed_origins=["{origin}"], publisher_country_code="FR")
necessary = CookieCategory.objects.get(site=site, slug="necessary")
for name in ("csrftoken", "lang_pref", "cart_token"):
    CookieDeclaration.objects.create(category=necessary, name=name)
"""


def test_site_class():
    # The acceptance test's site itself, so the benchmark loads the pages the test checks.
    spec = importlib.util.spec_from_file_location(
        "scanner_test_site", REPO_ROOT / "tests/scanner/conftest.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TestSite


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-scanner-"))
    database = folder / "db.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        "CMP_OUTBOUND_ALLOW_PRIVATE": "1",
        "CMP_RATE_LIMIT_PER_IP": "0",
    }
    site = test_site_class()((REPO_ROOT / "static/consent/stub.js").read_text())
    for step in (
        ("migrate", "-v0"),
        ("load_bundled_catalogue", "-v0"),
        ("shell", "-c", SETUP.format(origin=site.url)),
    ):
        manage(env, *step)
    port = free_port()
    server = runserver(env, port)
    site.cmp_url, site.site_key = f"http://127.0.0.1:{port}", "shop"
    try:
        wait_for_port(port)
        walls, loads = [], []
        for _ in range(args.runs):
            loads.append(os.getloadavg()[0])
            started = time.monotonic()
            # Exit status 1 is a scan that found something to fix: a finished scan.
            manage(
                env, "scan_site", "shop", "--url", site.url + "/bulk/0.html", "--max-pages", str(args.pages),
                ok=(0, 1),
            )  # fmt: skip
            walls.append(time.monotonic() - started)
            print(f"scan: {walls[-1]:.1f} s")
        with sqlite3.connect(database) as db:
            last = db.execute("SELECT max(id) FROM scanner_scan").fetchone()[0]
            statuses = dict(
                db.execute(
                    "SELECT status, count(*) FROM scanner_scanpage WHERE scan_id = ? GROUP BY status", (last,)
                ).fetchall()
            )
            pages = statuses.get("done", 0)
            runs = db.execute(
                "SELECT kind, pages_loaded, seconds FROM scanner_scanrun WHERE scan_id = ? ORDER BY id",
                (last,),
            ).fetchall()
    finally:
        server.terminate()
        server.wait(timeout=10)
        site.close()
    wall = statistics.median(walls)
    concurrency = os.environ.get("CMP_SCAN_CONCURRENCY", "4")
    lines = [
        f"`bench/scanner.py` ({machine_line()}; Debian's chromium, {concurrency} page loads at once, "
        f"SQLite, the CMP on `runserver`). A scan of {sum(statuses.values())} pages of the acceptance "
        f"test's site ({', '.join(f'{n} {status}' for status, n in sorted(statuses.items()))}; "
        "blocked = refused by its robots.txt, as the test site means them to be), each loaded three "
        "times (no choice, after Reject All, after Accept All), through "
        f"`manage.py scan_site`; median of {args.runs} scans. Load average of the machine when each "
        f"scan started (other work shares it): {', '.join(f'{x:.1f}' for x in loads)}.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| wall time of the scan (each: {', '.join(f'{w:.1f}' for w in walls)} s) | {wall:.1f} s |",
        f"| wall time per page (three loads) | {wall / max(pages, 1):.2f} s |",
    ]
    for kind, loaded, seconds in runs:
        lines.append(
            f"| browser time per page load, run {kind} ({loaded} loads) | {seconds / max(loaded, 1):.2f} s |"
        )
    lines += [
        "",
        "Browser time is from a fresh context to its close (load, settle until nothing has been in "
        "flight for 0.3 s, read cookies and storage); loads of a batch overlap, so it is more than the "
        "wall time divided by the loads. Target: under 2 minutes for 50 pages; "
        + ("met" if wall < 120 else "**not met**")
        + " in this measurement.",
    ]
    publish("Cookie scanner", "\n".join(lines), write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())

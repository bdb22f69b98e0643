"""The consent POST with every webhook endpoint down, against the same POST with no endpoint, in
one run (issue #15: recording never waits for a delivery).

Two sites on one gunicorn: `demo` (no webhook endpoint) and `hooked` (the same configuration with
five endpoints for every consent event, all pointing at a closed port, so every delivery fails and
is retried), while `manage.py dispatch_webhooks --loop` runs beside gunicorn, making events from the
new records and failing to deliver them. wrk drives the consent POST of each site in turn, `--runs`
times interleaved; the figures are the medians, and the number of failed delivery attempts shows
that the endpoints were being tried meanwhile.

Usage: .venv/bin/python bench/webhooks_down.py [--duration 10] [--runs 3] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.http_load import (  # noqa: E402
    Endpoint,
    endpoints_for,
    prepare,
    run_wrk,
    start_gunicorn,
)
from bench.perf_doc import machine_line, publish  # noqa: E402
from bench.scratch_db import drop_database  # noqa: E402
from bench.servers import PYTHON, free_port, manage  # noqa: E402

ENDPOINTS = 5
SETUP = """
from consent.webhooks.models import EventType, WebhookEndpoint
from sites.models import Site
from sites.setup import ensure_default_categories
demo = Site.objects.get(key="demo")
hooked = Site.objects.get(pk=demo.pk)
hooked.pk = None
hooked.key, hooked.name = "hooked", "Hooked"
hooked.save()
hooked.vendors.set(demo.vendors.all())
hooked.google_atps.set(demo.google_atps.all())
ensure_default_categories(hooked)
events = [e for e in EventType.values if e.startswith("consent.")]
for n in range({endpoints}):
    hook = WebhookEndpoint(site=hooked, url="https://127.0.0.1:{port}/hook-%d" % n, events=events)
    hook.full_clean()
    hook.save()
"""
COUNT = """
from consent.webhooks.models import WebhookDelivery
from django.db.models import Sum
attempts = WebhookDelivery.objects.aggregate(n=Sum("attempts"))["n"] or 0
print("COUNTS", attempts, WebhookDelivery.objects.count())
"""


def measure(args: argparse.Namespace) -> dict[str, object]:
    env, _ = prepare(args.admin_url, args.database, args.redis_url)
    env |= {
        "CMP_OUTBOUND_ALLOW_PRIVATE": "1",
        "CMP_WEBHOOK_RETRY_BASE_SECONDS": "1",
        "CMP_WEBHOOK_GRACE_SECONDS": "0",
    }
    manage(env, "shell", "-c", SETUP.format(endpoints=ENDPOINTS, port=free_port()))
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="cmp-webhooks-down-"))
    server = start_gunicorn(env, port, args.workers, 1, workdir / "gunicorn.log")
    dispatcher = subprocess.Popen(
        [PYTHON, "manage.py", "dispatch_webhooks", "--loop"],
        cwd=REPO_ROOT,
        env=env,
        stdout=(workdir / "dispatch.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        demo_post = next(e for e in endpoints_for(base_url, "unused") if e.name == "consent_post")
        sites = {
            "none": demo_post,
            "down": Endpoint(
                "hooked_post", "", demo_post.path.replace("/demo/", "/hooked/"), "POST", demo_post.bodies
            ),
        }
        for endpoint in sites.values():  # warm the workers
            run_wrk(base_url, endpoint, args.connections, 2, workdir)
        results: dict[str, list] = {name: [] for name in sites}
        for run in range(args.runs):
            for name, endpoint in sites.items():
                result = run_wrk(base_url, endpoint, args.connections, args.duration, workdir)
                results[name].append(result)
                print(f"run {run + 1} {name}: {result}", flush=True)
        counted = manage(env, "shell", "-c", COUNT).split("COUNTS", 1)[1]
        attempts, deliveries = map(int, counted.split())
    finally:
        for process in (dispatcher, server):
            process.send_signal(signal.SIGTERM)
            process.wait(30)
        drop_database(args.admin_url, args.database)
        shutil.rmtree(workdir, ignore_errors=True)
    return {"results": results, "attempts": attempts, "deliveries": deliveries}


def render(measured: dict[str, object], args: argparse.Namespace) -> str:
    results = measured["results"]
    median = {name: statistics.median(r.rps for r in runs) for name, runs in results.items()}
    p99 = {name: statistics.median(r.p99_ms for r in runs) for name, runs in results.items()}
    errors = {name: sum(r.errors for r in runs) for name, runs in results.items()}
    rows = [
        f"| {label} | {median[name]:,.0f} | {p99[name]:.1f} ms | {errors[name]} | "
        f"{median[name] / median['none']:.2f} |"
        for name, label in (("none", "no webhook endpoint"), ("down", f"{ENDPOINTS} endpoints, all down"))
    ]
    return "\n".join(
        [
            f"`bench/webhooks_down.py --runs {args.runs} --duration {args.duration}` on {machine_line()}:",
            f"gunicorn {args.workers} sync workers on PostgreSQL, `wrk -c{args.connections}`, the consent",
            "POST of two sites of the same configuration interleaved, while `dispatch_webhooks --loop`",
            f"made {measured['deliveries']:,} deliveries of their events and failed {measured['attempts']:,}",
            "delivery attempts against the closed port meanwhile.",
            "",
            "| consent POST | requests/s (median) | p99 | errors | ratio to no endpoint |",
            "|---|---|---|---|---|",
            *rows,
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="bench_webhooks_down")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    body = render(measure(args), args)
    publish("Consent POST with webhook endpoints down", body, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())

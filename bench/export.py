"""The auditor's export (consent/services/export.py) of one million records: time and peak memory
per format, on PostgreSQL.

Builds a scratch database (default `bench_export`, dropped afterwards) with the records of
bench/consent_storage.py (one service-written record of each kind, copied by bulk SQL in its mix:
45% accept all, 45% reject all, 10% custom with a recorded choice each). Then, for each format in
turn, a fresh process streams the whole export to /dev/null through `export.stream` — what the
console's download runs — and reports the wall time, the bytes, and its peak resident memory
against its resident memory before the export began (ru_maxrss, so the peak is not missed between
samples).

Usage: .venv/bin/python bench/export.py [--records 1000000] [--admin-url URL] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.consent_storage import bulk_copy, setup_django, template_records, vacuum  # noqa: E402
from bench.perf_doc import machine_line, publish  # noqa: E402
from bench.scratch_db import database_url, drop_database, recreate_database  # noqa: E402

FORMATS = ("csv", "json", "27560")


def build(url: str, records: int) -> None:
    setup_django(url)
    from django.core.management import call_command

    from sites.models import Site

    call_command("migrate", verbosity=0)
    call_command("bootstrap", verbosity=0)
    site = Site.objects.get(key="demo")
    templates = template_records(site)
    bulk_copy(
        templates,
        records - len(templates),
        expires="now() + interval '700 days'",
        created="now()",
        day="current_date",
    )
    vacuum()  # as autovacuum would have by the time an auditor asks


def measure(url: str, kind: str, stop_after: int) -> dict[str, float]:
    setup_django(url)
    from consent.services import export
    from sites.models import Site

    site = Site.objects.get(key="demo")
    before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    written = chunks = 0
    stopped = False
    with open("/dev/null", "w") as sink:
        for chunk in export.stream(export.Selection(site=site), kind):
            written += len(chunk)
            sink.write(chunk)
            chunks += 1
            if stop_after and chunks > stop_after:
                stopped = True
                break
    # Chunks: a header, one per record, and for the JSON formats a closing one.
    records = chunks - 1 - (kind != "csv" and not stopped)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": seconds,
        "records": records,
        "bytes": written,
        "before_mib": before_kib / 1024,
        "peak_mib": peak_kib / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="bench_export")
    parser.add_argument("--no-write", action="store_true", help="print, do not rewrite docs/PERFORMANCE.md")
    parser.add_argument(
        "--jsonld-records",
        type=int,
        default=50_000,
        help="27560 documents list every recipient (some 150 KB each on the demo site): measure the "
        "first N records of that export (0: all)",
    )
    parser.add_argument("--measure", choices=FORMATS, help=argparse.SUPPRESS)
    parser.add_argument("--stop-after", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = database_url(args.admin_url, args.database)
    if args.measure:
        print(json.dumps(measure(url, args.measure, args.stop_after)))
        return 0
    recreate_database(args.admin_url, args.database)
    try:
        started = time.perf_counter()
        build(url, args.records)
        print(f"built {args.records} records in {time.perf_counter() - started:.0f} s", flush=True)
        rows = []
        for kind in FORMATS:
            stop_after = args.jsonld_records if kind == "27560" else 0
            command = [sys.executable, __file__, "--measure", kind, "--stop-after", str(stop_after)]
            command += ["--admin-url", args.admin_url, "--database", args.database]
            result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            print(kind, result, flush=True)
            rows.append(
                f"| {kind} | {result['records']:,} | {result['seconds']:.0f} s | "
                f"{result['records'] / result['seconds']:,.0f} | "
                f"{result['bytes'] / 2**20:,.0f} MiB | {result['peak_mib'] - result['before_mib']:.0f} MiB |"
            )
    finally:
        drop_database(args.admin_url, args.database)
    body = "\n".join(
        [
            f"`bench/export.py --records {args.records}` on {machine_line()}, PostgreSQL: the whole",
            "log of one site streamed to /dev/null through `consent.services.export.stream` (the console's",
            '"Export for an auditor"), each format in a fresh process; the 27560 export only for its',
            f"first {args.jsonld_records:,} records (each document lists every recipient). Peak memory",
            "is the process's peak resident size during the export minus its size before (ru_maxrss).",
            "",
            "| format | records exported | time | records/s | size | peak memory added |",
            "|---|---|---|---|---|---|",
            *rows,
        ]
    )
    publish("Auditor export", body, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())

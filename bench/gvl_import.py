"""Time to import GVL v106 (987 vendors) on SQLite and on PostgreSQL; writes the "GVL import"
section of docs/PERFORMANCE.md.

For each backend, in a fresh database (a temporary SQLite file; a scratch PostgreSQL database that
is created and dropped), fully migrated:

* `import_gvl` of the bundled vendor-list-v106.json into an empty catalogue: parse, compare,
  store the raw document, upsert the vendors and the taxonomy in one transaction. Timed from the
  raw bytes to the commit.
* the same call again, which finds the version already imported and writes nothing;
* the reference, measured in the same run: the straightforward ORM import of the same parsed
  vendors, one `Vendor.objects.create()` per vendor inside one transaction.

Each measurement is repeated (default 7 times, the catalogue emptied in between, untimed) and the
median is reported. Target: under 3 s per import on both backends.

Usage: .venv/bin/python bench/gvl_import.py [--runs 7] [--admin-url postgres://postgres@127.0.0.1:5432/postgres]
       [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench import scratch_db  # noqa: E402
from bench.perf_doc import machine_line, publish  # noqa: E402

GVL_FILE = REPO_ROOT / "vendors" / "data" / "vendor-list-v106.json"
TARGET_SECONDS = 3.0
SCRATCH_DB = "vendors_bench_gvl_import"


def measure_in_this_process(runs: int) -> dict[str, object]:
    """Runs inside a child process whose DATABASE_URL points at the database to measure."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from vendors.gvl_format import parse_gvl
    from vendors.importing import _vendor_row, import_gvl
    from vendors.models import (
        DataCategory,
        Feature,
        GvlVersion,
        Purpose,
        SpecialFeature,
        SpecialPurpose,
        Stack,
        Vendor,
    )

    call_command("migrate", verbosity=0)
    raw = GVL_FILE.read_bytes()

    def empty() -> None:
        for model in (
            GvlVersion,
            Vendor,
            Purpose,
            SpecialPurpose,
            Feature,
            SpecialFeature,
            Stack,
            DataCategory,
        ):
            model.objects.all().delete()

    def timed(action) -> float:
        start = time.perf_counter()
        action()
        return time.perf_counter() - start

    imports, reimports, references = [], [], []
    for _ in range(runs):
        empty()
        imports.append(timed(lambda: import_gvl(raw)))
        assert Vendor.objects.count() == 987
        reimports.append(timed(lambda: import_gvl(raw)))

    for _ in range(runs):
        empty()

        def naive() -> None:
            parsed = parse_gvl(raw)
            with transaction.atomic():
                for vendor in parsed.vendors.values():
                    row = _vendor_row(vendor, parsed.vendor_list_version, None)
                    Vendor.objects.create(
                        **{
                            f.attname: getattr(row, f.attname)
                            for f in Vendor._meta.fields
                            if f.attname != "updated_at"
                        }
                    )

        references.append(timed(naive))
        assert Vendor.objects.count() == 987
    empty()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        server = f"{connection.vendor} {cursor.fetchone()[0]}"
    return {
        "server": server,
        "import": statistics.median(imports),
        "reimport": statistics.median(reimports),
        "reference": statistics.median(references),
        "import_all": imports,
    }


def run_child(database_url: str, runs: int) -> dict[str, object]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "cmp.settings",
        "CMP_CONSENT_HMAC_KEY": os.environ.get(
            "CMP_CONSENT_HMAC_KEY", "bench-consent-hmac-key-of-at-least-32-bytes"
        ),
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, __file__, "--child", "--runs", str(runs)],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"Measuring {database_url} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    scratch_db.add_admin_url(parser)
    parser.add_argument(
        "--no-write", action="store_true", help="Print the figures, leave PERFORMANCE.md alone."
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(measure_in_this_process(args.runs)))
        return

    results: list[tuple[str, dict[str, object]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(("SQLite (file)", run_child(f"sqlite:///{tmp}/bench.sqlite3", args.runs)))
    scratch_db.recreate_database(args.admin_url, SCRATCH_DB)
    try:
        results.append(
            ("PostgreSQL", run_child(scratch_db.database_url(args.admin_url, SCRATCH_DB), args.runs))
        )
    finally:
        scratch_db.drop_database(args.admin_url, SCRATCH_DB)

    rows = []
    for label, figures in results:
        imp, re_imp, ref = (float(figures[k]) for k in ("import", "reimport", "reference"))
        verdict = "under" if imp < TARGET_SECONDS else "OVER"
        rows.append(
            f"| {label} ({figures['server']}) | {imp * 1000:.0f} ms | {re_imp * 1000:.0f} ms | "
            f"{ref * 1000:.0f} ms | {imp / ref:.2f} | {verdict} the {TARGET_SECONDS:.0f} s target |"
        )
    body = "\n".join(
        [
            f"`bench/gvl_import.py --runs {args.runs}`: import of the bundled GVL v106 (987 vendors, 763 KB) "
            "with `vendors.importing.import_gvl` into an empty catalogue (parse, compare, store the raw "
            "document, upsert vendors and taxonomy, one transaction), from the raw bytes to the commit. "
            "Reference, measured in the same run: the same parsed vendors stored with one "
            "`Vendor.objects.create()` each in one transaction (no raw document, no taxonomy). "
            f"Median of {args.runs} runs each, fresh database per backend.",
            "",
            f"Machine: {machine_line()}.",
            "",
            "| Backend | Import v106 (median) | Re-import, no-op | Reference: row-by-row ORM | "
            "Ratio import / reference | Target |",
            "|---|---|---|---|---|---|",
            *rows,
        ]
    )
    publish("GVL import", body, write=not args.no_write)


if __name__ == "__main__":
    main()

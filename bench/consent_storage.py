"""Storage per consent record and the time to purge one million expired records, on PostgreSQL.

Runs against a scratch database it creates and drops (default `hardening_bench_storage` on the
machine's PostgreSQL, `--admin-url` to change). Steps:

1. migrate, load the bundled GVL and create the demo site (`manage.py bootstrap`);
2. record one consent of each kind through `consent.services.record_consent` (accept all, reject
   all, a custom choice) so that every column holds what the service really writes;
3. copy them with bulk SQL into N records (default 100,000; mix 45% accept all, 45% reject all, 10%
   custom, each with its own consent id, user id and MAC), VACUUM ANALYZE, and divide
   `pg_total_relation_size` (heap + TOAST + indexes) by the row count;
4. empty the log, bulk-insert one million records that expired yesterday plus 1,000 live ones
   written by the service, seal them (`seal_all_sites`, as the hourly job would have long before
   they expired), then time `purge_expired()` — the function the daily Celery task and
   `manage.py purge_expired_consents` call — and check that only the live records remain and that
   `verify_consent_log` still passes.

Usage: .venv/bin/python bench/consent_storage.py [--records 100000] [--expired 1000000] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.perf_doc import machine_line, replace_section  # noqa: E402
from bench.scratch_db import database_url, drop_database, recreate_database  # noqa: E402

MIX = (("accept_all", 45), ("reject_all", 45), ("custom", 10))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("CMP_CONSENT_HMAC_KEY", "bench-consent-hmac-key")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmp.settings")
    import django

    django.setup()


def template_records(site):
    from consent.choices import ChoiceRequest
    from consent.disclosure import current_snapshot, site_catalogue
    from consent.services import record_consent

    catalogue = site_catalogue(site, current_snapshot(site.default_language))
    vendor_ids = sorted(catalogue.consent_vendor_ids)[:40]
    custom = ChoiceRequest(
        action="custom",
        categories={"functional": True, "analytics": True, "performance": False, "advertisement": False},
        purposes=frozenset({1, 7, 8, 9, 10}),
        vendors=frozenset(vendor_ids),
    )
    return {
        "accept_all": record_consent(
            site, ChoiceRequest(action="accept_all"), user_agent="bench", ip_address="192.0.2.1"
        ),
        "reject_all": record_consent(
            site, ChoiceRequest(action="reject_all"), user_agent="bench", ip_address="192.0.2.1"
        ),
        "custom": record_consent(site, custom, user_agent="bench", ip_address="192.0.2.1"),
    }


def copy_columns() -> list[str]:
    from consent.models import ConsentRecord

    return [f.column for f in ConsentRecord._meta.concrete_fields if f.column != "id"]


def bulk_copy(template_ids: dict[str, int], total: int, *, expires: str, created: str) -> None:
    """INSERT ... SELECT copies of the templates, `total` rows in the MIX proportions."""
    from django.db import connection

    columns = copy_columns()
    generated = {
        "consent_id": "gen_random_uuid()",
        "user_id": "substr(md5(random()::text) || md5(random()::text), 1, 32)",
        "mac": "md5(random()::text) || md5(random()::text)",
        "created_at": created,
        "expires_at": expires,
    }
    select = ", ".join(generated.get(c, f"t.{c}") for c in columns)
    with connection.cursor() as cursor:
        done = 0
        for index, (action, share) in enumerate(MIX):
            count = total - done if index == len(MIX) - 1 else total * share // 100
            done += count
            cursor.execute(
                f"INSERT INTO consent_consentrecord ({', '.join(columns)}) "
                f"SELECT {select} FROM generate_series(1, %s) AS g, consent_consentrecord t WHERE t.id = %s",
                [count, template_ids[action]],
            )


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE consent_consentrecord")


def storage_figures() -> dict[str, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), pg_total_relation_size('consent_consentrecord'), "
            "pg_relation_size('consent_consentrecord'), pg_indexes_size('consent_consentrecord') "
            "FROM consent_consentrecord"
        )
        rows, total, heap, indexes = cursor.fetchone()
        cursor.execute(
            "SELECT action, avg(pg_column_size(t.*)), avg(length(tc_string)), "
            "avg(pg_column_size(vendor_consents)) "
            "FROM consent_consentrecord t GROUP BY action ORDER BY action"
        )
        per_action = {a: (float(row), float(tc), float(vc)) for a, row, tc, vc in cursor.fetchall()}
    return {"rows": rows, "total": total, "heap": heap, "indexes": indexes, "per_action": per_action}


def reset_log() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE consent_consentdeletion, consent_consentseal, consent_consentrecord RESTART IDENTITY"
        )


def live_records(site, count: int) -> None:
    """Records written with real MACs (by copying a service-written record in Python) so that the
    verification after the purge checks something real."""
    import uuid

    from consent import evidence
    from consent.models import ConsentRecord
    from consent.services import new_user_id

    template = ConsentRecord.objects.filter(site=site, action="reject_all").order_by("-id").first()
    objects = []
    for _ in range(count):
        record = ConsentRecord(
            **{
                f.attname: getattr(template, f.attname)
                for f in ConsentRecord._meta.concrete_fields
                if f.attname not in ("id", "consent_id", "user_id", "mac")
            }
        )
        record.consent_id = uuid.uuid4()
        record.user_id = new_user_id()
        record.mac = evidence.record_mac(record)
        objects.append(record)
    ConsentRecord.objects.bulk_create(objects, batch_size=500)


def run(records: int, expired: int, runs: int) -> dict[str, object]:
    from django.conf import settings
    from django.core.management import call_command

    from consent.models import ConsentRecord, Site
    from consent.services import purge_expired, seal_all_sites, verify_log

    call_command("migrate", verbosity=0)
    call_command("bootstrap", verbosity=0)
    site = Site.objects.get(key="demo")

    templates = template_records(site)
    template_ids = {action: record.id for action, record in templates.items()}
    started = time.perf_counter()
    bulk_copy(template_ids, records, expires="t.expires_at", created="t.created_at - g * interval '1 second'")
    fill_seconds = time.perf_counter() - started
    ConsentRecord.objects.filter(id__in=template_ids.values()).delete()
    vacuum()
    storage = storage_figures()

    purge_runs = []
    for _ in range(runs):
        reset_log()
        templates = template_records(site)
        template_ids = {action: record.id for action, record in templates.items()}
        bulk_copy(
            template_ids,
            expired,
            expires="now() - interval '1 day' - g * interval '1 millisecond'",
            created="now() - interval '731 days' - g * interval '1 millisecond'",
        )
        ConsentRecord.objects.filter(id__in=template_ids.values()).delete()
        templates = template_records(site)  # valid MACs, still live after the purge
        live_records(site, 1000 - len(templates))
        vacuum()
        live = ConsentRecord.objects.filter(expires_at__gt=time_now()).count()
        started = time.perf_counter()
        sealed = seal_all_sites()
        seal_seconds = time.perf_counter() - started
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        report = purge_expired(batch_size=settings.CMP_PURGE_BATCH_SIZE)
        purge_seconds = time.perf_counter() - started
        remaining = ConsentRecord.objects.count()
        verification = verify_log(site)
        purge_runs.append(
            {
                "seal_seconds": seal_seconds,
                "purge_seconds": purge_seconds,
                "deleted": report.deleted,
                "batches": report.batches,
                "sealed": sum(sealed.values()),
                "remaining": remaining,
                "live": live,
                "verified": verification.ok,
                "problems": verification.problems[:3],
                "load": load_before,
            }
        )
        print(f"purge run: {purge_runs[-1]}", flush=True)
    return {
        "batch": settings.CMP_PURGE_BATCH_SIZE,
        "storage": storage,
        "fill_seconds": fill_seconds,
        "records": records,
        "expired": expired,
        "purge_runs": purge_runs,
    }


def time_now():
    from django.utils import timezone

    return timezone.now()


def render(result: dict[str, object], admin_url: str) -> str:
    storage = result["storage"]
    batch = result["batch"]
    rows = storage["rows"]
    total, heap, indexes = storage["total"], storage["heap"], storage["indexes"]
    runs = result["purge_runs"]
    purge_median = statistics.median(r["purge_seconds"] for r in runs)
    seal_median = statistics.median(r["seal_seconds"] for r in runs)
    per_action_rows = "\n".join(
        f"| {action} | {row:.0f} | {tc:.0f} | {vc:.0f} |"
        for action, (row, tc, vc) in storage["per_action"].items()
    )
    runs_rows = "\n".join(
        f"| {i + 1} | {r['seal_seconds']:.1f} | {r['purge_seconds']:.1f} | {r['deleted']:,} "
        f"| {r['batches']:,} "
        f"| {r['remaining']:,} (live: {r['live']:,}) | {'yes' if r['verified'] else 'NO'} | {r['load']:.1f} |"
        for i, r in enumerate(runs)
    )
    server = urlparse(admin_url)
    return f"""Measured by `bench/consent_storage.py` on {machine_line()}, PostgreSQL on
{server.hostname}:{server.port} (the machine's shared server, scratch database created and dropped by
the script). Records are copies, made with bulk SQL, of records written by `consent.services.record_consent`
on the demo site (all {len(sorted(storage["per_action"]))} kinds, bundled GVL v106, every vendor
enabled), each with its own consent id, user id and MAC.

### Storage per consent record

{storage["rows"]:,} records, mix {", ".join(f"{share}% {a}" for a, share in MIX)}, after `VACUUM ANALYZE`:

| | bytes | bytes per record |
|---|---:|---:|
| heap + TOAST + indexes (`pg_total_relation_size`) | {total:,} | **{total / rows:.0f}** |
| main heap only (`pg_relation_size`) | {heap:,} | {heap / rows:.0f} |
| indexes (`pg_indexes_size`: pk, consent id, (site, user, id), expiry) | {indexes:,} | {indexes / rows:.0f} |

Average stored row (`pg_column_size`, after PostgreSQL's compression of large values), by kind:

| action | row bytes | TC string chars | vendor_consents bytes |
|---|---:|---:|---:|
{per_action_rows}

So 100 million records (the scaling target in ARCHITECTURE.md) take about
{storage["total"] / storage["rows"] * 1e8 / 2**30:.0f} GiB with this mix.

### Purging one million expired records

{result["expired"]:,} records that expired yesterday plus 1,000 live ones, all sealed first (the hourly
seal job covers records long before they expire). Timed: `consent.services.purge_expired()` with
`CMP_PURGE_BATCH_SIZE` ({batch:,}) records per transaction, as the daily Celery task runs it.
Afterwards only the live records remain and `verify_log` (the check behind
`manage.py verify_consent_log`) passes.

| run | seal (s) | purge (s) | deleted | batches | left | log verifies | load average at start |
|---|---:|---:|---:|---:|---|---|---:|
{runs_rows}

**Median purge time: {purge_median:.1f} s** for {result["expired"]:,} records (target: under 30 s);
sealing them beforehand took {seal_median:.1f} s (median).
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--database", default="hardening_bench_storage")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--expired", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print, do not edit docs/PERFORMANCE.md")
    args = parser.parse_args()

    recreate_database(args.admin_url, args.database)
    try:
        setup_django(database_url(args.admin_url, args.database))
        result = run(args.records, args.expired, args.runs)
        from django.db import connections

        connections.close_all()
    finally:
        drop_database(args.admin_url, args.database)
    text = render(result, args.admin_url)
    print(text)
    if not args.no_write:
        replace_section("Storage and retention", text)


if __name__ == "__main__":
    main()

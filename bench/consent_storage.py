"""Storage per consent record and the time to purge one million expired records, on PostgreSQL.

Runs against a scratch database it creates and drops (default `hardening_bench_storage` on the
machine's PostgreSQL, `--admin-url` to change). Steps:

1. migrate, load the bundled GVL and create the demo site (`manage.py bootstrap`);
2. record one consent of each kind through `consent.services.record_consent` (accept all, reject
   all, a custom choice) so that every column holds what the service really writes;
3. copy them with bulk SQL into N records (default 100,000; mix 45% accept all, 45% reject all, 10%
   custom, each with its own consent id, user id and MAC; the first-layer copies share one recorded
   choice per kind, each custom copy has its own), VACUUM ANALYZE, and divide
   `pg_total_relation_size` (heap + TOAST + indexes) of both tables by the row count;
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

from bench.perf_doc import machine_line, publish  # noqa: E402
from bench.scratch_db import (  # noqa: E402
    add_admin_url,
    in_scratch_database,
)

MIX = (("accept_all", 45), ("reject_all", 45), ("custom", 10))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("CMP_CONSENT_HMAC_KEY", "bench-consent-hmac-key-of-at-least-32-bytes")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmp.settings")
    import django

    django.setup()


def template_records(site):
    from consent.choices import ChoiceRequest
    from consent.services import record_consent
    from sites.disclosure import current_snapshot, site_catalogue

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


def copy_columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if f.column != "id"]


def bulk_copy(templates: dict[str, object], total: int, *, expires: str, created: str, day: str) -> None:
    """INSERT ... SELECT copies of the template records, `total` rows in the MIX proportions.

    Accept-all and reject-all copies share one recorded choice per kind, as one day's first-layer
    clicks do; every custom copy gets a recorded choice of its own (the worst case: no two custom
    choices alike). The copies' choices are dated `day` (SQL), their records `created` (SQL, `g` is
    the copy's number)."""
    from django.db import connection

    from consent.models import ConsentRecord, RecordedChoice

    record_columns = copy_columns(ConsentRecord)
    choice_columns = copy_columns(RecordedChoice)
    random_hex = "md5(random()::text) || md5(random()::text)"
    choice_select = ", ".join({"day": day, "digest": random_hex}.get(c, f"c.{c}") for c in choice_columns)
    generated = {
        "consent_id": "gen_random_uuid()",
        "user_id": "substr(md5(random()::text) || md5(random()::text), 1, 32)",
        "mac": random_hex,
        "created_at": created,
        "expires_at": expires,
        "choice_id": "n.id",
    }
    record_select = ", ".join(generated.get(c, f"t.{c}") for c in record_columns)
    copy_choices = (
        f"INSERT INTO consent_recordedchoice ({', '.join(choice_columns)}) "
        f"SELECT {choice_select} FROM generate_series(1, %s), consent_recordedchoice c WHERE c.id = %s "
        "RETURNING id"
    )
    copy_records = (
        f"INSERT INTO consent_consentrecord ({', '.join(record_columns)}) "
        f"SELECT {record_select} FROM n, consent_consentrecord t WHERE t.id = %s"
    )
    with connection.cursor() as cursor:
        done = 0
        for index, (action, share) in enumerate(MIX):
            count = total - done if index == len(MIX) - 1 else total * share // 100
            done += count
            template = templates[action]
            if action == "custom":  # one new choice per copy
                rows = "SELECT id, row_number() OVER () AS g FROM new_choices"
                params = [count, template.choice_id, template.id]
            else:  # one new choice for all copies
                rows = "SELECT new_choices.id, g FROM new_choices, generate_series(1, %s) AS g"
                params = [1, template.choice_id, count, template.id]
            cursor.execute(f"WITH new_choices AS ({copy_choices}), n AS ({rows}) {copy_records}", params)


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE consent_consentrecord")
        cursor.execute("VACUUM ANALYZE consent_recordedchoice")


def storage_figures() -> dict[str, object]:
    from django.db import connection

    sizes = {}
    with connection.cursor() as cursor:
        for table in ("consent_consentrecord", "consent_recordedchoice"):
            cursor.execute(
                f"SELECT count(*), pg_total_relation_size('{table}'), pg_relation_size('{table}'), "
                f"pg_indexes_size('{table}') FROM {table}"
            )
            sizes[table] = cursor.fetchone()
        cursor.execute(
            "SELECT r.action, avg(pg_column_size(r.*)), avg(pg_column_size(c.*)), avg(length(c.tc_string)), "
            "count(DISTINCT c.id) "
            "FROM consent_consentrecord r JOIN consent_recordedchoice c ON c.id = r.choice_id "
            "GROUP BY r.action ORDER BY r.action"
        )
        per_action = {
            a: (float(row), float(choice), float(tc), int(n)) for a, row, choice, tc, n in cursor.fetchall()
        }
    rows, total, heap, indexes = sizes["consent_consentrecord"]
    choices, choices_total, _, _ = sizes["consent_recordedchoice"]
    return {
        "rows": rows,
        "total": total,
        "heap": heap,
        "indexes": indexes,
        "choices": choices,
        "choices_total": choices_total,
        "per_action": per_action,
    }


def reset_log() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE consent_consentdeletion, consent_consentseal, consent_consentrecord, "
            "consent_recordedchoice RESTART IDENTITY"
        )
    from infra.config import cache

    cache.clear()  # the record templates' choices are gone with the table's rows


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
        record.user_id = new_user_id(site)
        record.mac = evidence.record_mac(record)
        objects.append(record)
    ConsentRecord.objects.bulk_create(objects, batch_size=500)


def run(records: int, expired: int, runs: int) -> dict[str, object]:
    from django.conf import settings
    from django.core.management import call_command

    from consent.models import ConsentRecord
    from consent.services import purge_expired, seal_all_sites, verify_log
    from sites.models import Site

    call_command("migrate", verbosity=0)
    call_command("bootstrap", verbosity=0)
    site = Site.objects.get(key="demo")

    templates = template_records(site)
    started = time.perf_counter()
    bulk_copy(
        templates,
        records,
        expires="t.expires_at",
        created="t.created_at - g * interval '1 second'",
        day="c.day",
    )
    fill_seconds = time.perf_counter() - started
    delete_templates(templates)
    vacuum()
    storage = storage_figures()

    purge_runs = []
    for _ in range(runs):
        reset_log()
        templates = template_records(site)
        bulk_copy(
            templates,
            expired,
            expires="now() - interval '1 day' - g * interval '1 millisecond'",
            created="now() - interval '731 days' - g * interval '1 millisecond'",
            day="(now() - interval '731 days')::date",
        )
        delete_templates(templates)
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
                "choices_deleted": report.choices_deleted,
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


def delete_templates(templates: dict[str, object]) -> None:
    """The service-written originals of the copies (their choices stay: the copies' own are new)."""
    from consent.models import ConsentRecord

    ConsentRecord.objects.filter(id__in=[record.id for record in templates.values()]).delete()


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
        f"| {action} | {row:.0f} | {choice:.0f} | {tc:.0f} | {choices:,} |"
        for action, (row, choice, tc, choices) in storage["per_action"].items()
    )
    runs_rows = "\n".join(
        f"| {i + 1} | {r['seal_seconds']:.1f} | {r['purge_seconds']:.1f} | {r['deleted']:,} "
        f"| {r['choices_deleted']:,} | {r['batches']:,} "
        f"| {r['remaining']:,} (live: {r['live']:,}) | {'yes' if r['verified'] else 'NO'} | {r['load']:.1f} |"
        for i, r in enumerate(runs)
    )
    everything = total + storage["choices_total"]
    sizes = (
        ("records and recorded choices, heap + TOAST + indexes (`pg_total_relation_size`)", everything),
        ("records: heap + TOAST + indexes", total),
        ("records: main heap only (`pg_relation_size`)", heap),
        ("records: indexes (`pg_indexes_size`: pk, consent id, (site, user, id), expiry, choice)", indexes),
        ("recorded choices: heap + TOAST + indexes", storage["choices_total"]),
    )
    size_rows = "\n".join(
        f"| {label} | {size:,} | {'**' if i == 0 else ''}{size / rows:.0f}{'**' if i == 0 else ''} |"
        for i, (label, size) in enumerate(sizes)
    )
    runs_header = (
        "| run | seal (s) | purge (s) | records deleted | recorded choices deleted | batches | left "
        "| log verifies | load average at start |"
    )
    server = urlparse(admin_url)
    return f"""Measured by `bench/consent_storage.py` on {machine_line()}, PostgreSQL on
{server.hostname}:{server.port} (the machine's shared server, scratch database created and dropped by
the script). Records are copies, made with bulk SQL, of records written by `consent.services.record_consent`
on the demo site (all {len(sorted(storage["per_action"]))} kinds, bundled GVL v106, every vendor
enabled), each with its own consent id, user id and MAC.

### Storage per consent record

{storage["rows"]:,} records, mix {", ".join(f"{share}% {a}" for a, share in MIX)}, after `VACUUM ANALYZE`.
Accept-all and reject-all records share one recorded choice per kind, as one day's first-layer clicks
do; every custom record has a recorded choice of its own (the worst case: no two custom choices
alike), so {storage["choices"]:,} recorded choices in all.

| | bytes | bytes per record |
|---|---:|---:|
{size_rows}

Average stored row (`pg_column_size`, after PostgreSQL's compression of large values), by kind:

| action | record row bytes | its recorded choice's row bytes | TC string chars | recorded choices |
|---|---:|---:|---:|---:|
{per_action_rows}

So 100 million records (the scaling target in ARCHITECTURE.md) take about
{everything / rows * 1e8 / 2**30:.0f} GiB with this mix, custom choices all distinct.

### Purging one million expired records

{result["expired"]:,} records that expired yesterday (with their recorded choices, dated 731 days ago:
one per kind for the first-layer ones, one per record for the custom ones) plus 1,000 live ones, all
sealed first (the hourly seal job covers records long before they expire). Timed:
`consent.services.purge_expired()` with `CMP_PURGE_BATCH_SIZE` ({batch:,}) records per transaction,
as the daily Celery task runs it; it also deletes the recorded choices no record uses anymore.
Afterwards only the live records and their choices remain and `verify_log` (the check behind
`manage.py verify_consent_log`) passes.

{runs_header}
|---|---:|---:|---:|---:|---:|---|---|---:|
{runs_rows}

**Median purge time: {purge_median:.1f} s** for {result["expired"]:,} records (target: under 30 s);
sealing them beforehand took {seal_median:.1f} s (median).
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_admin_url(parser)
    parser.add_argument("--database", default="hardening_bench_storage")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--expired", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print, do not edit docs/PERFORMANCE.md")
    args = parser.parse_args()

    result = in_scratch_database(
        args.admin_url, args.database, setup_django, lambda: run(args.records, args.expired, args.runs)
    )
    text = render(result, args.admin_url)
    publish("Storage and retention", text, write=not args.no_write)


if __name__ == "__main__":
    main()

"""Makes the round-1 databases of tests/consent/test_round_one_database_migrates_and_verifies.py:
a database built by the code of commit dcc62a4 (the HEAD before the #17 redesign), at its schema,
with consent records, seals, an erasure and records written after the last seal.

Run it from this repository with a checkout of that commit beside it (not committed):

    git worktree add /tmp/dcc62a4 dcc62a4
    .venv/bin/python tests/data/round1/make_round1_databases.py /tmp/dcc62a4 \\
        --postgres postgres://postgres@127.0.0.1:5432/postgres
    git worktree remove /tmp/dcc62a4

It runs that checkout's own manage.py (migrate, load_bundled_catalogue, create_demo_site,
create_api_key, seal_consent_log) and its own service layer, writes round1.sqlite3.gz (the SQLite
file) and round1.postgresql.sql.gz (`pg_dump --no-owner --no-privileges`, plain SQL: its sequences
are set by the dump's `setval` lines), and records.json: what the test must find again.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
HMAC_KEY = "test-consent-hmac-key"  # the test suite's key (pyproject.toml), so the MACs verify there

# Run by the old checkout's `manage.py shell`: its service layer, as its API called it.
WRITE_RECORDS = r"""
import json
from consent import services
from consent.choices import parse_choice_request
from consent.models import Site
from consent.site_setup import ensure_default_categories

demo = Site.objects.get(key="demo")
other = Site.objects.create(key="round1", name="Round 1", domains=["www.round1.example"],
                            allowed_origins=["https://www.round1.example"], publisher_country_code="FR",
                            languages=["en", "fr"], privacy_policy_url="https://www.round1.example/privacy")
ensure_default_categories(other)
users = {}

def record(site, name, body):
    if name in users:
        body = {**body, "user_id": users[name]}
    written = services.record_consent(site, parse_choice_request(body), user_agent="Mozilla/5.0 (round 1)",
                                      ip_address="192.0.2.10")
    users[name] = written.user_id

custom = {"action": "custom", "categories": {"necessary": True, "analytics": True}, "purposes": [1, 2, 7],
          "special_features": [1], "vendors": [755, 793], "atps": [89], "language": "fr"}
for site in (demo, other):
    for n in range(4):
        record(site, f"{site.key}-accept-{n}", {"action": "accept_all"})
    record(site, f"{site.key}-reject", {"action": "reject_all", "language": "fr"})
    record(site, f"{site.key}-custom", custom)
    record(site, f"{site.key}-custom", {**custom, "vendors": [755]})
    record(site, f"{site.key}-withdrawn", {"action": "accept_all"})
    record(site, f"{site.key}-withdrawn", {"action": "withdraw"})
    services.seal_site(site)
    record(site, f"{site.key}-erased", {"action": "accept_all"})
    record(site, f"{site.key}-erased", custom)
    services.seal_site(site)
    services.erase_user(site, users[f"{site.key}-erased"], user_agent="downstream", ip_address="192.0.2.20")
    record(site, f"{site.key}-after-seal", {"action": "reject_all"})  # left unsealed
print("USERS " + json.dumps(users))
"""

# What the test must find again; the test runs this same text against the migrated database (the
# site model moved from consent to sites in #17).
SUMMARY = r"""
import json
from consent.models import ConsentRecord, ConsentSeal, RecordedChoice
try:
    from sites.models import Site
except ImportError:
    from consent.models import Site
ids = ConsentRecord.objects.values_list("consent_id", flat=True)
print("SUMMARY " + json.dumps({
    "records": {s.key: sorted(str(c) for c in ids.filter(site=s)) for s in Site.objects.order_by("key")},
    "seals": ConsentSeal.objects.count(),
    "recorded_choices": RecordedChoice.objects.count(),
    "erasures": ConsentRecord.objects.filter(action="erase").count(),
}))
"""


def manage(checkout: Path, database_url: str, *args: str) -> str:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "CMP_CONSENT_HMAC_KEY": HMAC_KEY,
        "CMP_SEAL_GRACE_SECONDS": "0",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {args[0]} failed in {checkout}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def build(checkout: Path, database_url: str) -> dict:
    manage(checkout, database_url, "migrate", "--noinput")
    manage(checkout, database_url, "load_bundled_catalogue")
    manage(checkout, database_url, "create_demo_site")
    manage(checkout, database_url, "create_api_key", "demo", "--name", "round 1")
    manage(checkout, database_url, "shell", "-c", WRITE_RECORDS)
    manage(checkout, database_url, "verify_consent_log", "demo")
    manage(checkout, database_url, "verify_consent_log", "round1")
    out = manage(checkout, database_url, "shell", "-c", SUMMARY)
    return json.loads(out.split("SUMMARY ", 1)[1])


def gzip_to(source: Path, target: Path) -> None:
    with source.open("rb") as raw, gzip.GzipFile(target, "wb", mtime=0) as packed:
        shutil.copyfileobj(raw, packed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path, help="a checkout of commit dcc62a4")
    parser.add_argument("--postgres", help="URL of a PostgreSQL server's maintenance database")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=args.checkout, capture_output=True, text=True, check=True
    ).stdout.strip()
    summaries = {}
    with tempfile.TemporaryDirectory() as folder:
        sqlite_file = Path(folder) / "round1.sqlite3"
        summaries["sqlite"] = build(args.checkout, f"sqlite:///{sqlite_file}")
        gzip_to(sqlite_file, HERE / "round1.sqlite3.gz")
        if args.postgres:
            import psycopg

            name = f"round1_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            url = args.postgres.rsplit("/", 1)[0] + f"/{name}"
            try:
                summaries["postgresql"] = build(args.checkout, url)
                dump = Path(folder) / "round1.postgresql.sql"
                subprocess.run(["pg_dump", "--no-owner", "--no-privileges", "-f", str(dump), url], check=True)
                gzip_to(dump, HERE / "round1.postgresql.sql.gz")
            finally:
                with psycopg.connect(args.postgres, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    (HERE / "records.json").write_text(json.dumps({"commit": commit, **summaries}, indent=1) + "\n")


if __name__ == "__main__":
    main()

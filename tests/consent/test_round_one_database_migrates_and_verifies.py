"""A database built by the round-1 code (commit dcc62a4, before the #17 redesign moved the site
configuration to `sites/` and added the configuration triggers) migrates to the current head,
keeps every record (the same consent ids per site, the same seals, recorded choices and erasure),
still verifies with `verify_consent_log`, and takes new records and seals afterwards (its sequences
and the new triggers work).

The databases are tests/data/round1/ (made by make_round1_databases.py there; PROVENANCE.md): the
SQLite file on every run, the PostgreSQL plain-SQL dump on the PostgreSQL run, each loaded into a
database of its own that the test's Django connection never touches."""

from __future__ import annotations

import gzip
import json
import os
import runpy
import subprocess
import uuid
from pathlib import Path

import pytest

ROUND1 = Path(__file__).resolve().parents[1] / "data" / "round1"
EXPECTED = json.loads((ROUND1 / "records.json").read_text())
CONFIGURED = os.environ.get("DATABASE_URL", "")
ROUND_ONE_KEY = "test-consent-hmac-key"  # tests/data/round1/make_round1_databases.py
KINDS = ["sqlite", *(["postgresql"] if CONFIGURED.startswith("postgres") else [])]

# The generator's own read-back, so both ends count the same way.
SUMMARY = runpy.run_path(str(ROUND1 / "make_round1_databases.py"))["SUMMARY"]

RECORD_ONE_MORE = r"""
from consent import services
from consent.choices import choice_request_from_body
from sites.services import get_site
from infra.models import ConfigVersion
site = get_site("demo")
before = ConfigVersion.objects.get().version
written = services.record_consent(site, choice_request_from_body(b'{"action": "accept_all"}'))
type(site).objects.filter(pk=site.pk).update(name="Demo, renamed after the migration")
print("NEW", written.consent_id, before != ConfigVersion.objects.get().version)
"""


@pytest.fixture(params=KINDS)
def round_one_database(request, tmp_path):
    """The URL of a fresh database holding the round-1 data at the round-1 schema."""
    if request.param == "sqlite":
        path = tmp_path / "round1.sqlite3"
        path.write_bytes(gzip.decompress((ROUND1 / "round1.sqlite3.gz").read_bytes()))
        yield request.param, f"sqlite:///{path}"
        return
    import psycopg

    admin = CONFIGURED.rsplit("/", 1)[0] + "/postgres"
    name = f"round1_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = CONFIGURED.rsplit("/", 1)[0] + f"/{name}"
    try:
        subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", url],
            input=gzip.decompress((ROUND1 / "round1.postgresql.sql.gz").read_bytes()),
            capture_output=True,
            check=True,
            timeout=120,
        )
        yield request.param, url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def summary(manage, env: dict[str, str]) -> dict:
    done = manage("shell", "-c", SUMMARY, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.split("SUMMARY ", 1)[1])


def verified(manage, env: dict[str, str], site_key: str) -> str:
    done = manage("verify_consent_log", site_key, env=env)
    assert done.returncode == 0, f"verify_consent_log {site_key} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_round_one_database_keeps_every_record_and_verifies(round_one_database, manage):
    kind, url = round_one_database
    # The round-1 records were signed under the suite's round-1 key, now an old, verify-only key.
    env = {"DATABASE_URL": url, "CMP_SEAL_GRACE_SECONDS": "0", "CMP_CONSENT_OLD_HMAC_KEYS": ROUND_ONE_KEY}
    expected = EXPECTED[kind]
    assert EXPECTED["commit"].startswith("dcc62a4")

    migrated = manage("migrate", "--noinput", env=env, timeout=300)
    assert migrated.returncode == 0, f"{migrated.stdout}\n{migrated.stderr}"
    assert "Applying consent.0003_site_configuration_moves_to_sites... OK" in migrated.stdout, migrated.stdout
    unapplied = manage("migrate", "--check", env=env)
    assert unapplied.returncode == 0, unapplied.stdout

    assert summary(manage, env) == expected
    for site_key in expected["records"]:
        verified(manage, env, site_key)

    # Writing goes on: the id sequences continue past the loaded rows, the new configuration
    # triggers fire, and a new seal covers the old unsealed tail and the new record.
    written = manage("shell", "-c", RECORD_ONE_MORE, env=env)
    assert written.returncode == 0, written.stderr
    consent_id, version_moved = written.stdout.split("NEW ", 1)[1].split()
    assert version_moved == "True"
    sealed = manage("seal_consent_log", env=env)
    assert sealed.returncode == 0, sealed.stderr
    after = summary(manage, env)
    assert after["records"]["demo"] == sorted([*expected["records"]["demo"], consent_id])
    assert after["seals"] > expected["seals"]
    for site_key in expected["records"]:
        verified(manage, env, site_key)

"""On PostgreSQL the request path's statements run as prepared statements through libpq
(consent/prepared.py). Against a scratch database on the machine's server, in autocommit as a worker
runs them: they are prepared once, survive psycopg's DEALLOCATE ALL, report a constraint violation
as Django's IntegrityError and a lost connection as Django's OperationalError (which answers 503),
stay inside an atomic block that begins with them, and fall back to Django's cursor when prepared
statements are switched off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")

SCRIPT = r"""
import json, django
django.setup()
from django.db import IntegrityError, OperationalError, connection
from consent import services
from consent.choices import parse_choice_request
from consent.record_template import _record_fields, insert_statement
from consent.services.recording import insert
from sites.services import get_site

def prepared():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'cmp_%%' ORDER BY name")
        return [row[0] for row in cursor.fetchall()]

site = get_site("demo")
first = services.record_consent(site, parse_choice_request({"action": "accept_all"}))
read = services.current_fields(site, first.user_id, ("tc_string", "gvl_version")).values
out = {"read": [read["consent_id"], read["tc_string"] == first.tc_string, read["gvl_version"]],
       "prepared": prepared()}

with connection.cursor() as cursor:
    cursor.execute("DEALLOCATE ALL")
ids = {"user_id": first.user_id, "write_token": first.write_token}
again = parse_choice_request({"action": "reject_all", **ids})
second = services.record_consent(site, again)
now_current = services.current_fields(site, first.user_id).values
out["after_deallocate"] = now_current["consent_id"] == str(second.consent_id)

try:  # the same record again: its consent id is taken
    fields = _record_fields()
    parameters = [field.get_db_prep_save(getattr(second, field.attname), connection) for field in fields]
    insert(second, parameters, insert_statement())
except IntegrityError as exc:
    out["duplicate"] = type(exc).__module__ + "." + type(exc).__name__

# Inside atomic() the INSERT belongs to the transaction, even as its first statement (the template
# is warm, so nothing else runs before it).
from django.db import transaction
from consent.models import ConsentRecord
inside = parse_choice_request({"action": "reject_all"})
records_before = ConsentRecord.objects.count()
try:
    with transaction.atomic():
        services.record_consent(site, inside)
        raise RuntimeError("roll back")
except RuntimeError:
    pass
out["rolled_back"] = ConsentRecord.objects.count() == records_before

with psycopg.connect(ADMIN, autocommit=True) as admin:
    admin.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
try:
    services.current_fields(site, first.user_id)
except OperationalError as exc:
    out["lost"] = type(exc).__module__ + "." + type(exc).__name__
connection.close_if_unusable_or_obsolete()
now_current = services.current_fields(site, first.user_id).values
out["reconnected"] = now_current["consent_id"] == str(second.consent_id)
print("RESULT " + json.dumps(out))
"""


@pytest.fixture
def scratch_database():
    name = f"cmp_prepared_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_script(manage, database_url: str, **env: str) -> dict:
    full_env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DJANGO_SETTINGS_MODULE": "cmp.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        **env,
    }
    for command in (("migrate", "--noinput"), ("bootstrap",)):
        done = manage(*command, env=full_env)
        assert done.returncode == 0, done.stderr
    script = "import psycopg\nADMIN = " + repr(ADMIN_URL) + "\n" + SCRIPT
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


@pytest.mark.slow
def test_statements_are_prepared_once_and_errors_are_djangos(manage, scratch_database):
    out = run_script(manage, scratch_database)
    assert out["read"][1:] == [True, 106]
    assert len(out["prepared"]) == 2, "the INSERT and the read with the choice's columns"
    assert out["after_deallocate"] is True
    assert out["duplicate"] == "django.db.utils.IntegrityError"
    assert out["rolled_back"] is True
    assert out["lost"] == "django.db.utils.OperationalError"
    assert out["reconnected"] is True


@pytest.mark.slow
def test_without_prepared_statements_the_cursor_runs_them(manage, scratch_database):
    out = run_script(manage, scratch_database, CMP_DB_PREPARE_THRESHOLD="0")
    assert out["read"][1:] == [True, 106]
    assert out["prepared"] == []
    assert out["after_deallocate"] is True
    assert out["duplicate"] == "django.db.utils.IntegrityError"
    assert out["lost"] == "django.db.utils.OperationalError"
    assert out["reconnected"] is True

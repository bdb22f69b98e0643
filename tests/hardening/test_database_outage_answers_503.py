"""With PostgreSQL down, the consent POST answers 503 with Retry-After and the JSON error body (so
the banner keeps the choice and retries), never a 500; once the database is back the retried
choice is recorded and nothing recorded before is lost.

Real processes: the application under gunicorn, pointed at a database that refuses connections, or
at a PostgreSQL cluster of the test's own that it stops and starts (the machine's shared server is
never touched)."""

from __future__ import annotations

import pytest
import requests

from sites.setup import DEMO_ORIGINS

from .conftest import service_env

CONSENTS = "/api/v1/sites/demo/consents"
ORIGIN = "https://publisher.example"


def assert_outage_answer(response: requests.Response) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json()["error"]["code"] == "database_unavailable"
    assert response.headers["Cache-Control"] == "no-store"


def test_consent_post_answers_503_with_retry_after_when_the_database_refuses_connections(
    start_service, unused_port
):
    service = start_service(service_env(DATABASE_URL=f"postgres://postgres@127.0.0.1:{unused_port}/cmp"))
    body = {"action": "accept_all"}
    assert_outage_answer(requests.post(service.base_url + CONSENTS, json=body, timeout=30))
    # A cross-origin banner call too: the CORS check needs the site's origins from the database.
    assert_outage_answer(
        requests.post(service.base_url + CONSENTS, json=body, headers={"Origin": ORIGIN}, timeout=30)
    )
    assert_outage_answer(requests.get(service.base_url + "/api/v1/sites/demo/banner", timeout=30))
    health = requests.get(service.base_url + "/healthz", timeout=30)
    assert health.status_code == 503


@pytest.mark.slow
def test_choices_made_during_a_postgres_outage_are_recorded_after_it(start_service, throwaway_postgres):
    env = service_env(DATABASE_URL=throwaway_postgres.url, CMP_DB_CONN_MAX_AGE="60")
    from .conftest import ScratchDatabase

    database = ScratchDatabase(throwaway_postgres.url, lambda: None)
    database.manage("migrate", "--noinput", env={**env, "DEBUG": "1"})
    database.manage("bootstrap", env={**env, "DEBUG": "1"})
    api_key = database.manage(
        "create_api_key", "demo", "--scope", "read", "--scope", "export", env={**env, "DEBUG": "1"}
    ).strip()
    service = start_service(env)
    base = service.base_url

    demo_page = {"Origin": DEMO_ORIGINS[0]}
    before = requests.post(base + CONSENTS, json={"action": "accept_all"}, headers=demo_page, timeout=30)
    assert before.status_code == 201, before.text
    user_id = before.json()["user_id"]

    throwaway_postgres.stop()
    choice = {"action": "reject_all", "user_id": user_id, "write_token": before.json()["write_token"]}
    for _ in range(3):  # the banner retries; each attempt gets a clean 503
        assert_outage_answer(requests.post(base + CONSENTS, json=choice, headers=demo_page, timeout=30))

    throwaway_postgres.start()
    retried = requests.post(base + CONSENTS, json=choice, headers=demo_page, timeout=30)
    assert retried.status_code == 201, retried.text
    headers = {"Authorization": f"Api-Key {api_key}"}
    current = requests.get(f"{base}/api/v1/sites/demo/users/{user_id}/consent", headers=headers, timeout=30)
    assert current.status_code == 200
    assert current.json()["consent_id"] == retried.json()["consent_id"]
    assert current.json()["action"] == "reject_all"
    exported = requests.get(
        f"{base}/api/v1/sites/demo/users/{user_id}/export", headers=headers, timeout=30
    ).json()
    assert {r["consent_id"] for r in exported["records"]} == {
        before.json()["consent_id"],
        retried.json()["consent_id"],
    }
    database.manage("verify_consent_log", "demo", env={**env, "DEBUG": "1"})

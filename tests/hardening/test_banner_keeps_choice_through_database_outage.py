"""End to end, with real processes: a visitor chooses while PostgreSQL is down; the service answers
503, the banner (Debian's Chromium) keeps the choice in localStorage and, once the database is back,
sends it again by itself (no reload), and the choice is recorded. Nothing is lost."""

from __future__ import annotations

import time

import psycopg
import pytest

from .conftest import ScratchDatabase, service_env


def accept_all_records(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT count(*) FROM consent_consentrecord WHERE action = 'accept_all'"
        ).fetchone()[0]


@pytest.mark.slow
@pytest.mark.browser
def test_choice_made_during_a_database_outage_is_recorded_when_it_returns(
    start_service, throwaway_postgres, chromium
):
    env = service_env(DATABASE_URL=throwaway_postgres.url)
    database = ScratchDatabase(throwaway_postgres.url, lambda: None)
    database.manage("migrate", "--noinput", env={**env, "DEBUG": "1"})
    database.manage("bootstrap", env={**env, "DEBUG": "1"})
    service = start_service(env)

    context = chromium.new_context()
    try:
        page = context.new_page()
        answers: list[int] = []
        page.on("response", lambda r: answers.append(r.status) if r.url.endswith("/consents") else None)
        page.goto(service.base_url + "/demo/")
        accept = page.locator(".cmp-bar [data-cmp=accept]")
        accept.wait_for(timeout=30_000)

        throwaway_postgres.stop()
        accept.click()
        page.wait_for_function("() => !!localStorage.getItem('cmp_pending_demo')", timeout=30_000)
        assert 503 in answers, answers
        # The visitor's choice already applies on this page although it is not recorded yet.
        assert page.evaluate("window.__analyticsRan") == 1

        throwaway_postgres.start()
        page.wait_for_function("() => !localStorage.getItem('cmp_pending_demo')", timeout=60_000)
        assert answers[-1] == 201, answers
        deadline = time.monotonic() + 10
        while accept_all_records(throwaway_postgres.url) != 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert accept_all_records(throwaway_postgres.url) == 1
        cookies = {c["name"] for c in page.context.cookies()}
        assert {"euconsent-v2", "addtl_consent", "cmp_consent"} <= cookies
    finally:
        context.close()

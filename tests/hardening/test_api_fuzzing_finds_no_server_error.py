"""schemathesis against the service's own OpenAPI schema (`/api/v1/schema/`): every operation, with
generated valid and invalid inputs, must never answer 5xx, and every error answer must be the API's
JSON error body. Bounded budget so it stays well under a minute in CI; docs/SECURITY.md records the
budget and what earlier runs found.

Most generated site keys are replaced by the demo site's and most user ids by a real user's, so the
fuzzing reaches the code behind the 404s; downstream calls carry a valid API key for the same reason.
"""

from __future__ import annotations

import json
import os
import random

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from cmp.wsgi import application
from sites.setup import DEMO_ORIGINS

# CI budget per operation and generation mode; raise it for a longer local run (docs/SECURITY.md).
MAX_EXAMPLES = int(os.environ.get("CMP_FUZZ_EXAMPLES", "25"))


@pytest.fixture
def known_user(client, demo_site) -> str:
    response = client.post(
        "/api/v1/sites/demo/consents", {"action": "accept_all"}, content_type="application/json",
        headers={"Origin": DEMO_ORIGINS[0]},
    )  # fmt: skip
    assert response.status_code == 201
    return response.json()["user_id"]


def aimed(case, known_user: str):
    """Points most cases at the demo site and a real user, so they get past the 404s."""
    chooser = random.Random(repr(case.path_parameters) + repr(case.query) + repr(case.body))
    if "site_key" in (case.path_parameters or {}) and chooser.random() < 0.8:
        case.path_parameters["site_key"] = "demo"
    if "user_id" in (case.path_parameters or {}) and chooser.random() < 0.7:
        case.path_parameters["user_id"] = known_user
    return case


@pytest.fixture
def test_connection_kept_open():
    """schemathesis calls the WSGI app directly, so each call ends with Django's request_finished,
    which closes database connections older than CONN_MAX_AGE: the test's own transaction with it.
    Django's test client disconnects that handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
# Transactional: each call commits as in production, so on PostgreSQL the request path's statements
# take their libpq path (consent/prepared.py), which only runs outside a transaction.
@pytest.mark.django_db(transaction=True)
def test_no_operation_answers_5xx(no_rate_limits, api_key, known_user, test_connection_kept_open):
    api = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 8, [op.label for op in operations]
    calls: dict[str, int] = {}
    unsatisfiable: list[str] = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                case = aimed(case, known_user)
                # From the demo page, so that consent POSTs get past the origin check to their body;
                # uncompressed, since the error bodies are read here (compression has its own test,
                # tests/foundation/test_text_responses_are_served_compressed.py).
                response = case.call(
                    headers={
                        "Authorization": f"Api-Key {api_key}",
                        "Origin": DEMO_ORIGINS[0],
                        "Accept-Encoding": "identity",
                    }
                )
                calls[case.operation.label] = calls.get(case.operation.label, 0) + 1
                where = f"{case.method} {case.formatted_path} {case.query} {case.body!r}"
                assert response.status_code < 500, f"{where} -> {response.status_code}: {response.text[:500]}"
                if response.status_code >= 400:
                    body = json.loads(response.content)
                    assert set(body) == {"error"}, (where, body)
                    assert body["error"]["code"], (where, body)
                    assert body["error"]["message"], (where, body)

            try:
                run()
            except Unsatisfiable:
                # Nothing in this operation's schema can be made invalid (e.g. only free-form strings).
                unsatisfiable.append(f"{operation.label} ({mode.value})")
    print(f"schemathesis: {sum(calls.values())} calls over {len(calls)} operations: {calls}")
    print(f"no cases could be generated for: {unsatisfiable}")
    assert len(calls) == len(operations), "some operations were never called"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'cmp_%%'")
            assert cursor.fetchone()[0] >= 2, "the request path's statements did not take their libpq path"

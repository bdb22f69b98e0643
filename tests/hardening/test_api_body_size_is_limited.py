"""Bodies over CMP_MAX_BODY_BYTES are refused with 413 and a JSON error before anything parses them."""

from __future__ import annotations

import json

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/sites/demo/consents", "/api/v1/tcf/decode"])
def test_oversized_body_gets_413_json(client, settings, path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    body = json.dumps({"tc_string": "C" * 10_000})
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "body_too_large"
    assert "4096" in error["message"]


@pytest.mark.django_db
def test_a_body_within_the_limit_reaches_the_view(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    response = client.post(
        "/api/v1/tcf/decode", data={"tc_string": "not a tc string"}, content_type="application/json"
    )
    assert response.status_code not in (413, 500)

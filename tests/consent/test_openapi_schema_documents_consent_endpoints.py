"""The OpenAPI schema at /api/v1/schema/ documents every consent endpoint, and the decode endpoint
returns the canonical decoding and v2.3 violations."""

from __future__ import annotations

import json

import yaml

from consent.choices import CHOICE_BODY
from privacy_signals.tcf import TCModel, encode, model_to_canonical


def test_schema_lists_the_consent_endpoints(client, db):
    response = client.get("/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert response.status_code == 200
    text = response.content.decode()
    schema = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    paths = schema["paths"]
    expected = {
        "/api/v1/sites/{site_key}/banner": "get",
        "/api/v1/sites/{site_key}/vendors": "get",
        "/api/v1/sites/{site_key}/consents": "post",
        "/api/v1/sites/{site_key}/users/{user_id}/consent": "get",
        "/api/v1/sites/{site_key}/users/{user_id}/consent/check": "get",
        "/api/v1/sites/{site_key}/users/{user_id}/export": "get",
        "/api/v1/sites/{site_key}/users/{user_id}": "delete",
        "/api/v1/tcf/decode": "post",
    }
    for path, method in expected.items():
        assert method in paths[path], path
    consent_post = paths["/api/v1/sites/{site_key}/consents"]["post"]
    assert "201" in consent_post["responses"]
    assert "400" in consent_post["responses"]
    # The body is documented by the very definition that validates it (consent/choices.py).
    documented = next(iter(consent_post["requestBody"]["content"].values()))["schema"]
    assert documented == CHOICE_BODY.openapi_schema()
    assert documented["additionalProperties"] is False
    assert documented["properties"]["vendors"]["items"]["maximum"] == 65535


def test_decode_returns_canonical_json_and_violations(api, db):
    model = TCModel(
        created=17953920000,
        last_updated=17953920000,
        cmp_id=2,
        vendor_list_version=106,
        purpose_consents={1},
        purpose_legitimate_interests={3},
        vendors_disclosed={755},
    )
    tc_string = encode(model)
    response = api.post("/api/v1/tcf/decode", {"tc_string": tc_string})
    assert response.status_code == 200
    body = response.json()
    assert body["decoded"] == model_to_canonical(model, tc_string)
    # Legitimate interest for purpose 3 is forbidden since TCF 2.2.
    assert any("3" in violation for violation in body["violations"])

    clean = encode(
        TCModel(
            created=17953920000,
            last_updated=17953920000,
            cmp_id=2,
            vendor_list_version=106,
            vendors_disclosed={755},
        )
    )
    assert api.post("/api/v1/tcf/decode", {"tc_string": clean}).json()["violations"] == []

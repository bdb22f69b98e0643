"""Smaller findings: the data-subject export omitted the stored IP prefix and user-agent hash, the
user-agent hash was a plain SHA-256 that a dictionary of user agents reverses, and deeply nested
JSON bodies answered an HTML 500."""

from __future__ import annotations

import hashlib
import json

import pytest

from consent.models import ConsentRecord

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def choose(api, site, action):
    return api.client.post(
        f"/api/v1/sites/{site.key}/consents",
        json.dumps({"action": action}),
        content_type="application/json",
        HTTP_ORIGIN="https://www.alpha.example",
        HTTP_USER_AGENT=BROWSER,
        REMOTE_ADDR="198.51.100.77",
    ).json()["user_id"]


def test_the_export_holds_every_stored_field(api, site, api_key_for):
    user = choose(api, site, "accept_all")
    stored = ConsentRecord.objects.get(user_id=user)
    exported = api.get(f"/api/v1/sites/{site.key}/users/{user}/export", api_key_for(site, "export")).json()
    (record,) = exported["records"]
    assert record["ip_truncated"] == stored.ip_truncated == "198.51.100.0"
    assert record["user_agent_hash"] == stored.user_agent_hash
    assert record["mac"] == stored.mac
    assert record["key_id"] == stored.key_id
    concrete = {f.attname for f in ConsentRecord._meta.concrete_fields} - {"id", "site_id", "choice_id"}
    assert concrete <= set(record), concrete - set(record)


def test_the_user_agent_hash_is_keyed(api, site, settings):
    user = choose(api, site, "reject_all")
    stored = ConsentRecord.objects.get(user_id=user).user_agent_hash
    # A dictionary attack: hash the common user agents and look the stored value up.
    assert stored != hashlib.sha256(BROWSER.encode()).hexdigest()
    assert len(stored) == 64
    from consent import evidence

    assert evidence.user_agent_hash(BROWSER) == stored
    settings.CMP_CONSENT_HMAC_KEY = "another-deployment-key-of-at-least-32-bytes"
    assert evidence.user_agent_hash(BROWSER) != stored, "another deployment's hashes do not match"


@pytest.mark.parametrize("path", ["/api/v1/sites/alpha/consents", "/api/v1/tcf/decode"])
def test_deeply_nested_json_gets_a_400(api, site, path):
    body = "[" * 30_000 + "]" * 30_000  # within the body limit
    response = api.post(path, body, Origin="https://www.alpha.example")
    assert response.status_code == 400, response.content[:200]
    assert response["Content-Type"] == "application/json"
    assert "nested" in response.json()["error"]["message"] or "JSON" in response.json()["error"]["message"]

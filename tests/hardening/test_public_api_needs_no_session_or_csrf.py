"""The public API works without cookies, sessions or CSRF tokens (so there is no CSRF hole to close:
nothing authenticates by cookie), sets no cookies itself, and answers CORS only for the site's own
origins and never with credentials."""

from __future__ import annotations

import pytest
from django.test import Client

CONSENTS = "/api/v1/sites/demo/consents"
ALLOWED = "https://www.publisher.example"
OTHER = "https://evil.example"


@pytest.fixture
def site_with_origin(demo_site):
    demo_site.allowed_origins = [ALLOWED]
    demo_site.save()
    return demo_site


def test_consent_post_needs_no_csrf_token_and_sets_no_cookie(site_with_origin):
    strict = Client(enforce_csrf_checks=True)
    strict.cookies["sessionid"] = "forged-session"
    strict.cookies["csrftoken"] = "forged-token"
    response = strict.post(
        CONSENTS, {"action": "reject_all"}, content_type="application/json", headers={"Origin": ALLOWED}
    )
    assert response.status_code == 201
    assert not response.cookies
    assert "Set-Cookie" not in response


def test_cors_answers_only_the_sites_own_origin_and_never_with_credentials(client, site_with_origin):
    allowed = client.post(CONSENTS, {"action": "accept_all"}, content_type="application/json",
                          headers={"Origin": ALLOWED})  # fmt: skip
    assert allowed.status_code == 201
    assert allowed["Access-Control-Allow-Origin"] == ALLOWED
    assert "Access-Control-Allow-Credentials" not in allowed

    other = client.post(CONSENTS, {"action": "accept_all"}, content_type="application/json",
                        headers={"Origin": OTHER})  # fmt: skip
    assert other.status_code == 403
    assert "Access-Control-Allow-Origin" not in other

    banner = client.get("/api/v1/sites/demo/banner", headers={"Origin": OTHER})
    assert "Access-Control-Allow-Origin" not in banner


def test_preflight_allows_the_sites_origin_without_credentials(client, site_with_origin):
    preflight = client.options(
        CONSENTS,
        headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
    )  # fmt: skip
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == ALLOWED
    assert "Access-Control-Allow-Credentials" not in preflight
    assert "POST" in preflight["Access-Control-Allow-Methods"]

    refused = client.options(CONSENTS, headers={"Origin": OTHER, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in refused


def test_downstream_api_is_not_for_browsers(client, site_with_origin, api_key):
    created = client.post(
        CONSENTS, {"action": "accept_all"}, content_type="application/json", headers={"Origin": ALLOWED}
    ).json()
    response = client.get(
        f"/api/v1/sites/demo/users/{created['user_id']}/consent",
        headers={"Authorization": f"Api-Key {api_key}", "Origin": ALLOWED},
    )
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response

"""Security headers: CSP on HTML pages (inline code allowed only with the response's nonce), a
locked-down CSP on API answers, nosniff, frame protection, Referrer-Policy, and HSTS only behind TLS."""

from __future__ import annotations

import base64
import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from cmp.security import ContentSecurityPolicyMiddleware


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.mark.django_db
def test_admin_login_page_has_a_strict_csp_and_cannot_be_framed(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"]
    assert "Strict-Transport-Security" not in response


def test_json_answers_get_a_policy_that_allows_nothing(client):
    response = client.get("/healthz")
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"


def nonce_of(policy: str, directive: str) -> str:
    nonces = [s for s in directives(policy)[directive] if s.startswith("'nonce-")]
    assert len(nonces) == 1, policy
    return nonces[0][len("'nonce-") : -1]


@pytest.mark.django_db
def test_inline_code_is_allowed_by_the_responses_nonce_only(client):
    response = client.get("/demo/")
    policy = response["Content-Security-Policy"]
    for directive in ("script-src", "style-src"):
        sources = directives(policy)[directive]
        assert "'unsafe-inline'" not in sources, sources
        assert "'unsafe-hashes'" not in sources, sources
        assert not [s for s in sources if s.startswith("'sha")], sources
    nonce = nonce_of(policy, "script-src")
    assert nonce_of(policy, "style-src") == nonce
    html = response.content.decode()
    # Every inline <script> and <style> of the page carries it; the page has no style="" attribute.
    inline = re.findall(r"<(script|style)\b(?![^>]*\bsrc=)([^>]*)>", html)
    assert len(inline) >= 3, html
    for tag, attributes in inline:
        assert f'nonce="{nonce}"' in attributes or 'type="text/plain"' in attributes, (tag, attributes)
    assert f'nonce="{nonce}"' in re.search(r"<script[^>]*cmp\.js[^>]*>", html).group(0)
    assert " style=" not in html


@pytest.mark.django_db
def test_two_responses_carry_different_nonces(client):
    first = nonce_of(client.get("/demo/")["Content-Security-Policy"], "script-src")
    second = nonce_of(client.get("/demo/")["Content-Security-Policy"], "script-src")
    assert first != second
    assert len(base64.b64decode(first)) >= 16


def test_a_page_that_uses_no_nonce_sends_none():
    middleware = ContentSecurityPolicyMiddleware(
        lambda request: HttpResponse("<p>hi</p>", content_type="text/html")
    )
    request = RequestFactory().get("/demo/")
    middleware.process_request(request)
    policy = middleware.process_response(request, HttpResponse("<p>hi</p>", content_type="text/html"))[
        "Content-Security-Policy"
    ]
    assert directives(policy)["script-src"] == ["'self'"]


def test_frame_ancestors_follows_a_sameorigin_decision():
    def view(request):
        response = HttpResponse("<p>frame me</p>", content_type="text/html")
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    request = RequestFactory().get("/demo/frame")
    middleware = ContentSecurityPolicyMiddleware(view)
    middleware.process_request(request)
    response = middleware.process_response(request, view(request))
    assert directives(response["Content-Security-Policy"])["frame-ancestors"] == ["'self'"]


def test_hsts_is_sent_only_behind_tls(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/healthz")
    assert "Strict-Transport-Security" not in plain
    tls = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert tls["Strict-Transport-Security"].startswith("max-age=31536000")

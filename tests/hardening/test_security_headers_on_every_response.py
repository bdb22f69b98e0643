"""Security headers: CSP on HTML pages (with the page's own inline scripts allowed by hash), a
locked-down CSP on API answers, nosniff, frame protection, Referrer-Policy, and HSTS only behind TLS."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from cmp.security import SecurityHeadersMiddleware


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


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


def test_every_inline_script_of_a_page_is_allowed_by_its_hash_and_nothing_else():
    stub = "window.__tcfapi = window.__tcfapi || function () {};"
    blocked = "window.__analyticsRan = (window.__analyticsRan||0)+1"
    page = (
        f"<html><head><script>{stub}</script><script src='/static/consent/cmp.js' async></script></head>"
        f'<body><script type="text/plain" data-category="analytics">{blocked}</script></body></html>'
    )
    middleware = SecurityHeadersMiddleware(lambda request: HttpResponse(page, content_type="text/html"))
    response = middleware(RequestFactory().get("/demo/"))
    script_src = directives(response["Content-Security-Policy"])["script-src"]
    assert sha256_source(stub) in script_src
    assert sha256_source(blocked) in script_src
    hashes = [source for source in script_src if source.startswith("'sha256-")]
    # The two inline scripts, plus at most the hash of static/consent/stub.js.
    assert len(hashes) <= 3
    assert not [source for source in script_src if source.startswith("'nonce-")]


def test_a_nonce_is_sent_only_when_the_page_used_it():
    def view(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'>1</script>", content_type="text/html")

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/demo/"))
    nonce = re.search(r"nonce='([^']+)'", response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in directives(response["Content-Security-Policy"])["script-src"]
    other = SecurityHeadersMiddleware(view)(RequestFactory().get("/demo/"))
    assert re.search(r"nonce='([^']+)'", other.content.decode()).group(1) != nonce


def test_the_stub_file_hash_is_always_allowed_on_pages(repo_root):
    stub_file = repo_root / "static" / "consent" / "stub.js"
    middleware = SecurityHeadersMiddleware(
        lambda request: HttpResponse("<p>hi</p>", content_type="text/html")
    )
    policy = middleware(RequestFactory().get("/demo/"))["Content-Security-Policy"]
    assert sha256_source(stub_file.read_text()) in directives(policy)["script-src"]


def test_frame_ancestors_follows_a_sameorigin_decision():
    def view(request):
        response = HttpResponse("<p>frame me</p>", content_type="text/html")
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/demo/frame"))
    assert directives(response["Content-Security-Policy"])["frame-ancestors"] == ["'self'"]


def test_hsts_is_sent_only_behind_tls(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/healthz")
    assert "Strict-Transport-Security" not in plain
    tls = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert tls["Strict-Transport-Security"].startswith("max-age=31536000")

"""Security headers on every response the application itself renders.

Django's SecurityMiddleware already sends nosniff, Referrer-Policy, Cross-Origin-Opener-Policy and,
behind TLS (CMP_BEHIND_TLS_PROXY), HSTS; XFrameOptionsMiddleware sends `X-Frame-Options: DENY`.
The Content-Security-Policy comes from django-csp (CONTENT_SECURITY_POLICY in cmp/settings.py),
through `ContentSecurityPolicyMiddleware` below:

* HTML pages (the demo page, the console, the admin, the API docs) allow scripts and styles from
  this origin and, inline, only those carrying the response's nonce (`nonce="{{ CSP_NONCE }}"` in
  the templates). A fresh nonce is made for every response that uses one, so markup injected into a
  page cannot guess it: an injected `<script>`, `<style>`, `style=""` or `onerror=` does not run.
  The banner copies the nonce of its own `<script>` tag to the stylesheet it inserts and to the
  `type="text/plain"` scripts it releases once their category is consented.
* Every other response (JSON, CSV) gets `default-src 'none'`: an API answer opened directly in a
  browser tab cannot run or load anything.
* `frame-ancestors` mirrors the X-Frame-Options decision (DENY -> 'none', SAMEORIGIN -> 'self'), so
  modern browsers, which prefer CSP, enforce the same thing. The TCF `__tcfapiLocator` frame is an
  empty iframe the stub creates inside the publisher's page; this service serves no page for it, so
  nothing here needs to be frameable by other origins.
* With DEBUG on, error pages keep no CSP: Django's technical error page relies on inline handlers.

`SecurityHeadersMiddleware` adds the rest: answers under /api/ never set cookies (the API
authenticates by API key only), nosniff on every answer, a Permissions-Policy.

Static files are answered by WhiteNoise, which sits after these middlewares, so they skip them: CSP
on a JavaScript file means nothing and the banner script must stay cheap to serve.
"""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import HEADER, NONE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

# What a JSON or CSV answer may do when a browser renders it: nothing. A constant: the busiest
# endpoints answer JSON, and their policy never varies.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def frame_ancestors(response: HttpResponseBase) -> list[str] | None:
    decision = response.get("X-Frame-Options", "").upper()
    if decision == "DENY":
        return [NONE]
    if decision == "SAMEORIGIN":
        return ["'self'"]
    return None  # the view opted out of frame protection (xframe_options_exempt)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy chosen by what the response is."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if settings.DEBUG and response.status_code >= 400:
            response._csp_exempt = True  # type: ignore[attr-defined]
        elif not response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault(HEADER, API_POLICY)
            return response
        return super().process_response(request, response)

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        parts.replace = {**(parts.replace or {}), "frame-ancestors": frame_ancestors(response)}
        return parts


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/") and response.cookies:
            # The API authenticates by API key, never by cookie, so it has no reason to set one. Django's
            # CSRF middleware would otherwise answer a malformed csrftoken cookie with a fresh one.
            response.cookies.clear()
        # SecurityMiddleware sends nosniff only when its setting says so; the API always wants it.
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response

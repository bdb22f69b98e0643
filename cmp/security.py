"""Security headers on every response the application itself renders.

Django's SecurityMiddleware already sends nosniff, Referrer-Policy, Cross-Origin-Opener-Policy and,
behind TLS (CMP_BEHIND_TLS_PROXY), HSTS; XFrameOptionsMiddleware sends `X-Frame-Options: DENY`.
This middleware adds what those leave out:

* HTML pages (the demo page, the admin, the API docs) get a Content-Security-Policy that allows
  scripts only from this origin, plus the exact inline scripts of the page: every inline `<script>`
  body in the response is hashed (sha256) into `script-src`. So the inline TCF stub, and the
  `type="text/plain"` scripts the banner re-inserts once their category is consented, run without
  templates having to cooperate, while an injected script does not. Templates that prefer a nonce
  can use `{{ request.csp_nonce }}`; the nonce is only generated, and only sent, when a template used
  it. The hash of `static/consent/stub.js` is always allowed, for pages that insert the stub from
  JavaScript rather than inline.
* Every other response (JSON, CSV) gets `default-src 'none'`: an API answer opened directly in a
  browser tab cannot run or load anything.
* `frame-ancestors` mirrors the X-Frame-Options decision (DENY -> 'none', SAMEORIGIN -> 'self'), so
  modern browsers, which prefer CSP, enforce the same thing. The TCF `__tcfapiLocator` frame is an
  empty iframe the stub creates inside the publisher's page; this service serves no page for it, so
  nothing here needs to be frameable by other origins.
* Answers under /api/ never set cookies: the API authenticates by API key only.
* With DEBUG on, error pages keep no CSP: Django's technical error page relies on inline handlers.

Static files are answered by WhiteNoise, which sits after this middleware, so they skip it: CSP on a
JavaScript file means nothing and the banner script must stay cheap to serve.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse

INLINE_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
HAS_SRC = re.compile(rb"\ssrc\s*=", re.IGNORECASE)

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

# drf-spectacular's Redoc page loads its bundle and fonts from public CDNs and runs the bundle in a
# blob: worker; nothing else on the site needs a third-party origin.
DOCS_PATH_PREFIX = "/api/v1/docs/"
DOCS_EXTRA = {
    "script-src": ["https://cdn.jsdelivr.net"],
    "style-src": ["https://fonts.googleapis.com"],
    "font-src": ["https://fonts.gstatic.com"],
    "worker-src": ["blob:"],
    "img-src": ["https:"],
}


class CspNonce:
    """A per-request nonce that exists only once a template asks for it."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value: str | None = None

    def __str__(self) -> str:
        if self.value is None:
            self.value = secrets.token_urlsafe(18)
        return self.value


def script_hash(body: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii") + "'"


@lru_cache(maxsize=1)
def stub_hash() -> str | None:
    stub = Path(settings.BASE_DIR) / "static" / "consent" / "stub.js"
    try:
        return script_hash(stub.read_bytes())
    except OSError:
        return None


@lru_cache(maxsize=512)
def _cached_hash(body: bytes) -> str:
    return script_hash(body)


def inline_script_hashes(html: bytes) -> list[str]:
    hashes: list[str] = []
    for match in INLINE_SCRIPT.finditer(html):
        attributes, body = match.group(1), match.group(2)
        if HAS_SRC.search(attributes):
            continue
        digest = _cached_hash(body)
        if digest not in hashes:
            hashes.append(digest)
    return hashes


def frame_ancestors(response: HttpResponse) -> str | None:
    decision = response.get("X-Frame-Options", "").upper()
    if decision == "DENY":
        return "'none'"
    if decision == "SAMEORIGIN":
        return "'self'"
    return None  # the view opted out of frame protection (xframe_options_exempt)


def html_policy(request: HttpRequest, response: HttpResponse) -> str:
    script_src = ["'self'"]
    nonce = getattr(request, "csp_nonce", None)
    if isinstance(nonce, CspNonce) and nonce.value is not None:
        script_src.append(f"'nonce-{nonce.value}'")
    stub = stub_hash()
    if stub:
        script_src.append(stub)
    if not response.streaming:
        script_src.extend(h for h in inline_script_hashes(response.content) if h not in script_src)
    directives: dict[str, list[str]] = {
        "default-src": ["'self'"],
        "script-src": script_src,
        # The banner injects its own stylesheet and positions elements with style attributes.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    if request.path.startswith(DOCS_PATH_PREFIX):
        for name, sources in DOCS_EXTRA.items():
            directives[name] = directives[name] + sources
    ancestors = frame_ancestors(response)
    if ancestors:
        directives["frame-ancestors"] = [ancestors]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = CspNonce()  # type: ignore[attr-defined]
        response = self.get_response(request)
        debug_page = settings.DEBUG and response.status_code >= 400
        if "Content-Security-Policy" not in response and not debug_page:
            content_type = response.get("Content-Type", "")
            if content_type.startswith("text/html"):
                response["Content-Security-Policy"] = html_policy(request, response)
            else:
                response["Content-Security-Policy"] = API_POLICY
        if request.path.startswith("/api/") and response.cookies:
            # The API authenticates by API key, never by cookie, so it has no reason to set one. Django's
            # CSRF middleware would otherwise answer a malformed csrftoken cookie with a fresh one.
            response.cookies.clear()
        # SecurityMiddleware sends nosniff only when its setting says so; the API always wants it.
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response

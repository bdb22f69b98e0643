"""The preview of a site's banner, against unsaved theme changes too; it records nothing, counts nothing.

The preview frame loads the real banner script with `data-api` pointing under
/console/preview/<token>/, so the banner asks these routes for its configuration. The token is
signed (django.core.signing) and carries the site key and the draft theme, which was validated by
the appearance form; nobody can make the preview serve a theme the console did not check. A choice
made in the preview is posted here too, and refused: nothing is recorded.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from infra.errors import json_error
from infra.json import render_json
from infra.views import json_response
from sites.banner import banner_payload, choose_language, theme_of, theme_payload
from sites.disclosure import current_snapshot, site_catalogue
from sites.models import BannerTheme, Site
from sites.views import LogoView, PreferencesView, VendorsView

SALT = "console.preview"
MAX_AGE = 24 * 3600


def make_token(site: Site, draft: dict[str, Any] | None) -> str:
    return signing.dumps({"k": site.key, "t": draft}, salt=SALT, compress=True)


def check_token(token: str, site_key: str) -> None:
    _read(token, site_key)


def _read(token: str, site_key: str) -> tuple[Site, dict[str, Any] | None]:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        raise Http404("Unknown or expired preview.") from None
    site = Site.objects.filter(key=site_key).first()
    if site is None or data.get("k") != site_key:
        raise Http404("Unknown or expired preview.")
    return site, data.get("t")


def draft_theme(site: Site, draft: dict[str, Any] | None) -> BannerTheme:
    theme = theme_of(site)
    for name, value in (draft or {}).items():
        setattr(theme, name, value)
    return theme


def banner(request: HttpRequest, token: str, site_key: str) -> HttpResponse:
    site, draft = _read(token, site_key)
    language = choose_language(site, request.GET.get("lang"))
    snapshot = current_snapshot(language)
    payload = banner_payload(site, snapshot, site_catalogue(site, snapshot), language)
    payload["theme"] = theme_payload(site, draft_theme(site, draft))
    return json_response(render_json(payload), cache_control="no-store")


def preferences(request: HttpRequest, token: str, site_key: str) -> HttpResponse:
    _read(token, site_key)
    return PreferencesView.as_view()(request, site_key=site_key)


def vendors(request: HttpRequest, token: str, site_key: str) -> HttpResponse:
    _read(token, site_key)
    return VendorsView.as_view()(request, site_key=site_key)


def logo(request: HttpRequest, token: str, site_key: str) -> HttpResponse:
    _read(token, site_key)
    return LogoView.as_view()(request, site_key=site_key)


@csrf_exempt
def shown(request: HttpRequest, token: str, site_key: str) -> HttpResponse:
    """The preview's display beacon: answered, never counted in the site's rates."""
    _read(token, site_key)
    return HttpResponse(status=204)


@csrf_exempt
def consents(request: HttpRequest, token: str, site_key: str) -> HttpResponse:
    _read(token, site_key)
    return json_error(409, "preview", "This is a preview: choices made here are not recorded.")

"""HTTP API of the sites app: the banner's configuration documents (public, cacheable), the demo page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from drf_spectacular.utils import extend_schema

from infra import geoip
from infra.errors import ApiError
from infra.http import location_headers, visitor_location
from infra.params import str_param
from infra.schema import NOT_MODIFIED, errors
from infra.views import ApiView, conditional_response, json_response
from sites import api_schema as schema
from sites.banner import (
    Document,
    banner_document,
    choose_language,
    preferences_document,
    requirements_document,
    theme_of,
    vendors_document,
)
from sites.models import Site
from sites.services import get_site, jurisdiction_for, stub_attributes
from sites.theme import logo_version


def _document_response(
    request: HttpRequest,
    document: Document,
    vary: tuple[str, ...] = (),
    shared: bool = True,
    cache_control: str = "",
) -> HttpResponse:
    return conditional_response(
        request,
        document.body,
        document.etag,
        cache_control=cache_control
        or f"{'public' if shared else 'private'}, max-age={settings.CMP_BANNER_MAX_AGE}",
        vary=("Origin", *vary),
    )


def _language_document(
    request: HttpRequest, site_key: str, document: Callable[[Site, str], Document]
) -> HttpResponse:
    """A document that depends on the site and the language shown only (not on where the visitor is)."""
    site = get_site(site_key)
    return _document_response(request, document(site, choose_language(site, str_param(request.GET, "lang"))))


class BannerView(ApiView):
    @extend_schema(
        operation_id="banner_config",
        summary="What the banner's first layer shows and a first-layer choice needs",
        parameters=[schema.LANG, schema.STAMP],
        responses={200: schema.BANNER, 304: NOT_MODIFIED, **errors(400, 404, 429)},
        tags=["banner"],
    )
    def get(self, request: HttpRequest, site_key: str) -> HttpResponse:
        site = get_site(site_key)
        region, source = visitor_location(request)
        jurisdiction = jurisdiction_for(site, region)
        document = banner_document(site, choose_language(site, str_param(request.GET, "lang")), jurisdiction)
        # A CDN must keep one copy per location, since the experience follows it; where the
        # address decided it (GeoIP), no Vary can say so and only the visitor's browser may keep it.
        shared = source == "header" or not geoip.configured()
        return _document_response(request, document, vary=location_headers(), shared=shared)


class RequirementsView(ApiView):
    @extend_schema(
        operation_id="banner_requirements",
        summary="What a stored choice must have been given under to stay current, and its stamp",
        description=(
            "A return visit revalidates this small document on every page view (no-cache, ETag) "
            "and then fetches the banner document with `v=<stamp>`, so a change of the policy "
            "version, the TCF policy version or the disclosed vendors re-prompts on the next page "
            "view while the banner document itself stays cacheable."
        ),
        parameters=[schema.LANG],
        responses={200: schema.REQUIREMENTS, 304: NOT_MODIFIED, **errors(400, 404, 429)},
        tags=["banner"],
    )
    def get(self, request: HttpRequest, site_key: str) -> HttpResponse:
        site = get_site(site_key)
        document = requirements_document(site, choose_language(site, str_param(request.GET, "lang")))
        # Revalidated every time (a 304 when nothing changed): it is what makes a change visible.
        return _document_response(request, document, cache_control="public, no-cache")


class PreferencesView(ApiView):
    @extend_schema(
        operation_id="banner_preferences",
        summary="What the preferences dialog adds to the first layer's document when it opens",
        description=(
            "Every text, the cookie categories with their cookies, the purposes, special purposes, "
            "features and special features with descriptions, illustrations and vendor counts, the "
            "GVL's standard texts and the publisher's own purposes. The banner document links it "
            "(`preferences_url`, under the same requirements stamp)."
        ),
        parameters=[schema.LANG, schema.STAMP],
        responses={200: schema.PREFERENCES, 304: NOT_MODIFIED, **errors(400, 404, 429)},
        tags=["banner"],
    )
    def get(self, request: HttpRequest, site_key: str) -> HttpResponse:
        return _language_document(request, site_key, preferences_document)


class VendorsView(ApiView):
    @extend_schema(
        operation_id="banner_vendors",
        summary="The site's vendors in detail, its data categories and Google ATPs",
        parameters=[schema.LANG],
        responses={200: schema.VENDORS, 304: NOT_MODIFIED, **errors(400, 404, 429)},
        tags=["banner"],
    )
    def get(self, request: HttpRequest, site_key: str) -> HttpResponse:
        return _language_document(request, site_key, vendors_document)


#: When this service's answer to GPC last changed (the GPC specification's `lastUpdate`).
GPC_SUPPORT_SINCE = "2026-12-03"


class GpcSupportView(ApiView):
    @extend_schema(
        operation_id="gpc_support",
        summary="Global Privacy Control support resource (/.well-known/gpc.json, GPC spec section 3.3)",
        responses={200: schema.GPC_SUPPORT},
        tags=["banner"],
    )
    def get(self, request: HttpRequest) -> HttpResponse:
        return json_response(
            {"gpc": True, "lastUpdate": GPC_SUPPORT_SINCE},
            cache_control=f"public, max-age={settings.CMP_BANNER_MAX_AGE}",
        )


class LogoView(ApiView):
    @extend_schema(
        operation_id="banner_logo",
        summary="The site's logo as the banner shows it (PNG, JPEG, GIF or WebP)",
        responses={(200, "image/*"): bytes, 304: NOT_MODIFIED, **errors(404)},
        tags=["banner"],
    )
    def get(self, request: HttpRequest, site_key: str) -> HttpResponse:
        site = get_site(site_key)
        theme = theme_of(site)
        logo = bytes(theme.logo or b"")
        if not logo:
            raise ApiError(404, "no_logo", f"Site {site_key!r} has no logo.")
        return conditional_response(
            request,
            logo,
            f'"{logo_version(logo)}"',
            # The banner asks for it with its hash in the URL, so any version can be kept long.
            cache_control="public, max-age=31536000, immutable",
            content_type=theme.logo_type,
        )


def stub_source() -> str:
    """The inline stub, ready to go between <script> tags ("</script" inside it would end the element)."""
    return _stub_file().replace("</script", "<\\/script")


def stub_tag_attributes(site: Site | None, api_origin: str = "") -> str:
    """The stub tag's attributes, as HTML (' data-consent-default="denied" ...'): the site's Consent
    Mode region defaults (sites.services.stub_attributes) and the banner document's URL, which the
    stub starts fetching on a first visit (`api_origin` empty: the page's own origin)."""
    if site is None:
        return ""
    banner = api_origin + reverse("sites:banner", args=[site.key])
    attributes = {**stub_attributes(site), "data-banner": banner}
    return "".join(f' {name}="{escape(value)}"' for name, value in attributes.items())


def stub_tag(site: Site | None, api_origin: str = "") -> str:
    """The inline stub in its <script> tag, as a publisher pastes it for `site`."""
    return f"<script{stub_tag_attributes(site, api_origin)}>{stub_source()}</script>"


def _stub_file() -> str:
    path = finders.find("consent/stub.js")
    return Path(path).read_text(encoding="utf-8") if path else ""


def demo_page(request: HttpRequest) -> HttpResponse:
    """A publisher page with the inline stub and the banner script of the `demo` site."""
    site = Site.objects.filter(key="demo").first()
    return render(
        request,
        "sites/demo.html",
        {"site": site, "site_key": "demo", "stub_js": stub_source(), "stub_attrs": stub_tag_attributes(site)},
    )

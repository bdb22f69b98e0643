"""HTTP API of the consent app (docs/API.md): the public banner endpoints and the downstream reads.

Views parse and answer; everything they store goes through `consent/services.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cmp.ratelimit import client_address
from consent import api_schema as schema
from consent import services
from consent.api_keys import ApiKeyAuthentication
from consent.banner import banner_document, choose_language, vendors_document
from consent.check import check_processing
from consent.choices import USER_ID_PATTERN, choice_request_from_body, parse_json_body
from consent.errors import ApiError, api_exception_handler, bad_request
from consent.models import ApiKey, Site
from privacy_signals.tcf import TCStringError, decode, model_to_canonical, validate_v23

JSON_TYPES = ("application/json", "text/plain")
MAX_TC_STRING_LENGTH = 20_000


class ConsentApiView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get_exception_handler(self):  # type: ignore[no-untyped-def]
        return api_exception_handler


def read_body(request: HttpRequest | Request) -> bytes:
    """The request's body, refused when too large or not sent as JSON."""
    try:
        raw = request.body
    except RequestDataTooBig:
        raise ApiError(
            413,
            "body_too_large",
            f"The request body is over the limit of {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
        ) from None
    if settings.DATA_UPLOAD_MAX_MEMORY_SIZE and len(raw) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        raise ApiError(413, "body_too_large", "The request body is over the size limit.")
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    if raw.strip() and content_type not in JSON_TYPES:
        raise ApiError(
            415,
            "unsupported_media_type",
            f"Send the body as application/json (got {content_type or 'no Content-Type'}).",
        )
    return raw


def read_json(request: HttpRequest | Request) -> Any:
    return parse_json_body(read_body(request))


def _document_response(request: Request, body: bytes, etag: str) -> HttpResponse:
    if etag in [tag.strip() for tag in request.META.get("HTTP_IF_NONE_MATCH", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={settings.CMP_BANNER_MAX_AGE}"
    patch_vary_headers(response, ["Origin"])
    return response


# --- public ----------------------------------------------------------------------------------------


class BannerView(ConsentApiView):
    @extend_schema(
        operation_id="banner_config",
        summary="Everything the banner's first layer and first preference tabs need",
        parameters=[schema.LANG],
        responses={
            200: schema.BANNER,
            304: OpenApiResponse(description="ETag matched"),
            **schema.errors(404),
        },
        tags=["banner"],
    )
    def get(self, request: Request, site_key: str) -> HttpResponse:
        site = services.get_site(site_key)
        document = banner_document(site, choose_language(site, request.query_params.get("lang")))
        return _document_response(request, document.body, document.etag)


class VendorsView(ConsentApiView):
    @extend_schema(
        operation_id="banner_vendors",
        summary="The site's vendors in detail, its data categories and Google ATPs",
        parameters=[schema.LANG],
        responses={
            200: schema.VENDORS,
            304: OpenApiResponse(description="ETag matched"),
            **schema.errors(404),
        },
        tags=["banner"],
    )
    def get(self, request: Request, site_key: str) -> HttpResponse:
        site = services.get_site(site_key)
        document = vendors_document(site, choose_language(site, request.query_params.get("lang")))
        return _document_response(request, document.body, document.etag)


class ConsentsView(ConsentApiView):
    """Records a choice. A POST that accepts JSON is answered without DRF's request wrapping,
    negotiation and rendering (they cost as much as the rest of the framework together; docs/
    PERFORMANCE.md, "HTTP load"): `_record` reads the Django request directly and writes the bytes
    DRF's JSONRenderer would. `?format=` and an Accept that JSON does not satisfy take DRF's path,
    which answers them as before; both paths share `_record`."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST" or not _json_path_possible(request):
            return super().dispatch(request, *args, **kwargs)
        try:
            status, body = self._record(request, kwargs["site_key"])
            response = _json_bytes_response(services.render_json(body), status)
            response["Cache-Control"] = "no-store"
        except ApiError as exc:
            response = _json_bytes_response(services.render_json(exc.body()), exc.status)
        response["Allow"] = _allow_header(self)
        return response

    @extend_schema(
        operation_id="record_consent",
        summary="Record a visitor's choice; returns the TC string, AC string and Consent Mode signals",
        request=schema.CONSENT_REQUEST,
        responses={201: schema.CONSENT_CREATED, **schema.errors(400, 404, 413, 415, 429)},
        tags=["banner"],
    )
    def post(self, request: Request, site_key: str) -> Response:
        status, body = self._record(request._request, site_key)
        response = Response(body, status=status)
        response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def _record(request: HttpRequest, site_key: str) -> tuple[int, dict[str, Any]]:
        site = services.get_site(site_key)
        choice = choice_request_from_body(read_body(request))
        record = services.record_consent(
            site,
            choice,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:1000],
            ip_address=client_address(request),
        )
        return 201, {
            "consent_id": str(record.consent_id),
            "user_id": record.user_id,
            "tc_string": record.tc_string,
            "ac_string": record.ac_string,
            "consent_mode": record.consent_mode,
            "categories": record.categories,
            "created_at": record.created_at.isoformat(),
            "expires_at": record.expires_at.isoformat(),
        }


class DecodeView(ConsentApiView):
    @extend_schema(
        operation_id="tcf_decode",
        summary="Decode a TC string into canonical JSON and list its TCF v2.3 policy violations",
        request=schema.DECODE_REQUEST,
        responses={200: schema.DECODE_RESPONSE, **schema.errors(400, 413, 415)},
        tags=["tcf"],
    )
    def post(self, request: Request) -> Response:
        payload = read_json(request)
        if not isinstance(payload, dict) or set(payload) != {"tc_string"}:
            raise bad_request('The body must be {"tc_string": "<TC string>"} and nothing else.')
        tc_string = payload["tc_string"]
        if not isinstance(tc_string, str) or not tc_string.strip():
            raise bad_request("'tc_string' must be a non-empty string.", "tc_string")
        if len(tc_string) > MAX_TC_STRING_LENGTH:
            raise bad_request(f"'tc_string' is longer than {MAX_TC_STRING_LENGTH} characters.", "tc_string")
        tc_string = tc_string.strip()
        try:
            model = decode(tc_string)
        except TCStringError as exc:
            raise bad_request(
                f"Not a valid TC string: {exc}", "tc_string", code="invalid_tc_string"
            ) from None
        return Response({"decoded": model_to_canonical(model, tc_string), "violations": validate_v23(model)})


# --- downstream ------------------------------------------------------------------------------------


class DownstreamView(ConsentApiView):
    """Downstream reads. A GET that carries a valid key of this site, for a well-formed user id, and
    accepts JSON is answered by `fast_get` without DRF's request wrapping, negotiation and rendering
    (they were most of a read's cost; docs/PERFORMANCE.md, "HTTP load"); the body is the same bytes
    and the headers the same. Everything else (errors of authentication, other methods, `?format=`,
    an Accept asking for something else) takes DRF's full path, which answers it as before."""

    authentication_classes = [ApiKeyAuthentication]

    def fast_get(self, request: HttpRequest, site: Site, user_id: str) -> HttpResponse:
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        site = _fast_path_site(self, request, kwargs)
        if site is None:
            return super().dispatch(request, *args, **kwargs)
        try:
            response = self.fast_get(request, site, kwargs["user_id"])
        except ApiError as exc:
            response = _json_bytes_response(services.render_json(exc.body()), exc.status)
        response["Allow"] = _allow_header(self)
        return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            raise NotAuthenticated("This endpoint needs the header 'Authorization: Api-Key <key>'.")
        if api_key.site.key != kwargs.get("site_key"):
            raise ApiError(403, "forbidden", "This API key belongs to another site.")
        user_id = kwargs.get("user_id")
        if user_id is not None and not USER_ID_PATTERN.fullmatch(user_id):
            raise bad_request(
                "Not a user id: user ids are 16-64 characters of A-Z, a-z, 0-9, '-' and '_'.", "user_id"
            )

    def site_for(self, request: Request, site_key: str) -> Site:
        return request.auth.site


class CurrentConsentView(DownstreamView):
    @extend_schema(
        operation_id="current_consent",
        summary="The user's current consent (latest unexpired record) and whether to ask again",
        responses={200: schema.CURRENT_STATE, **schema.errors(401, 403, 404)},
        tags=["downstream"],
    )
    def fast_get(self, request: HttpRequest, site: Site, user_id: str) -> HttpResponse:
        body = services.current_state_body(site, user_id)
        if body is None:
            raise ApiError(404, "no_consent", "No unexpired consent is recorded for this user on this site.")
        return _json_bytes_response(body)

    def get(self, request: Request, site_key: str, user_id: str) -> Response:
        site = self.site_for(request, site_key)
        record = services.current_record(site, user_id)
        if record is None:
            raise ApiError(404, "no_consent", "No unexpired consent is recorded for this user on this site.")
        reasons = services.reprompt_reasons(site, record)
        return Response(
            {**services.serialise_record(record), "reprompt": {"required": bool(reasons), "reasons": reasons}}
        )


class CheckConsentView(DownstreamView):
    @extend_schema(
        operation_id="check_consent",
        summary="Whether a vendor / purpose / category / ATP may process this user's data, and on what basis",
        parameters=schema.CHECK_PARAMETERS,
        responses={200: schema.CHECK, **schema.errors(400, 401, 403)},
        tags=["downstream"],
    )
    def fast_get(self, request: HttpRequest, site: Site, user_id: str) -> HttpResponse:
        return _json_bytes_response(services.render_json(check_processing(site, user_id, request.GET)))

    def get(self, request: Request, site_key: str, user_id: str) -> Response:
        site = self.site_for(request, site_key)
        return Response(check_processing(site, user_id, request.query_params))


def _json_bytes_response(body: bytes, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="application/json")


_ALLOW_HEADERS: dict[type[APIView], str] = {}


def _allow_header(view: APIView) -> str:
    """DRF's Allow header for a set-up view, kept per class (its methods never change at run time)."""
    header = _ALLOW_HEADERS.get(type(view))
    if header is None:
        header = _ALLOW_HEADERS[type(view)] = ", ".join(view.allowed_methods)
    return header


_JSON_ACCEPTS = ("application/json", "application/*", "*/*")


def _json_path_possible(request: HttpRequest) -> bool:
    """Whether DRF would answer this request with plain JSON, so a view may write it directly."""
    # A plain substring test instead of parsing the query: any mention of DRF's `format` parameter
    # sends the request down DRF's path, which then decides.
    if "format" in request.META.get("QUERY_STRING", ""):
        return False
    accept = request.META.get("HTTP_ACCEPT", "")
    # DRF would honour `indent` or refuse a type it cannot render (406): leave those to it.
    return not accept or ("indent" not in accept and any(kind in accept for kind in _JSON_ACCEPTS))


def _fast_path_site(view: DownstreamView, request: HttpRequest, kwargs: dict[str, Any]) -> Site | None:
    """The key's site when this request may take the fast path, else None (DRF's path decides)."""
    if request.method != "GET" or type(view).fast_get is DownstreamView.fast_get:
        return None
    if not _json_path_possible(request):
        return None
    user_id = kwargs.get("user_id")
    if not request.META.get("HTTP_AUTHORIZATION") or not user_id or not USER_ID_PATTERN.fullmatch(user_id):
        return None
    try:
        authenticated = ApiKeyAuthentication().authenticate(request)  # type: ignore[arg-type]
    except AuthenticationFailed:
        return None
    if authenticated is None or authenticated[1].site.key != kwargs.get("site_key"):
        return None
    return authenticated[1].site


class ExportView(DownstreamView):
    @extend_schema(
        operation_id="export_user",
        summary="Data-subject access: every unexpired record of the user on this site",
        responses={200: schema.EXPORT, **schema.errors(401, 403)},
        tags=["downstream"],
    )
    def get(self, request: Request, site_key: str, user_id: str) -> Response:
        site = self.site_for(request, site_key)
        records = services.live_records(site, user_id)
        return Response(
            {"site": site.key, "user_id": user_id, "records": [services.serialise_record(r) for r in records]}
        )


class EraseView(DownstreamView):
    @extend_schema(
        operation_id="erase_user",
        summary="Data-subject erasure: deletes the user's records and records the erasure",
        responses={200: schema.ERASED, **schema.errors(401, 403)},
        tags=["downstream"],
    )
    def delete(self, request: Request, site_key: str, user_id: str) -> Response:
        site = self.site_for(request, site_key)
        erasure, erased = services.erase_user(
            site,
            user_id,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:1000],
            ip_address=client_address(request._request),
        )
        return Response(
            {
                "erased": erased,
                "erasure_id": str(erasure.consent_id),
                "recorded_at": erasure.created_at.isoformat(),
            }
        )


def _stub_source() -> str:
    path = finders.find("consent/stub.js")
    return Path(path).read_text(encoding="utf-8") if path else ""


def demo_page(request: Any) -> HttpResponse:
    """A publisher page with the inline stub and the banner script of the `demo` site."""
    site = Site.objects.filter(key="demo").first()
    # "</script" inside the inlined stub would end the element early.
    stub = _stub_source().replace("</script", "<\\/script")
    return render(request, "consent/demo.html", {"site": site, "site_key": "demo", "stub_js": stub})

"""HTTP API of the consent app (docs/API.md): recording a choice, the downstream reads, TC string
decoding. One implementation per endpoint, on the view base of infra/views.py; everything they store
goes through the service layer (consent/services/)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from drf_spectacular.utils import extend_schema

from consent import api_schema as schema
from consent import services, visitors
from consent.api_keys import ApiKeyAuthentication
from consent.check import check_processing
from consent.check_batch import CHECK_BATCH_BODY, check_batch
from consent.choices import (
    RECEIPT_BODY,
    USER_ID_DESCRIPTION,
    USER_ID_PATTERN,
    choice_request_from_body,
    parse_json_body,
)
from consent.models import ApiKey, ApiScope, ConsentAction
from consent.receipts import receipt_document
from consent.services.feed import MAX_PAGE, decode_cursor, feed_page
from consent.services.stats import count_shown
from consent.subject_requests import service as subject_requests
from consent.subject_requests.models import RequestChannel
from consent.subject_requests.service import EXPORT_FORMATS, key_actor
from infra.config import UNSEEN, cache
from infra.errors import ApiError, bad_request
from infra.http import client_address, gpc_signalled, visitor_region
from infra.middleware import OWN
from infra.params import datetime_param, int_param, only, str_param
from infra.views import ApiKeyRequired, ApiView, json_response, uncompressed
from privacy_signals.tcf import TCStringError, decode, model_to_canonical, validate_v23
from sites.api_schema import LANG as LANG_PARAMETER
from sites.cors import allowed_origins
from sites.services import get_site

JSON_TYPES = ("application/json", "text/plain")
MAX_TC_STRING_LENGTH = 20_000
NO_STORE = "no-store"
# Tries of a downstream read while the configuration changes under it (infra/config.py).
READ_ATTEMPTS = 3


def read_body(request: HttpRequest) -> bytes:
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


def check_writer(request: HttpRequest, site_key: str) -> None:
    """Who may post a choice: a page of one of the site's allowed origins (browsers send Origin on
    every POST, and a page cannot forge it), or a server with a key of the site that has the
    "record" scope. A cross-site page's text/plain POST needs no preflight, so CORS alone would let
    it write; this refuses it before anything is read."""
    origin = request.headers.get("Origin")
    if origin is None:
        if "HTTP_AUTHORIZATION" not in request.META:
            raise ApiError(
                403,
                "origin_required",
                "A consent POST comes from a page of one of the site's allowed origins (with an "
                "Origin header), or from a server with an API key that has the 'record' scope.",
            )
        ApiKeyAuthentication.authenticate(request, site_key, ApiScope.RECORD)
    elif origin.rstrip("/").lower() not in allowed_origins(site_key) and not _own_origin(request, origin):
        raise ApiError(
            403,
            "origin_not_allowed",
            f"The origin {origin[:200]} is not one of this site's allowed origins; nothing was recorded.",
        )


def _own_origin(request: HttpRequest, origin: str) -> bool:
    """A page this service serves itself (the demo page): only the service's own pages share its
    origin, and the Host a browser sends is the one it connected to."""
    try:
        return origin.lower() == f"{request.scheme}://{request.get_host()}".lower()
    except DisallowedHost:
        return False


FEED_PARAMETERS = frozenset({"since", "limit", "action", "from", "to"})


class ConsentsView(ApiView):
    """POST: the banner records a choice (public). GET: the changes feed (a key of the site)."""

    # The INSERT itself checks the configuration version (consent/services/recording.py).
    configuration_check = OWN

    @extend_schema(
        operation_id="record_consent",
        summary="Record a visitor's choice; returns the TC string, AC string and Consent Mode signals",
        request=schema.CONSENT_REQUEST,
        responses={201: schema.CONSENT_CREATED, **schema.errors(400, 403, 404, 413, 415, 429, 503)},
        tags=["banner"],
    )
    def post(self, request: HttpRequest, site_key: str) -> HttpResponse:
        if cache.observed_version is UNSEEN:
            cache.refresh()
        site = get_site(site_key)
        check_writer(request, site_key)
        choice = choice_request_from_body(read_body(request))
        record = services.record_consent(
            site,
            choice,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:1000],
            ip_address=client_address(request),
            region=visitor_region(request),
            gpc_header=gpc_signalled(request),
        )
        body = {
            "consent_id": str(record.consent_id),
            "user_id": record.user_id,
            "tc_string": record.tc_string,
            "ac_string": record.ac_string,
            "consent_mode": record.consent_mode,
            "categories": record.categories,
            "experience": record.experience,
            "region": record.region,
            "gpc": record.gpc,
            "us_opt_outs": record.us_opt_outs,
            "gpp_string": record.gpp_string,
            "policy_version": record.policy_version,
            "tcf_policy_version": record.tcf_policy_version,
            "vendors_hash": record.vendors_hash,
            "vendors_allowed": services.vendors_allowed(record.tc_string, record.gvl_version),
            "created_at": record.created_at.isoformat(),
            "expires_at": record.expires_at.isoformat(),
        }
        if record.write_token is not None:
            body["write_token"] = record.write_token
        # The token beside the echoed choice: never compressed (cmp/compression.py, BREACH).
        return uncompressed(json_response(body, 201, cache_control=NO_STORE))

    @extend_schema(
        operation_id="consents_feed",
        auth=[{"ApiKey": []}],
        summary="The site's consent records in the order written, page by page (a changes feed)",
        parameters=schema.FEED_PARAMETERS,
        responses={200: schema.FEED, **schema.errors(400, 401, 403, 429)},
        tags=["downstream"],
    )
    def get(self, request: HttpRequest, site_key: str) -> HttpResponse:
        cache.refresh()  # the class is left out of the per-request check for its POST's sake
        site = ApiKeyAuthentication.authenticate(request, site_key, ApiScope.READ).site
        params = request.GET
        only(params, FEED_PARAMETERS)
        actions = frozenset(params.getlist("action"))
        unknown = sorted(actions - set(ConsentAction.values))
        if unknown:
            raise bad_request(
                f"Unknown action {unknown[0]!r}; known: {', '.join(ConsentAction.values)}.", "action"
            )
        since = str_param(params, "since")
        page = feed_page(
            site,
            after_id=decode_cursor(since) if since else 0,
            limit=int_param(params, "limit", maximum=MAX_PAGE) or 100,
            actions=actions,
            created_from=datetime_param(params, "from"),
            created_to=datetime_param(params, "to"),
        )
        return json_response(
            {"records": page.items, "next": page.next_cursor, "has_more": page.has_more},
            cache_control=NO_STORE,
        )


class DecodeView(ApiView):
    @extend_schema(
        operation_id="tcf_decode",
        summary="Decode a TC string into canonical JSON and list its TCF v2.3 policy violations",
        request=schema.DECODE_REQUEST,
        responses={200: schema.DECODE_RESPONSE, **schema.errors(400, 413, 415, 429)},
        tags=["tcf"],
    )
    def post(self, request: HttpRequest) -> HttpResponse:
        payload = parse_json_body(read_body(request))
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
        return json_response(
            {"decoded": model_to_canonical(model, tc_string), "violations": validate_v23(model)}
        )


# --- downstream ------------------------------------------------------------------------------------


class DownstreamView(ApiView):
    """A downstream service's read or request about one user, with the site's API key."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [ApiKeyRequired]

    #: The scope a key needs for this view.
    scope: str = ApiScope.READ

    @classmethod
    def api_key(cls, request: HttpRequest, site_key: str, user_id: str) -> ApiKey:
        api_key = ApiKeyAuthentication.authenticate(request, site_key, cls.scope)
        if not USER_ID_PATTERN.fullmatch(user_id):
            raise bad_request(f"Not a user id: user ids are {USER_ID_DESCRIPTION}.", "user_id")
        return api_key

    @classmethod
    def consistent_read(cls, request: HttpRequest, site_key: str, user_id: str, read: Any) -> Any:
        """`read(api_key)` -> (configuration version its statement saw, answer), repeated until the
        configuration cache agrees with that version (infra/config.py): the answer never rests on a
        key, site or catalogue another process has already changed."""
        if cache.observed_version is UNSEEN:
            cache.refresh()
        for _ in range(READ_ATTEMPTS):
            version, answer = read(cls.api_key(request, site_key, user_id))
            if cache.observe(version):
                break
        return answer


class CurrentConsentView(DownstreamView):
    configuration_check = OWN

    @extend_schema(
        operation_id="current_consent",
        summary="The user's current consent (latest unexpired record) and whether to ask again",
        parameters=[schema.USER_ID],
        responses={200: schema.CURRENT_STATE, **schema.errors(400, 401, 403, 404)},
        tags=["downstream"],
    )
    def get(self, request: HttpRequest, site_key: str, user_id: str) -> HttpResponse:
        body = self.consistent_read(
            request, site_key, user_id, lambda key: services.current_state_body(key.site, user_id)
        )
        if body is None:
            raise ApiError(404, "no_consent", "No unexpired consent is recorded for this user on this site.")
        return json_response(body, cache_control=NO_STORE)


class CheckConsentView(DownstreamView):
    configuration_check = OWN
    scope = ApiScope.CHECK

    @extend_schema(
        operation_id="check_consent",
        summary="Whether a vendor / purpose / category / ATP may process this user's data, and on what basis",
        parameters=[schema.USER_ID, *schema.CHECK_PARAMETERS],
        responses={200: schema.CHECK, **schema.errors(400, 401, 403)},
        tags=["downstream"],
    )
    def get(self, request: HttpRequest, site_key: str, user_id: str) -> HttpResponse:
        answer = self.consistent_read(
            request, site_key, user_id, lambda key: check_processing(key.site, user_id, request.GET)
        )
        return json_response(answer, cache_control=NO_STORE)


class ConsentChecksView(DownstreamView):
    configuration_check = OWN

    @extend_schema(
        operation_id="check_consent_batch",
        summary="Many check questions at once, answered by the same rules as the single check",
        request={"application/json": CHECK_BATCH_BODY.openapi_schema()},
        responses={200: schema.CHECK_BATCH, **schema.errors(400, 401, 403, 413, 415)},
        tags=["downstream"],
    )
    def post(self, request: HttpRequest, site_key: str) -> HttpResponse:
        questions = CHECK_BATCH_BODY.parse(parse_json_body(read_body(request)))["questions"]
        if cache.observed_version is UNSEEN:
            cache.refresh()
        for _ in range(READ_ATTEMPTS):
            site = ApiKeyAuthentication.authenticate(request, site_key, ApiScope.CHECK).site
            version, answers = check_batch(site, questions)
            if cache.observe(version):
                break
        return json_response({"answers": answers}, cache_control=NO_STORE)


RECEIPT_MEDIA_TYPE = "application/ld+json"


class ExportView(DownstreamView):
    scope = ApiScope.EXPORT

    @extend_schema(
        operation_id="export_user",
        summary="Data-subject access: every unexpired record of the user on this site",
        parameters=[schema.USER_ID, schema.EXPORT_FORMAT],
        responses={200: schema.EXPORT, **schema.errors(400, 401, 403)},
        tags=["downstream"],
    )
    def get(self, request: HttpRequest, site_key: str, user_id: str) -> HttpResponse:
        api_key = self.api_key(request, site_key, user_id)
        only(request.GET, {"format"})
        kind = str_param(request.GET, "format") or "json"
        if kind not in EXPORT_FORMATS:
            raise bad_request(f"'format' is one of {', '.join(EXPORT_FORMATS)}.", "format")
        _, body = subject_requests.answer_access(
            api_key.site, user_id, actor=key_actor(api_key), channel=RequestChannel.API, kind=kind
        )
        return json_response(body, cache_control=NO_STORE)


class ReceiptView(ApiView):
    """The visitor's own receipt, which the banner offers for download. A visitor id is no secret
    (downstream services, the feed and exports see it), so the receipt needs the proof that only
    the visitor's browser holds: the write token issued with the id (consent/visitors.py). A POST,
    so that the token travels in the body, never in a URL that logs and histories keep."""

    @extend_schema(
        operation_id="consent_receipt",
        summary="A visitor's receipt of their current choice (ISO/IEC TS 27560 JSON-LD), for their token",
        parameters=[schema.USER_ID],
        request=schema.RECEIPT_REQUEST,
        responses={(200, RECEIPT_MEDIA_TYPE): schema.RECEIPT, **schema.errors(400, 403, 404, 413, 415, 429)},
        tags=["banner"],
    )
    def post(self, request: HttpRequest, site_key: str, user_id: str) -> HttpResponse:
        site = get_site(site_key)
        if not USER_ID_PATTERN.fullmatch(user_id):
            raise bad_request(f"Not a user id: user ids are {USER_ID_DESCRIPTION}.", "user_id")
        only(request.GET, set())
        token = RECEIPT_BODY.parse(parse_json_body(read_body(request)))["write_token"]
        visitors.check(site.pk, user_id, token, refused=visitors.RECEIPT_REFUSED)
        record = services.current_record(site, user_id)
        if record is None:
            raise ApiError(
                404, "no_consent", "No unexpired consent is recorded for this visitor on this site."
            )
        response = json_response(receipt_document(site, record), cache_control=NO_STORE)
        response["Content-Type"] = RECEIPT_MEDIA_TYPE
        response["Content-Disposition"] = f'attachment; filename="consent-receipt-{site.key}.jsonld"'
        return response


class EraseView(DownstreamView):
    scope = ApiScope.ERASE

    @extend_schema(
        operation_id="erase_user",
        summary="Data-subject erasure: deletes the user's records and records the erasure",
        parameters=[schema.USER_ID],
        responses={200: schema.ERASED, **schema.errors(400, 401, 403)},
        tags=["downstream"],
    )
    def delete(self, request: HttpRequest, site_key: str, user_id: str) -> HttpResponse:
        api_key = self.api_key(request, site_key, user_id)
        handled, erasure = subject_requests.answer_erasure(
            api_key.site,
            user_id,
            actor=key_actor(api_key),
            channel=RequestChannel.API,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:1000],
            ip_address=client_address(request),
        )
        return json_response(
            {
                "erased": handled.records_found,
                "erasure_id": str(erasure.consent_id) if erasure else None,
                "recorded_at": erasure.created_at.isoformat() if erasure else None,
            },
            cache_control=NO_STORE,
        )


class ShownView(ApiView):
    """The banner's beacon: it was displayed (first time on a page view). Counted on the day's
    aggregate row; nothing about the visitor is read or kept."""

    @extend_schema(
        operation_id="banner_shown",
        summary="Count one display of the banner (a beacon; no identifier, nothing stored per visitor)",
        parameters=[LANG_PARAMETER],
        request=None,
        responses={204: None, **schema.errors(404, 429)},
        tags=["banner"],
    )
    def post(self, request: HttpRequest, site_key: str) -> HttpResponse:
        site = get_site(site_key)
        language = str_param(request.GET, "lang") or ""
        count_shown(site, language if language in site.languages else site.default_language)
        return HttpResponse(status=204)

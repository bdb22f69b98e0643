"""The one JSON view base of the API, and conditional GET.

`ApiView` is a DRF `APIView` only for drf-spectacular: the OpenAPI schema is generated from its
`@extend_schema` declarations, its `authentication_classes` (the security scheme) and its
`permission_classes` (whether a credential is optional). At run time it answers the plain Django
request itself: DRF's request wrapping, content negotiation and rendering cost as much as the rest
of a downstream read together (docs/PERFORMANCE.md, "HTTP load"), and the API speaks JSON only. So
each endpoint has exactly one implementation, and its schema is declared once, next to it.

Handlers take the Django `HttpRequest` and return an `HttpResponse` (`json_response`,
`conditional_response`) or raise `ApiError`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.views import APIView

from infra.errors import ApiError
from infra.json import render_json
from infra.middleware import PER_REQUEST


class ApiView(APIView):
    authentication_classes: ClassVar[list[type]] = []
    permission_classes: ClassVar[list[type[BasePermission]]] = [AllowAny]
    #: How the configuration version is checked for this view (infra/middleware.py).
    configuration_check: ClassVar[str] = PER_REQUEST

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:  # type: ignore[override]
        method = (request.method or "").lower()
        handler = getattr(self, method, None) if method in self.http_method_names else None
        if handler is None or method == "options":
            response = self._method_not_allowed(request, method)
        else:
            try:
                response = handler(request, *args, **kwargs)
            except ApiError as error:
                response = error.response()
        response["Allow"] = self.allow_header()
        return response

    @classmethod
    def allow_header(cls) -> str:
        methods = [m.upper() for m in cls.http_method_names if m != "options" and hasattr(cls, m)]
        return ", ".join(methods)

    def _method_not_allowed(self, request: HttpRequest, method: str) -> HttpResponse:
        if method == "options":
            return HttpResponse(status=204)
        return ApiError(
            405, "method_not_allowed", f"{request.method} is not allowed here; use {self.allow_header()}."
        ).response()


#: The attribute that keeps a response out of gzip (cmp/compression.py: an answer with a secret).
UNCOMPRESSED = "cmp_uncompressed"


def uncompressed(response: HttpResponse) -> HttpResponse:
    """`response`, marked to be sent uncompressed because it carries a secret (BREACH)."""
    setattr(response, UNCOMPRESSED, True)
    return response


class ApiKeyRequired(BasePermission):
    """Documents (for the schema) that an endpoint needs its API key: the view checks it itself."""


def json_response(data: Any, status: int = 200, *, cache_control: str | None = None) -> HttpResponse:
    body = data if isinstance(data, bytes) else render_json(data)
    response = HttpResponse(body, status=status, content_type="application/json")
    if cache_control:
        response["Cache-Control"] = cache_control
    return response


def conditional_response(
    request: HttpRequest,
    body: bytes,
    etag: str,
    *,
    cache_control: str,
    vary: tuple[str, ...] = (),
    content_type: str | None = None,
) -> HttpResponse:
    """200 with the body, or 304 when If-None-Match names this ETag (weak or strong, or `*`): Django's
    own conditional-GET rules (django.utils.cache.get_conditional_response).

    The ETag is sent weak (`W/"..."`): it names the content, whatever its encoding, so the gzip and
    the identity answers share it, and the 304 carries exactly the validator the 200 did (gzip
    would otherwise make the 200's weak and leave the 304's strong)."""
    etag = etag if etag.startswith("W/") else "W/" + etag
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = (
            json_response(body) if content_type is None else HttpResponse(body, content_type=content_type)
        )
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    if vary:
        patch_vary_headers(response, vary)
    return response

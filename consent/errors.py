"""The API's one error shape: {"error": {"code", "message", "field"?}} with a fitting 4xx status."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        return {"error": error}


def bad_request(message: str, field: str | None = None, code: str = "invalid") -> ApiError:
    return ApiError(400, code, message, field)


def not_found(message: str, code: str = "not_found") -> ApiError:
    return ApiError(404, code, message)


def error_response(error: ApiError) -> JsonResponse:
    return JsonResponse(error.body(), status=error.status)


_DRF_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "body_too_large",
    415: "unsupported_media_type",
    429: "throttled",
}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler for the consent views: our ApiError and DRF's own errors, same shape."""
    if isinstance(exc, ApiError):
        return Response(exc.body(), status=exc.status)
    if isinstance(exc, exceptions.APIException):
        status = exc.status_code
        detail = exc.detail
        message = str(detail)
        headers = {}
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            headers["WWW-Authenticate"] = "Api-Key"
        body = {"error": {"code": _DRF_CODES.get(status, "error"), "message": message}}
        return Response(body, status=status, headers=headers)
    return None

"""The API's one error type and one error shape: `{"error": {"code", "message", "field"?}}` with a
fitting status (docs/API.md). Views raise `ApiError`; the view base (infra/views.py) and the
middleware that answers before a view (413, 429, 503) render it the same way, so a banner reads every
error with one code path."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from infra.json import render_json


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        return {"error": error}

    def response(self) -> HttpResponse:
        response = HttpResponse(render_json(self.body()), status=self.status, content_type="application/json")
        for name, value in self.headers.items():
            response[name] = value
        # An error must never be stored by a shared cache and replayed to the next visitor.
        response["Cache-Control"] = "no-store"
        return response


def bad_request(message: str, field: str | None = None, code: str = "invalid") -> ApiError:
    return ApiError(400, code, message, field)


def not_found(message: str, code: str = "not_found") -> ApiError:
    return ApiError(404, code, message)


def json_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> HttpResponse:
    """The error answer of a middleware that refuses a request before any view runs."""
    return ApiError(status, code, message, headers=headers).response()

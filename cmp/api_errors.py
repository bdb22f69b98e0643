"""The JSON error body every API answer shares (docs/API.md): `{"error": {"code", "message"}}`.

Middleware answers (429, 413, 503) are built here so they look exactly like the views' own errors and
a banner can read them with the same code path.
"""

from __future__ import annotations

from django.http import JsonResponse


def json_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    # An error must never be stored by a shared cache and replayed to the next visitor.
    response["Cache-Control"] = "no-store"
    return response

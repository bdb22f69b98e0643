"""Refuses API request bodies over CMP_MAX_BODY_BYTES with 413 before anything reads them.

Django enforces DATA_UPLOAD_MAX_MEMORY_SIZE only when code reads `request.body`, and then with a
400; DRF's parsers read the WSGI stream directly and never hit that check. So the declared length is
checked here, up front, and the answer is the API's JSON error. A body sent without a length
(chunked) is not read by DRF at all, so it cannot be used to get round the limit.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from infra.errors import json_error

API_PREFIX = "/api/"


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            declared = request.META.get("CONTENT_LENGTH") or "0"
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            try:
                length = int(declared)
            except ValueError:
                return json_error(400, "bad_content_length", f"Content-Length {declared!r} is not a number.")
            if length < 0:
                return json_error(400, "bad_content_length", f"Content-Length {declared!r} is negative.")
            if limit is not None and length > limit:
                return json_error(
                    413,
                    "body_too_large",
                    f"The request body is {length} bytes; the limit is {limit} bytes.",
                )
        return self.get_response(request)

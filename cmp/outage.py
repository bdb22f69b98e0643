"""Turns "the database is unreachable" into 503 with Retry-After instead of a 500.

A consent POST that cannot be written must tell the banner to keep the choice and try again later
(the banner does: static/consent/cmp.js keeps it in localStorage and retries after Retry-After), and a
load balancer must see an outage, not a bug. Only connection-level errors are mapped: an
IntegrityError or a bad query is still a bug and still a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from infra.errors import json_error

logger = logging.getLogger(__name__)


class DatabaseOutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable while serving %s %s: %s", request.method, request.path, exception)
        retry_after = str(settings.CMP_DB_RETRY_AFTER_SECONDS)
        if request.path.startswith("/api/"):
            return json_error(
                503,
                "database_unavailable",
                "The consent store is temporarily unavailable; nothing was recorded. Retry later.",
                {"Retry-After": retry_after},
            )
        response = HttpResponse(
            "Service temporarily unavailable; retry later.\n", status=503, content_type="text/plain"
        )
        response["Retry-After"] = retry_after
        return response

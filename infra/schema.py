"""OpenAPI pieces every app's API shares (drf-spectacular): the error body."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ERROR = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorDetail",
            {
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "field": serializers.CharField(required=False),
            },
        )
    },
)


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """The error answers of an operation; every operation may also answer 503 while the database
    is unreachable (cmp/outage.py), or while the rate limiter is and CMP_RATE_LIMIT_FAIL_CLOSED is set."""
    return {status: OpenApiResponse(ERROR) for status in (*statuses, 503)}


NOT_MODIFIED = OpenApiResponse(description="Not modified: the If-None-Match ETag still matches.")

"""`GET /healthz`: whether this node can reach what it needs to serve traffic.

Load balancers and the compose health check call it. The database is always checked; Redis only
when REDIS_URL is configured, since without it the node runs on local memory and eager tasks.
"""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from infra.middleware import reads_no_configuration


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the message says which
        return f"{type(exc).__name__}: {exc}".strip()
    return None


def check_redis() -> str | None:
    timeout = settings.CMP_HEALTH_REDIS_TIMEOUT
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout
        )
        client.ping()
    except redis.RedisError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@reads_no_configuration
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, dict[str, str]] = {}
    failures: list[str] = []
    probes = {"database": check_database}
    if settings.REDIS_URL:
        probes["redis"] = check_redis
    for name, probe in probes.items():
        error = probe()
        if error is None:
            checks[name] = {"status": "ok"}
        else:
            checks[name] = {"status": "error", "error": error}
            failures.append(name)
    if failures:
        return JsonResponse({"status": "error", "failing": failures, "checks": checks}, status=503)
    return JsonResponse({"status": "ok", "checks": checks})

"""`GET /healthz`: whether this node can reach what it needs to serve traffic.

Load balancers and the compose health check call it. The database is always checked; Redis only
when REDIS_URL is configured, since without it the node runs on local memory and eager tasks.
Anyone gets only `{"status": "ok"}` or `{"status": "error"}` (503): the failing checks' messages
name hosts, roles and ports. Signed-in staff, or a caller with `Authorization: Bearer
<CMP_HEALTH_TOKEN>`, get the details.
"""

from __future__ import annotations

import hmac

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


def may_see_details(request: HttpRequest) -> bool:
    token = settings.CMP_HEALTH_TOKEN
    if token and hmac.compare_digest(
        request.headers.get("Authorization", "").encode(), f"Bearer {token}".encode()
    ):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_staff)


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
    body: dict[str, object] = {"status": "error" if failures else "ok"}
    if may_see_details(request):
        body["checks"] = checks
        if failures:
            body["failing"] = failures
    return JsonResponse(body, status=503 if failures else 200)

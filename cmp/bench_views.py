"""The floor the load figures are measured against (bench/http_load.py).

Routed only when CMP_BENCH_BARE_VIEW=1. It goes through the same middleware, WSGI server and
workers as the real endpoints but does no work of its own, so "endpoint throughput / bare view
throughput" is the share of the framework's ceiling an endpoint keeps.
"""

from django.http import HttpRequest, JsonResponse


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})

"""Checks the configuration version once per request, before the view reads any configuration."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from infra.config import cache

#: A view's `configuration_check`: the default; the view reads the version inside its own statement
#: (one round trip instead of two on the busiest endpoints); the view reads no configuration.
PER_REQUEST, OWN, NONE = "per_request", "own", "none"


class ConfigVersionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, args: Any, kwargs: Any) -> None:
        owner = getattr(view_func, "view_class", view_func)
        if getattr(owner, "configuration_check", PER_REQUEST) == PER_REQUEST:
            cache.refresh()


def reads_no_configuration(view: Any) -> Any:
    """Marks a function view that needs no configuration check (the health check)."""
    view.configuration_check = NONE
    return view

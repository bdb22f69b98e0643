"""Every console view is reached through `site_view`: the signed-in staff user must hold the right
on the site (sites/access.py), or the site does not exist for them (404, not 403: a site key is not
disclosed to someone who may not see it)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from sites.access import has_right
from sites.models import Site


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return wrapped


def site_view(right: str = "view") -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """The view gets the Site instead of its key, once the user is known to hold `right` on it."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @staff_required
        @wraps(view)
        def wrapped(request: HttpRequest, site_key: str, *args: Any, **kwargs: Any) -> HttpResponse:
            site = get_object_or_404(Site, key=site_key)
            if not has_right(request.user, site, right):
                raise Http404("No such site.")
            return view(request, site, *args, **kwargs)

        return wrapped

    return decorate

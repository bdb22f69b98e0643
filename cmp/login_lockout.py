"""Admin sign-in lockout, by django-axes (the AXES_* settings in cmp/settings.py).

Failed sign-ins are counted per username (whatever address they come from) and per client address
(whatever username they name), in the cache: Redis in production, so every worker shares the
counts. Once either count reaches CMP_ADMIN_LOGIN_MAX_FAILURES, sign-in is refused for that
username, or from that address, for CMP_ADMIN_LOGIN_LOCKOUT_SECONDS after the last counted failure,
even with the right password; the answer is a 429 page that says when to try again. Attempts during
the lockout are not counted, so the time on that page holds. A successful sign-in clears the
counts of its username and address.

What axes keeps: cache keys that are SHA-256 digests of the username and of an HMAC of the address
(IPv6: its /64), which expire with the lockout. Axes never sees the address itself: the client
address it is given is that HMAC, so neither its cache keys nor its log lines hold an IP address
(docs/PRIVACY.md). Its database tables stay empty: this handler writes none.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.handlers.cache import AxesCacheHandler
from axes.helpers import get_cache
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from redis.exceptions import RedisError

from cmp.ratelimit import address_subject
from infra.http import client_address


def client_subject(request: HttpRequest) -> str:
    """What axes knows of the client's address: its HMAC, the same one the rate limits count by."""
    return address_subject(client_address(request))


def failure_limit(request: HttpRequest, credentials: Any) -> int:
    return int(settings.CMP_ADMIN_LOGIN_MAX_FAILURES)


def cool_off(request: HttpRequest | None) -> timedelta:
    return timedelta(seconds=settings.CMP_ADMIN_LOGIN_LOCKOUT_SECONDS)


class _CountsThroughOutages:
    """The cache as axes' handler uses it, made to keep sign-in working, unthrottled, while Redis is
    down (docs/SECURITY.md): the cache ignores its errors then (cmp/settings.py, CACHES), but an
    increment it dropped answers None, which axes compares with an int, and django-redis 7 lets the
    connection error of `touch` through. Both count as nothing done."""

    def __init__(self, cache: Any) -> None:
        self._cache = cache

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cache, name)

    def incr(self, key: str, delta: int = 1) -> int:
        value = self._cache.incr(key=key, delta=delta)
        return 0 if value is None else int(value)

    def touch(self, key: str, timeout: Any = None) -> bool:
        try:
            return bool(self._cache.touch(key=key, timeout=timeout))
        except RedisError:
            return False


class LockoutHandler(AxesCacheHandler):
    # axes makes one handler per process; the cache is looked up on each use (per thread, as Django's
    # `caches` are) rather than kept from the first.
    def __init__(self) -> None:
        pass

    @property
    def cache(self) -> Any:  # type: ignore[override]
        return _CountsThroughOutages(get_cache())


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The notice a locked-out sign-in gets: when it may be tried again, as a time and as Retry-After.
    The lockout ends at the latest one cool-off after now (attempts during it are not counted)."""
    seconds = int(settings.CMP_ADMIN_LOGIN_LOCKOUT_SECONDS)
    retry_at = timezone.now() + timedelta(seconds=seconds)
    minutes = max(1, -(-seconds // 60))
    context = {
        "title": gettext("Sign-in locked"),
        "notice": gettext(
            "Too many failed sign-ins for this account or from this network. Sign-in is locked for at "
            "most %(minutes)s minutes: try again after %(time)s UTC."
        )
        % {"minutes": minutes, "time": retry_at.strftime("%H:%M")},
        "retry_at": retry_at,
        "login_url": reverse("admin:login"),
    }
    response = render(request, "admin/login_locked.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response

"""Throttles password guessing on the admin login.

Failed logins are counted per (client address, username) and per client address alone, in the
cache (Redis in production), for CMP_ADMIN_LOGIN_LOCKOUT_SECONDS from the first failure. Once either
count reaches its limit, further login POSTs from that address (for that username, or for any
username) get 429 with Retry-After, without checking the password, until the window ends. A
successful login clears the per-username count. Addresses and usernames are stored as HMACs only.

If the cache is unreachable the counts read as zero (the cache ignores errors), so logins keep
working during a Redis outage, unthrottled; docs/SECURITY.md records that trade-off.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from cmp.ratelimit import address_subject
from infra.http import client_address


def _username_subject(username: str) -> str:
    normalised = username.strip().lower().encode()
    return hmac.new(settings.SECRET_KEY.encode(), normalised, hashlib.sha256).hexdigest()[:24]


def _keys(request: HttpRequest, username: str) -> tuple[str, str]:
    address = address_subject(client_address(request))
    prefix = f"{settings.CMP_RATE_LIMIT_KEY_PREFIX}:login"
    return f"{prefix}:ip:{address}", f"{prefix}:user:{address}:{_username_subject(username)}"


def _count(key: str) -> int:
    return int(cache.get(key) or 0)


def _add_failure(key: str) -> None:
    window = settings.CMP_ADMIN_LOGIN_LOCKOUT_SECONDS
    if not cache.add(key, 1, timeout=window):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.set(key, 1, timeout=window)


@receiver(user_login_failed)
def count_failed_login(sender, credentials, request=None, **kwargs) -> None:
    if request is None:
        return
    address_key, user_key = _keys(request, str(credentials.get("username", "")))
    _add_failure(address_key)
    _add_failure(user_key)


@receiver(user_logged_in)
def clear_failed_logins(sender, request=None, user=None, **kwargs) -> None:
    if request is None or user is None:
        return
    cache.delete(_keys(request, user.get_username())[1])


class AdminLoginThrottleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._login_path: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            if self._login_path is None:
                self._login_path = reverse("admin:login")
            if request.path == self._login_path and self._locked_out(request):
                lockout = settings.CMP_ADMIN_LOGIN_LOCKOUT_SECONDS
                minutes = max(1, lockout // 60)
                response = HttpResponse(
                    f"Too many failed logins from this address. Try again in {minutes} minute(s).\n",
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(lockout)
                return response
        return self.get_response(request)

    @staticmethod
    def _locked_out(request: HttpRequest) -> bool:
        address_key, user_key = _keys(request, request.POST.get("username", ""))
        return (
            _count(user_key) >= settings.CMP_ADMIN_LOGIN_MAX_FAILURES
            or _count(address_key) >= settings.CMP_ADMIN_LOGIN_MAX_FAILURES_PER_ADDRESS
        )

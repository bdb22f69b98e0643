"""Rate limits on the public API, per client address and per site, counted in Redis.

What is limited: the endpoints anyone on the internet can call without a key, i.e. a site's
`banner`, `vendors` and `consents`, `POST /api/v1/tcf/decode`, the GVL read API (`/api/v1/gvl/*`,
up to ~650 KB an answer) and `/healthz`, per address; a site's endpoints also per site.

The address comes first: a request over its address's limit is refused without touching the site's
budget, so one client (one IPv4 address, one IPv6 /64) can spend at most its own limit of a site's
budget per window, and exhausting a site for its real visitors takes many clients at once.
Downstream reads carry a site API key and are left to the key owner's own traffic (one ad server
may legitimately check thousands of users a second from one address).

How: fixed windows (CMP_RATE_LIMIT_*_WINDOW_SECONDS) counted in Redis by a Lua script, which
increments every counter it is given and sets the expiry of new ones atomically, in one round trip.
A process does not make that round trip for every request (it cost as much CPU as the rest of a
consent POST's framework work; docs/PERFORMANCE.md, "HTTP load"): it adds hits to its own tally and
sends the tally when one key has gathered its burst of unsent hits, or when SYNC_SECONDS have passed
since its last exchange; each exchange brings back every sent key's total across all processes. A
key's count is what Redis last said plus this process's unsent hits, so one process alone never
exceeds a limit, and all processes together exceed it by at most (processes x (burst - 1)) requests
per window. A key's burst is CMP_RATE_LIMIT_LOCAL_BURST, or 1/32 of its limit where that is less
(so with four workers a limit is exceeded by at most an eighth); a burst of 1 sends every hit at
once, an exact shared counter. Without REDIS_URL the counters live in the local cache (per process; fine
for one development server). A request over either limit gets 429 with Retry-After (the seconds
left in the window) and the API's JSON error body.

Addresses are never stored: the counter key is an HMAC of the address under SECRET_KEY, and IPv6
addresses are cut to their /64 first (one subscriber owns a whole /64, so counting single addresses
would be trivially evaded).

When Redis is unreachable (found at an exchange) the limiter FAILS OPEN by default: the request is
served uncounted, a warning is logged (once per back-off period), and Redis is not asked again for
CMP_RATE_LIMIT_BACKOFF_SECONDS so an outage does not add a connect timeout to every request. A
consent POST always fails open, whatever the setting: losing a visitor's choice is worse than letting
a burst through, and the per-request cost of recording stays bounded by the body size limit. With
CMP_RATE_LIMIT_FAIL_CLOSED=1 the other public endpoints answer 503 with Retry-After instead.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from infra.errors import json_error
from infra.http import client_address

logger = logging.getLogger(__name__)

SITE_PATH = re.compile(
    r"^/api/v1/sites/(?P<site_key>[^/]+)/(?P<endpoint>banner|requirements|preferences|vendors|consents|shown|users/[^/]+/receipt)/?$"
)
DECODE_PATH = re.compile(r"^/api/v1/tcf/decode/?$")
# Public reads that have no site: limited per address only.
ADDRESS_ONLY_PATH = re.compile(r"^(?:/api/v1/gvl/.*|/healthz)$")

# INCRBY each key by its unsent hits (ARGV[1..n]); give a key its window (ARGV[n+1..2n]) as expiry
# when this exchange created it. Atomic, one round trip, returns the keys' totals.
COUNT_SCRIPT = """
local n = #KEYS
local totals = {}
for i, key in ipairs(KEYS) do
  local hits = tonumber(ARGV[i])
  local total = redis.call('INCRBY', key, hits)
  if total == hits then redis.call('EXPIRE', key, tonumber(ARGV[n + i])) end
  totals[i] = total
end
return totals
"""
# Longest a process keeps hits unsent, and most keys it keeps unsent, before an exchange.
SYNC_SECONDS = 1.0
MAX_UNSENT_KEYS = 1000
# A key's burst is at most this fraction of its limit.
BURST_SHARE_OF_LIMIT = 32


class LimiterUnavailable(Exception):
    """The counter store could not be reached."""


@dataclass(frozen=True)
class Limit:
    scope: str  # "ip" or "site", also the first part of the counter key
    subject: str  # hashed address or site key
    allowed: int
    window: int

    def key(self, now: float) -> str:
        prefix = settings.CMP_RATE_LIMIT_KEY_PREFIX
        return f"{prefix}:{self.scope}:{self.subject}:{int(now // self.window)}"

    @property
    def burst(self) -> int:
        """Hits a process may count on this key before it tells Redis (module docstring)."""
        return max(1, min(settings.CMP_RATE_LIMIT_LOCAL_BURST, self.allowed // BURST_SHARE_OF_LIMIT))

    def retry_after(self, now: float) -> int:
        return max(1, math.ceil(self.window - (now % self.window)))


def address_subject(address: str) -> str:
    return _address_subject(settings.SECRET_KEY, address)


@functools.lru_cache(maxsize=4096)
def _address_subject(secret_key: str, address: str) -> str:
    """Memoised: one address sends several requests in a row, and the parse and HMAC cost more than
    the rest of the limiter's work for a request."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        normalised = address
    else:
        mapped = parsed.ipv4_mapped if isinstance(parsed, ipaddress.IPv6Address) else None
        if mapped is not None:
            normalised = str(mapped)
        elif parsed.version == 6:
            normalised = str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
        else:
            normalised = str(parsed)
    digest = hmac.new(secret_key.encode(), normalised.encode(), hashlib.sha256)
    return digest.hexdigest()[:24]


class Counter:
    """Counts hits per key: batched through Redis when configured (module docstring), else exactly
    in the local cache."""

    def __init__(self) -> None:
        self._script = None
        self._down_until = 0.0
        self._synced_at = 0.0
        # key -> hits not yet sent; key -> (window, end of the window as wall time)
        self._unsent: dict[str, int] = {}
        self._windows: dict[str, tuple[int, float]] = {}
        # key -> the total across processes that Redis returned at the last exchange
        self._known: dict[str, int] = {}

    def _redis_script(self):
        if self._script is None:
            from django_redis import get_redis_connection

            self._script = get_redis_connection("default").register_script(COUNT_SCRIPT)
        return self._script

    def hit(self, limits: list[Limit], now: float) -> list[int]:
        """Counts one hit on each limit's key; returns each key's count so far in its window, this
        hit included (other processes' hits as of the last exchange)."""
        keys = [limit.key(now) for limit in limits]
        if not settings.REDIS_URL:
            return [self._hit_local(key, limit.window) for key, limit in zip(keys, limits, strict=True)]
        monotonic = time.monotonic()
        if monotonic < self._down_until:
            raise LimiterUnavailable("Redis was unreachable moments ago; not retrying yet")
        exchange = monotonic - self._synced_at >= SYNC_SECONDS or len(self._unsent) >= MAX_UNSENT_KEYS
        for key, limit in zip(keys, limits, strict=True):
            unsent = self._unsent.get(key, 0) + 1
            self._unsent[key] = unsent
            if key not in self._windows:
                self._windows[key] = (limit.window, (now // limit.window + 1) * limit.window)
            exchange = exchange or unsent >= limit.burst
        if exchange:
            self._exchange(monotonic, now)
        return [self._known.get(key, 0) + self._unsent.get(key, 0) for key in keys]

    def _exchange(self, monotonic: float, now: float) -> None:
        import redis

        keys = list(self._unsent)
        args = [self._unsent[key] for key in keys] + [self._windows[key][0] for key in keys]
        try:
            totals = self._redis_script()(keys=keys, args=args)
        except (redis.RedisError, OSError) as exc:
            self._down_until = monotonic + settings.CMP_RATE_LIMIT_BACKOFF_SECONDS
            logger.warning(
                "Rate limiter cannot reach Redis (%s); failing %s for %s s",
                exc,
                "closed" if settings.CMP_RATE_LIMIT_FAIL_CLOSED else "open",
                settings.CMP_RATE_LIMIT_BACKOFF_SECONDS,
            )
            raise LimiterUnavailable(str(exc)) from exc
        self._unsent.clear()
        self._synced_at = monotonic
        for key, total in zip(keys, totals, strict=True):
            self._known[key] = int(total)
        # Windows that have ended are of no further use: their keys expire in Redis too.
        for key in [key for key, (_, end) in self._windows.items() if end <= now]:
            del self._windows[key]
            self._known.pop(key, None)

    @staticmethod
    def _hit_local(key: str, window: int) -> int:
        cache.add(key, 0, timeout=window)
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            return 1


def limits_for(request: HttpRequest) -> tuple[list[Limit], bool] | None:
    """The limits that apply to this request and whether it records a consent, or None."""
    path = request.path
    site_match = SITE_PATH.match(path)
    if site_match is None and DECODE_PATH.match(path) is None and ADDRESS_ONLY_PATH.match(path) is None:
        return None
    limits: list[Limit] = []
    per_ip = settings.CMP_RATE_LIMIT_PER_IP
    if per_ip > 0:
        limits.append(
            Limit(
                "ip",
                address_subject(client_address(request)),
                per_ip,
                settings.CMP_RATE_LIMIT_IP_WINDOW_SECONDS,
            )
        )
    per_site = settings.CMP_RATE_LIMIT_PER_SITE
    if site_match is not None and per_site > 0:
        site_key = site_match.group("site_key")[:64]
        limits.append(Limit("site", site_key, per_site, settings.CMP_RATE_LIMIT_SITE_WINDOW_SECONDS))
    records_consent = site_match is not None and site_match.group("endpoint") == "consents"
    return limits, records_consent and request.method == "POST"


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.counter = Counter()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "OPTIONS":  # CORS preflights are answered before this, and cost nothing
            return self.get_response(request)
        applicable = limits_for(request)
        if applicable is None or not applicable[0]:
            return self.get_response(request)
        limits, records_consent = applicable
        now = time.time()
        try:
            # The address's limits first; the site's budget is counted only for requests within them.
            by_address = [limit for limit in limits if limit.scope == "ip"]
            counts = self.counter.hit(by_address, now) if by_address else []
            refused = any(count > limit.allowed for limit, count in zip(by_address, counts, strict=True))
            if not refused:
                by_site = [limit for limit in limits if limit.scope != "ip"]
                if by_site:
                    counts = [*counts, *self.counter.hit(by_site, now)]
                    by_address += by_site
            limits = by_address
        except LimiterUnavailable:
            if settings.CMP_RATE_LIMIT_FAIL_CLOSED and not records_consent:
                return json_error(
                    503,
                    "rate_limiter_unavailable",
                    "The service cannot check its rate limits right now; retry shortly.",
                    {"Retry-After": str(settings.CMP_RATE_LIMIT_BACKOFF_SECONDS)},
                )
            return self.get_response(request)
        for limit, count in zip(limits, counts, strict=True):
            if count > limit.allowed:
                who = "this address" if limit.scope == "ip" else "this site"
                retry_after = limit.retry_after(now)
                return json_error(
                    429,
                    "rate_limited",
                    f"Too many requests for {who}: the limit is {limit.allowed} per {limit.window} s. "
                    f"Retry after {retry_after} s.",
                    {"Retry-After": str(retry_after)},
                )
        return self.get_response(request)

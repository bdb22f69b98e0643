"""Fixtures for the hardening tests: isolated rate-limit counters, a Redis that is not there, and
helpers to run the real service (gunicorn) and real throwaway Redis/PostgreSQL servers."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def isolated_rate_limits(settings):
    """Each test counts in its own key space, so counts never leak between tests or parallel runs."""
    settings.CMP_RATE_LIMIT_KEY_PREFIX = f"test-rl:{uuid.uuid4().hex}"
    return settings.CMP_RATE_LIMIT_KEY_PREFIX


def redis_cache_settings(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }


@pytest.fixture
def point_redis_at(settings):
    """`point_redis_at(url)` makes the application use that Redis as cache and rate-limit store."""

    def apply(url: str) -> None:
        settings.REDIS_URL = url
        settings.CACHES = redis_cache_settings(url)

    return apply


@pytest.fixture
def redis_down(point_redis_at, unused_port):
    """The application configured with a Redis on a port where nothing listens."""
    url = f"redis://127.0.0.1:{unused_port}/5"
    point_redis_at(url)
    return url


def stored_key_names() -> list[str]:
    """Every key the default cache holds right now, whichever backend it is."""
    cache = caches["default"]
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):
        return [str(key) for key in cache._cache]
    from django_redis import get_redis_connection

    return [key.decode() for key in get_redis_connection("default").scan_iter(count=1000)]


@pytest.fixture
def cache_key_names():
    return stored_key_names

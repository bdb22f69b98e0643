"""Fixtures of the sites app's tests (the catalogue, sites and the HTTP helper are in tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _isolated(no_rate_limits: None) -> None:
    """Every test here without rate limits (tests/conftest.py)."""


@pytest.fixture
def admin_client(client: Any, db: Any) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("root", "root@example.com", "a-long-password-1")
    client.force_login(user)
    return client

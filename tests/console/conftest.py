"""Fixtures of the console tests: staff users with a role on a site."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _isolated(no_rate_limits: None) -> None:
    """Every test here without rate limits (tests/conftest.py)."""


@pytest.fixture
def member():
    """`member(site, role)` -> a staff user (no superuser) with that role on the site."""
    from django.contrib.auth import get_user_model

    from sites.models import SiteMember

    def make(site: Any, role: str = "owner", username: str | None = None) -> Any:
        user = get_user_model().objects.create_user(
            username=username or f"{role}-of-{site.key}", password="pw-for-tests", is_staff=True
        )
        SiteMember.objects.create(site=site, user=user, role=role)
        return user

    return make

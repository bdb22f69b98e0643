"""Fixtures of the sites app's tests (the catalogue, sites and the HTTP helper are in tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _isolated(settings: Any) -> None:
    # Rate limits belong to the hardening tests; here many requests come from one address.
    settings.CMP_RATE_LIMIT_PER_IP = 0
    settings.CMP_RATE_LIMIT_PER_SITE = 0

"""Fixtures of the sites app's tests (the catalogue, sites and the HTTP helper are in tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated(no_rate_limits: None) -> None:
    """Every test here without rate limits (tests/conftest.py)."""

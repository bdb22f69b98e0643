"""Fixtures of the console tests: staff users with a role on a site."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _isolated(settings: Any) -> None:
    # Rate limits belong to the hardening tests; here many requests come from one address.
    settings.CMP_RATE_LIMIT_PER_IP = 0
    settings.CMP_RATE_LIMIT_PER_SITE = 0


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


def make_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour (zlib and CRCs as the format wants), without an imaging library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def png():
    return make_png

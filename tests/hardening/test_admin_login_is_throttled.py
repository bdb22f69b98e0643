"""Password guessing on /admin/login/ is cut off after CMP_ADMIN_LOGIN_MAX_FAILURES failures."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model


def attempt(client, username: str, password: str, address: str = "192.0.2.50"):
    return client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("boss", "boss@example.com", "correct horse battery")


def test_failures_lock_the_username_for_that_address(client, settings, admin_user):
    settings.CMP_ADMIN_LOGIN_MAX_FAILURES = 3
    settings.CMP_ADMIN_LOGIN_LOCKOUT_SECONDS = 600
    for _ in range(3):
        assert attempt(client, "boss", "wrong").status_code == 200  # the form again, with an error
    locked = attempt(client, "boss", "correct horse battery")
    assert locked.status_code == 429
    assert locked["Retry-After"] == "600"
    # Another address is not locked out of the same account.
    assert attempt(client, "boss", "correct horse battery", address="192.0.2.51").status_code == 302


def test_many_usernames_from_one_address_are_cut_off_too(client, settings, admin_user):
    settings.CMP_ADMIN_LOGIN_MAX_FAILURES = 100
    settings.CMP_ADMIN_LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    for n in range(4):
        assert attempt(client, f"user{n}", "guess").status_code == 200
    assert attempt(client, "boss", "correct horse battery").status_code == 429


def test_a_successful_login_clears_the_count(client, settings, admin_user):
    settings.CMP_ADMIN_LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        attempt(client, "boss", "wrong")
    assert attempt(client, "boss", "correct horse battery").status_code == 302
    client.logout()
    for _ in range(2):
        assert attempt(client, "boss", "wrong").status_code == 200
    assert attempt(client, "boss", "correct horse battery").status_code == 302

"""Password guessing on /admin/login/ (django-axes, cmp/login_lockout.py): after
CMP_ADMIN_LOGIN_MAX_FAILURES wrong passwords an account is locked, from every address and even for
the right password, with a notice that says when to try again; other accounts are not; one address
trying many usernames is cut off too; and nothing axes keeps holds the address."""

from __future__ import annotations

import logging
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

PASSWORD = "correct horse battery"


def attempt(client, username: str, password: str, address: str):
    return client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def fresh_address() -> str:
    """An address no earlier run counted failures for (the counts outlive a test in Redis)."""
    return f"2001:db8:{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}::1"


@pytest.fixture
def accounts(db):
    """Two staff accounts with unique names, so counts left in a shared Redis cannot meet them."""
    make = get_user_model().objects.create_superuser
    tag = uuid.uuid4().hex[:8]
    return make(f"boss-{tag}", "boss@example.com", PASSWORD), make(f"clerk-{tag}", "c@example.com", PASSWORD)


def test_wrong_passwords_lock_the_account_from_every_address_even_for_the_right_password(
    client, settings, accounts
):
    settings.CMP_ADMIN_LOGIN_MAX_FAILURES = 3
    settings.CMP_ADMIN_LOGIN_LOCKOUT_SECONDS = 600
    boss, clerk = accounts
    # The attack of the review: each guess from another address.
    for _ in range(2):
        assert attempt(client, boss.username, "wrong", fresh_address()).status_code == 200  # the form again
    # The third failure answers with the lockout notice.
    assert attempt(client, boss.username, "wrong", fresh_address()).status_code == 429

    locked = attempt(client, boss.username, PASSWORD, fresh_address())
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert locked["Retry-After"] == "600"
    notice = locked.content.decode()
    assert "Too many failed sign-ins" in notice
    retry_at = re.search(r"try again after (\d\d:\d\d) UTC", notice)
    assert retry_at, notice
    assert "at most 10 minutes" in notice

    # Guessing on during the lockout does not prolong it or get through.
    assert attempt(client, boss.username, PASSWORD, fresh_address()).status_code == 429

    # Another account signs in as usual.
    assert attempt(client, clerk.username, PASSWORD, fresh_address()).status_code == 302


def test_one_address_trying_many_usernames_is_cut_off(client, settings, accounts):
    settings.CMP_ADMIN_LOGIN_MAX_FAILURES = 4
    boss, _ = accounts
    address = fresh_address()
    for n in range(3):
        assert attempt(client, f"guess-{uuid.uuid4().hex[:6]}-{n}", "guess", address).status_code == 200
    assert attempt(client, f"guess-{uuid.uuid4().hex[:6]}", "guess", address).status_code == 429
    assert attempt(client, boss.username, PASSWORD, address).status_code == 429
    # The account itself was never named, so it works from elsewhere.
    assert attempt(client, boss.username, PASSWORD, fresh_address()).status_code == 302


def test_a_successful_sign_in_clears_the_count(client, settings, accounts):
    settings.CMP_ADMIN_LOGIN_MAX_FAILURES = 3
    boss, _ = accounts
    address = fresh_address()
    for _ in range(2):
        attempt(client, boss.username, "wrong", address)
    assert attempt(client, boss.username, PASSWORD, address).status_code == 302
    client.logout()
    for _ in range(2):
        assert attempt(client, boss.username, "wrong", address).status_code == 200
    assert attempt(client, boss.username, PASSWORD, address).status_code == 302


def test_what_axes_keeps_and_logs_holds_no_address(client, settings, accounts, caplog, cache_key_names):
    from axes.models import AccessAttempt, AccessLog

    settings.CMP_ADMIN_LOGIN_MAX_FAILURES = 2
    boss, _ = accounts
    address = "203.0.113.77"
    cache.clear()
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            attempt(client, boss.username, "wrong", address)
    assert attempt(client, boss.username, PASSWORD, address).status_code == 429
    assert not AccessAttempt.objects.exists()
    assert not AccessLog.objects.exists()
    assert "203.0.113" not in caplog.text
    assert boss.username not in caplog.text
    assert "AXES" in caplog.text  # axes did log, without either
    keys = cache_key_names()
    assert [key for key in keys if "axes-" in key], keys
    assert not [key for key in keys if "203.0.113" in key or boss.username in key]


def test_sign_in_works_unthrottled_while_redis_is_down(client, settings, accounts, redis_down):
    settings.CMP_ADMIN_LOGIN_MAX_FAILURES = 2
    boss, _ = accounts
    address = fresh_address()
    for _ in range(4):
        assert attempt(client, boss.username, "wrong", address).status_code == 200
    assert attempt(client, boss.username, PASSWORD, address).status_code == 302

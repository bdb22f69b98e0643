"""Misconfiguration stops start-up with a message that names the variable to fix."""

import pytest


@pytest.fixture
def check(manage):
    return lambda env: manage("check", env=env, timeout=60)


def test_missing_secret_key_outside_debug_is_refused(check):
    result = check({"DEBUG": "0", "SECRET_KEY": "", "ALLOWED_HOSTS": "x"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_missing_hmac_key_outside_debug_is_refused(check):
    result = check({"DEBUG": "0", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "x", "CMP_CONSENT_HMAC_KEY": ""})
    assert result.returncode != 0
    assert "CMP_CONSENT_HMAC_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        (
            "CMP_CONSENT_LIFETIME_DAYS",
            "two years",
            "CMP_CONSENT_LIFETIME_DAYS='two years' is not a whole number",
        ),
        ("CMP_ID", "1", "CMP_ID=1 is below the minimum of 2"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL='mysql://x/y' must be a URL"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL='localhost:6379' must be a URL"),
        ("CMP_DB_PREPARE_THRESHOLD", "often", "CMP_DB_PREPARE_THRESHOLD='often' is not a whole number"),
        ("CMP_RATE_LIMIT_LOCAL_BURST", "0", "CMP_RATE_LIMIT_LOCAL_BURST=0 is below the minimum of 1"),
    ],
)
def test_malformed_values_name_the_variable(check, variable, value, message):
    result = check({variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_debug_runs_without_any_secret(check):
    result = check({"SECRET_KEY": "", "CMP_CONSENT_HMAC_KEY": ""})
    assert result.returncode == 0, result.stderr

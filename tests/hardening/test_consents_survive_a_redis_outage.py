"""With Redis unreachable, consents are still recorded and read: the cache misses, and the rate
limiter fails open (documented in docs/SECURITY.md). With CMP_RATE_LIMIT_FAIL_CLOSED=1 the other
public endpoints answer 503 instead, but a consent POST is still recorded."""

from __future__ import annotations

import time

import pytest
import redis

from sites.setup import DEMO_ORIGINS

CONSENTS = "/api/v1/sites/demo/consents"


def record(client, visitor=None, **body):
    """A choice from the demo page: a new visitor's, or a later one of `visitor` (a first answer)."""
    if visitor is not None:
        body.update(user_id=visitor["user_id"], write_token=visitor["write_token"])
    return client.post(
        CONSENTS, {"action": "accept_all", **body}, content_type="application/json",
        headers={"Origin": DEMO_ORIGINS[0]},
    )  # fmt: skip


def read(client, api_key, user_id):
    return client.get(
        f"/api/v1/sites/demo/users/{user_id}/consent", headers={"Authorization": f"Api-Key {api_key}"}
    )


def test_consent_is_recorded_and_read_while_redis_is_unreachable(
    client, settings, redis_down, demo_site, api_key
):
    settings.CMP_RATE_LIMIT_PER_IP = 2  # would refuse the third request if anything were counted
    created = record(client)
    assert created.status_code == 201, created.content
    again = record(client, created.json(), action="reject_all")
    assert again.status_code == 201
    assert record(client).status_code == 201  # over the limit, but nothing can count it: fail open
    current = read(client, api_key, created.json()["user_id"])
    assert current.status_code == 200
    assert current.json()["consent_id"] == again.json()["consent_id"]
    assert client.get("/api/v1/sites/demo/banner?lang=en").status_code == 200


def test_fail_closed_refuses_other_public_endpoints_but_never_a_consent(
    client, settings, redis_down, demo_site
):
    settings.CMP_RATE_LIMIT_FAIL_CLOSED = True
    refused = client.post("/api/v1/tcf/decode", {"tc_string": "CQ"}, content_type="application/json")
    assert refused.status_code == 503
    assert int(refused["Retry-After"]) >= 1
    assert refused.json()["error"]["code"] == "rate_limiter_unavailable"
    assert client.get("/api/v1/sites/demo/banner").status_code == 503
    assert record(client).status_code == 201


def redis_keys(url: str, prefix: str) -> list[bytes]:
    return list(redis.Redis.from_url(url, socket_timeout=1).scan_iter(match=f"{prefix}*"))


@pytest.mark.slow
def test_redis_killed_mid_run_loses_no_consent_and_limits_resume(
    client, settings, point_redis_at, throwaway_redis, demo_site, api_key, isolated_rate_limits
):
    point_redis_at(throwaway_redis.url)
    settings.CMP_RATE_LIMIT_PER_IP = 1000
    settings.CMP_RATE_LIMIT_BACKOFF_SECONDS = 1
    first = record(client)
    assert first.status_code == 201
    assert redis_keys(throwaway_redis.url, isolated_rate_limits), "requests were not counted in Redis"
    user_id = first.json()["user_id"]

    throwaway_redis.kill()
    during = [
        record(client, first.json(), action=action) for action in ("reject_all", "accept_all", "withdraw")
    ]
    assert [r.status_code for r in during] == [201, 201, 201]
    current = read(client, api_key, user_id)
    assert current.status_code == 200
    assert current.json()["consent_id"] == during[-1].json()["consent_id"]

    throwaway_redis.start()  # empty: a restarted cache holds nothing
    time.sleep(settings.CMP_RATE_LIMIT_BACKOFF_SECONDS + 0.2)
    after = record(client, first.json())
    assert after.status_code == 201
    assert redis_keys(throwaway_redis.url, isolated_rate_limits), "the limiter did not resume counting"
    exported = client.get(
        f"/api/v1/sites/demo/users/{user_id}/export", headers={"Authorization": f"Api-Key {api_key}"}
    )
    assert exported.status_code == 200
    recorded = {r.json()["consent_id"] for r in (first, *during, after)}
    assert recorded <= {str(item["consent_id"]) for item in exported.json()["records"]}

"""Public endpoints are limited per client address and per site: 429, Retry-After, JSON error; the
counters (Redis, or the local cache without REDIS_URL) never hold a raw address."""

from __future__ import annotations

import pytest

DECODE = "/api/v1/tcf/decode"


def decode(client, address: str):
    return client.post(DECODE, data={"tc_string": "x"}, content_type="application/json", REMOTE_ADDR=address)


@pytest.mark.django_db
def test_one_address_over_its_limit_gets_429_with_retry_after(client, settings):
    settings.CMP_RATE_LIMIT_PER_IP = 3
    settings.CMP_RATE_LIMIT_IP_WINDOW_SECONDS = 60
    statuses = [decode(client, "203.0.113.7").status_code for _ in range(3)]
    assert 429 not in statuses
    refused = decode(client, "203.0.113.7")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "3 per 60 s" in refused.json()["error"]["message"]
    assert decode(client, "203.0.113.8").status_code != 429


@pytest.mark.django_db
def test_ipv6_addresses_are_counted_per_64_prefix(client, settings):
    settings.CMP_RATE_LIMIT_PER_IP = 2
    assert decode(client, "2001:db8:1:2::1").status_code != 429
    assert decode(client, "2001:db8:1:2::ffff").status_code != 429
    assert decode(client, "2001:db8:1:2:abcd::9").status_code == 429
    assert decode(client, "2001:db8:1:3::1").status_code != 429


@pytest.mark.django_db
def test_one_site_over_its_limit_gets_429_whatever_the_address(client, settings):
    settings.CMP_RATE_LIMIT_PER_IP = 0
    settings.CMP_RATE_LIMIT_PER_SITE = 2
    for n in range(2):
        response = client.get("/api/v1/sites/flooded/banner", REMOTE_ADDR=f"198.51.100.{n}")
        assert response.status_code != 429
    refused = client.get("/api/v1/sites/flooded/banner", REMOTE_ADDR="198.51.100.99")
    assert refused.status_code == 429
    assert "this site" in refused.json()["error"]["message"]
    assert client.get("/api/v1/sites/other/banner", REMOTE_ADDR="198.51.100.99").status_code != 429


@pytest.mark.django_db
def test_downstream_reads_and_other_pages_are_not_counted(client, settings):
    settings.CMP_RATE_LIMIT_PER_IP = 1
    settings.CMP_RATE_LIMIT_PER_SITE = 1
    for _ in range(3):
        assert client.get("/api/v1/sites/demo/users/u1/consent").status_code != 429
        assert client.get("/healthz").status_code != 429


@pytest.mark.django_db
def test_forwarded_for_is_trusted_only_for_the_configured_proxy_hops(client, settings):
    settings.CMP_RATE_LIMIT_PER_IP = 1
    settings.CMP_TRUSTED_PROXY_HOPS = 1
    proxy = "10.0.0.1"
    first = client.post(
        DECODE,
        data={},
        content_type="application/json",
        REMOTE_ADDR=proxy,
        headers={"X-Forwarded-For": "spoofed, 192.0.2.10"},
    )
    assert first.status_code != 429
    # Same real client behind the proxy, different spoofed prefix: still the same counter.
    second = client.post(
        DECODE,
        data={},
        content_type="application/json",
        REMOTE_ADDR=proxy,
        headers={"X-Forwarded-For": "other-spoof, 192.0.2.10"},
    )
    assert second.status_code == 429
    third = client.post(
        DECODE,
        data={},
        content_type="application/json",
        REMOTE_ADDR=proxy,
        headers={"X-Forwarded-For": "192.0.2.11"},
    )
    assert third.status_code != 429


@pytest.mark.django_db
def test_counters_never_store_the_raw_address(client, settings, cache_key_names, isolated_rate_limits):
    settings.CMP_RATE_LIMIT_PER_IP = 100
    address = "192.0.2.123"
    decode(client, address)
    keys = [key for key in cache_key_names() if isolated_rate_limits in key]
    assert keys, "the request was not counted"
    assert not [key for key in keys if address in key or "192.0.2" in key]

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


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/api/v1/gvl/vendors", "/api/v1/gvl/purposes"])
def test_the_gvl_reads_and_healthz_are_limited_per_address(client, settings, path):
    """Finding: /api/v1/gvl/* (about 650 KB, 50-120 ms each) and /healthz had no limit."""
    settings.CMP_RATE_LIMIT_PER_IP = 2
    settings.CMP_RATE_LIMIT_IP_WINDOW_SECONDS = 3600  # no window ends between the requests
    for _ in range(2):
        assert client.get(path, REMOTE_ADDR="198.51.100.20").status_code != 429
    refused = client.get(path, REMOTE_ADDR="198.51.100.20")
    assert refused.status_code == 429
    assert "this address" in refused.json()["error"]["message"]
    assert client.get(path, REMOTE_ADDR="198.51.100.21").status_code != 429


@pytest.mark.django_db
def test_one_client_cannot_exhaust_a_sites_budget(client, settings):
    """Finding: anyone could spend a site's shared budget so that real visitors got 429. Requests
    refused by their own address's (or IPv6 /64's) limit no longer count against the site."""
    settings.CMP_RATE_LIMIT_PER_IP = 3
    settings.CMP_RATE_LIMIT_PER_SITE = 10
    settings.CMP_RATE_LIMIT_IP_WINDOW_SECONDS = settings.CMP_RATE_LIMIT_SITE_WINDOW_SECONDS = 3600
    for n in range(50):  # one IPv4 flooder and one IPv6 flooder rotating inside its /64
        client.get("/api/v1/sites/shared/banner", REMOTE_ADDR="203.0.113.5")
        client.get("/api/v1/sites/shared/banner", REMOTE_ADDR=f"2001:db8:1:2::{n:x}")
    assert client.get("/api/v1/sites/shared/banner", REMOTE_ADDR="203.0.113.5").status_code == 429
    # 3 + 3 of the site's 10 were spent: real visitors still get through.
    for n in range(4):
        assert client.get("/api/v1/sites/shared/banner", REMOTE_ADDR=f"192.0.2.{n}").status_code != 429
    # Many clients at once still meet the site's budget.
    assert client.get("/api/v1/sites/shared/banner", REMOTE_ADDR="192.0.2.200").status_code == 429


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

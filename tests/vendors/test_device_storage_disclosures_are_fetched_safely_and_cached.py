"""Vendors' device storage disclosures are fetched by the server only: https only, public hosts only,
redirects checked again, within size and time limits, kept as long as their cache headers say (a
day at least), revalidated with their ETag; a malformed document is recorded as an error, never a
crash, and the banner's /vendors document shows the stored one per vendor (vendors/device_storage.py).

The test server is plain HTTP on loopback, reached under the allowance the webhook tests use
(CMP_OUTBOUND_ALLOW_PRIVATE); the refusals are tested with it off."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from vendors import device_storage
from vendors.models import DeviceStorageDisclosure, Vendor

pytestmark = pytest.mark.django_db
TANGOO = 962  # declares https://www.tangoo.eu/deviceStorage.json in the bundled GVL v106


@pytest.fixture
def tangoo_body(repo_root) -> bytes:
    return (repo_root / "tests/data/tangoo.deviceStorage.json").read_bytes()


@pytest.fixture
def serve(settings, catalogue, route_server) -> Any:
    """`serve(routes)` starts a `RouteServer` (tests/conftest.py) and points vendor 962's declared
    URL at `/disclosure`."""
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = True

    def start(routes: dict[str, dict[str, Any]], path: str = "/disclosure") -> Any:
        server = route_server(routes)
        Vendor.objects.filter(pk=TANGOO).update(device_storage_disclosure_url=server.url(path))
        return server

    return start


def _row() -> DeviceStorageDisclosure:
    return DeviceStorageDisclosure.objects.get(vendor_id=TANGOO)


def test_stored_and_not_fetched_again_before_its_cache_headers_expire(serve, tangoo_body):
    three_days = {"Cache-Control": "public, max-age=259200", "ETag": '"v1"'}
    server = serve({"/disclosure": {"body": tangoo_body, "headers": three_days}})
    start = timezone.now()
    assert device_storage.refresh_disclosures([TANGOO], now=start).stored == [TANGOO]
    row = _row()
    assert len(row.document["disclosures"]) == 7
    assert (row.etag, row.error, row.fresh_until) == ('"v1"', "", start + timedelta(days=3))

    assert device_storage.refresh_disclosures([TANGOO], now=start + timedelta(days=2)).not_due == [TANGOO]
    assert len(server.requests) == 1

    later = start + timedelta(days=4)
    assert device_storage.refresh_disclosures([TANGOO], now=later).unchanged == [TANGOO]
    assert len(server.requests) == 2
    assert server.requests[1][1].get("If-None-Match") == '"v1"'
    row = _row()
    assert (row.fetched_at, row.checked_at, row.fresh_until) == (start, later, later + timedelta(days=3))


def test_cache_headers_give_a_day_at_least_and_a_month_at_most():
    now = timezone.now()
    assert device_storage.lifetime({"Cache-Control": "no-store"}, now) == timedelta(days=1)
    assert device_storage.lifetime({"cache-control": "max-age=60"}, now) == timedelta(days=1)
    assert device_storage.lifetime({"Cache-Control": "max-age=31536000"}, now) == timedelta(days=30)
    assert device_storage.lifetime({}, now) == timedelta(days=1)
    in_ten_days = (now + timedelta(days=10)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert device_storage.lifetime({"Expires": in_ten_days}, now).days in (9, 10)


def test_a_document_over_the_size_limit_is_an_error(serve, settings, repo_root):
    settings.CMP_DEVICE_STORAGE_MAX_BYTES = 4096
    serve({"/disclosure": {"body": (repo_root / "tests/data/pubmatic.deviceStorage.json").read_bytes()}})
    report = device_storage.refresh_disclosures([TANGOO])
    assert "more than 4096 bytes" in report.failed[TANGOO]
    assert (_row().document, "more than 4096 bytes" in _row().error) == (None, True)


def test_a_slow_server_is_an_error_within_the_time_limit(serve, settings, tangoo_body):
    settings.CMP_DEVICE_STORAGE_TIMEOUT_SECONDS = 1
    serve({"/disclosure": {"body": tangoo_body, "delay": 2.5}})
    report = device_storage.refresh_disclosures([TANGOO])
    assert "could not be reached (ReadTimeout)" in report.failed[TANGOO]
    assert _row().document is None


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("http://www.tangoo.eu/deviceStorage.json", "only https URLs are fetched"),
        ("https://127.0.0.1/deviceStorage.json", "not a public internet address"),
        ("https://10.1.2.3/deviceStorage.json", "not a public internet address"),
    ],
)
def test_plain_http_and_private_hosts_are_refused(settings, catalogue, url, refusal):
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = False
    Vendor.objects.filter(pk=TANGOO).update(device_storage_disclosure_url=url)
    report = device_storage.refresh_disclosures([TANGOO])
    assert refusal in report.failed[TANGOO]
    assert _row().document is None


def test_a_redirect_to_a_private_host_is_refused(serve, tangoo_body, first_hop_public):
    """The loopback server stands for the public host: the allowance covers the first hop only."""
    server = serve(
        {
            "/disclosure": {"status": 302, "headers": {"Location": "http://127.0.0.1:{port}/internal"}},
            "/internal": {"body": tangoo_body},
        }
    )
    report = device_storage.refresh_disclosures([TANGOO])
    assert "not a public internet address" in report.failed[TANGOO]
    assert [path for path, _ in server.requests] == ["/disclosure"]
    assert first_hop_public[-1].endswith("/internal")


def test_a_malformed_document_is_recorded_as_an_error_and_the_last_valid_one_kept(serve, tangoo_body):
    server = serve({"/disclosure": {"body": tangoo_body}})
    device_storage.refresh_disclosures([TANGOO])
    for body, why in (
        (b'{"disclosures": [{"identifier": "x", "type": "pixel"}]}', "type must be one of cookie, web, app"),
        (
            b'{"disclosures": [{"identifier": "x", "type": "cookie", "maxAgeSeconds": "a year"}]}',
            "maxAgeSeconds",
        ),
        (b'{"domains": []}', 'no "disclosures" list'),
        (b"<html>moved</html>", "not JSON"),
    ):
        server.routes["/disclosure"] = {"body": body}
        report = device_storage.refresh_disclosures([TANGOO], force=True)
        assert why in report.failed[TANGOO]
        row = _row()
        assert why in row.error
        assert len(row.document["disclosures"]) == 7
    server.routes["/disclosure"] = {"status": 404}
    assert "answered HTTP 404" in device_storage.refresh_disclosures([TANGOO], force=True).failed[TANGOO]


def test_the_command_runs_the_refresh_now(serve, tangoo_body, capsys):
    serve({"/disclosure": {"body": tangoo_body}})
    call_command("fetch_storage_disclosures", "--vendor", str(TANGOO))
    assert "1 stored" in capsys.readouterr().out
    assert _row().document is not None


def test_the_daily_task_is_scheduled_and_runs_the_refresh(serve, tangoo_body):
    from cmp.celery import app
    from vendors.tasks import refresh_storage_disclosures

    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    assert schedule[refresh_storage_disclosures.name].hour == {2}
    serve({"/disclosure": {"body": tangoo_body}})
    # Only the test's vendor: every other one declares a URL on the internet.
    Vendor.objects.exclude(pk=TANGOO).update(device_storage_disclosure_url="")
    assert "1 stored" in refresh_storage_disclosures.apply().get()


def test_the_banner_shows_the_stored_disclosure_of_the_vendors_declared_url(api, site, tangoo_body):
    tangoo = Vendor.objects.get(pk=TANGOO)
    device_storage.store_file(tangoo, tangoo_body, "test")
    pubmatic = Vendor.objects.get(pk=76)
    stale = device_storage.store_file(pubmatic, b'{"disclosures": []}', "test")
    DeviceStorageDisclosure.objects.filter(pk=stale.pk).update(url="https://old.example/ds.json")
    vendors = {v["id"]: v for v in api.get(f"/api/v1/sites/{site.key}/vendors?lang=en").json()["vendors"]}
    rows = vendors[TANGOO]["device_storage"]
    assert len(rows) == 7
    assert rows[0] == {
        "identifier": "XXXXX_viewnew",
        "type": "cookie",
        "maxAgeSeconds": 2592000,
        "domain": "*",
        "purposes": [1, 3, 4, 5, 6],
    }
    assert {row["type"] for row in rows} == {"cookie", "web"}
    assert "device_storage" not in vendors[76]


def test_only_a_changed_document_drops_the_cached_banner_documents(serve, tangoo_body):
    """The daily check writes bookkeeping only when nothing changed, so it bumps no configuration
    version (infra/config.py); a new document does."""
    from infra.config import read_version

    server = serve({"/disclosure": {"body": tangoo_body, "headers": {"ETag": '"v1"'}}})
    device_storage.refresh_disclosures([TANGOO])
    before = read_version()
    assert device_storage.refresh_disclosures([TANGOO], force=True).unchanged == [TANGOO]
    server.routes["/disclosure"] = {"body": b"not json"}
    assert TANGOO in device_storage.refresh_disclosures([TANGOO], force=True).failed
    assert read_version() == before
    server.routes["/disclosure"] = {"body": b'{"disclosures": []}'}
    assert device_storage.refresh_disclosures([TANGOO], force=True).stored == [TANGOO]
    assert read_version() != before

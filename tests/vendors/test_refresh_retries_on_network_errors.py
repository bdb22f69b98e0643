"""The weekly refresh tasks retry network failures with back-off and import the list exactly once."""

import json

import pytest
from django.test import override_settings

from vendors import fetching, tasks
from vendors.gvl_format import GvlFormatError
from vendors.models import GoogleAtp, GvlVersion, Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_retries():
    """Run the tasks in-process the way a worker would: a retry re-runs the task inline (Celery's
    eager `apply` does that only when eager exceptions are not propagated to the caller)."""
    conf = tasks.refresh_gvl.app.conf
    previous = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = previous


def test_gvl_refresh_survives_two_failures_and_imports_once(
    empty_catalogue, eager_retries, flaky_server, v106_bytes
):
    server = flaky_server(v106_bytes, failures=2)

    with override_settings(CMP_GVL_URL=server.url):
        result = tasks.refresh_gvl.apply()

    assert result.successful(), result.traceback
    assert server.hits == 3
    assert "Imported GVL v106" in result.get()
    assert GvlVersion.objects.count() == 1
    assert Vendor.objects.count() == 987
    assert all("gzip" in accept for accept in server.accept_encodings)


def test_atp_refresh_retries_the_same_way(empty_catalogue, eager_retries, flaky_server, gvl_files):
    server = flaky_server(gvl_files["atps"].read_bytes(), failures=2, content_type="text/csv")

    with override_settings(CMP_GOOGLE_ATP_URL=server.url):
        result = tasks.refresh_google_atps.apply()

    assert result.successful(), result.traceback
    assert server.hits == 3
    assert GoogleAtp.objects.count() == 632


def test_retries_stop_after_the_limit(empty_catalogue, eager_retries, flaky_server, v106_bytes):
    server = flaky_server(v106_bytes, failures=100)

    with override_settings(CMP_GVL_URL=server.url):
        result = tasks.refresh_gvl.apply()
    with pytest.raises(fetching.TransientFetchError, match="HTTP 503"):
        result.get()

    assert server.hits == tasks.refresh_gvl.max_retries + 1
    assert not GvlVersion.objects.exists()


def test_back_off_grows_exponentially():
    from celery.utils.time import get_exponential_backoff_interval

    options = tasks.RETRY_OPTIONS
    delays = [
        get_exponential_backoff_interval(
            options["retry_backoff"], retries, options["retry_backoff_max"], False
        )
        for retries in range(4)
    ]
    assert delays == [60, 120, 240, 480]
    assert tasks.refresh_gvl.retry_backoff == options["retry_backoff"]
    assert tasks.refresh_gvl.autoretry_for == (fetching.TransientFetchError,)


def test_permanent_http_errors_are_not_retried(empty_catalogue, flaky_server, v106_bytes):
    server = flaky_server(v106_bytes, failures=0, status_after=404)

    with pytest.raises(fetching.FetchError, match="HTTP 404") as caught:
        tasks.refresh_gvl.apply(kwargs={"url": server.url}, throw=True)

    assert not isinstance(caught.value, fetching.TransientFetchError)
    assert server.hits == 1


def test_a_truncated_download_is_not_imported(empty_catalogue, flaky_server, v106_bytes, catalogue_state):
    before = catalogue_state()
    server = flaky_server(v106_bytes[: len(v106_bytes) // 2], failures=0)

    with pytest.raises(GvlFormatError, match="truncated"):
        tasks.refresh_gvl.apply(kwargs={"url": server.url}, throw=True)

    assert server.hits == 1
    assert catalogue_state() == before


def test_unreachable_host_is_a_transient_error(unused_port):
    with pytest.raises(fetching.TransientFetchError, match="Could not reach"):
        fetching.fetch(f"http://127.0.0.1:{unused_port}/vendor-list.json")


def test_gvl_refresh_also_refreshes_imported_translations(
    empty_catalogue, eager_retries, flaky_server, v106_bytes, gvl_files
):
    from vendors.importing import import_translation
    from vendors.models import Purpose

    import_translation(gvl_files["fr"].read_bytes(), "fr")
    newer_french = json.loads(gvl_files["fr"].read_bytes())
    newer_french["vendorListVersion"] = 31
    newer_french["purposes"]["1"]["name"] = "Stocker et/ou accéder à des informations (v31)"
    server = flaky_server(
        v106_bytes, failures=1, routes={"/purposes-fr.json": json.dumps(newer_french).encode()}
    )

    with override_settings(CMP_GVL_URL=server.url):
        result = tasks.refresh_gvl.apply()

    assert result.successful(), result.traceback
    assert server.paths == ["/vendor-list.json", "/vendor-list.json", "/purposes-fr.json"]
    assert Purpose.objects.get(language="fr", iab_id=1).name.endswith("(v31)")
    assert GvlVersion.objects.count() == 1


def test_a_missing_translation_keeps_the_old_texts(empty_catalogue, flaky_server, v106_bytes, gvl_files):
    from vendors.importing import import_translation
    from vendors.models import GvlTranslation

    import_translation(gvl_files["fr"].read_bytes(), "fr")
    server = flaky_server(v106_bytes, failures=0, routes={})

    result = tasks.refresh_gvl.apply(kwargs={"url": server.url}, throw=True)

    assert "Kept the fr texts" in result.get()
    assert "HTTP 404" in result.get()
    assert GvlTranslation.objects.get(language="fr").vendor_list_version == 30
    assert GvlVersion.objects.count() == 1

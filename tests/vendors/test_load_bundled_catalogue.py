"""load_bundled_catalogue: fills an empty database from vendors/data, and otherwise does nothing."""

import io

import pytest
from django.core.management import call_command

from vendors.models import GoogleAtp, GvlTranslation, GvlVersion, Vendor

pytestmark = pytest.mark.django_db


def test_empty_database_gets_the_bundled_catalogue(empty_catalogue, catalogue_state):
    out = io.StringIO()
    call_command("load_bundled_catalogue", stdout=out)

    assert list(GvlVersion.objects.values_list("vendor_list_version", flat=True)) == [106]
    assert Vendor.objects.count() == 987
    assert GvlTranslation.objects.filter(language="fr").exists()
    assert GoogleAtp.objects.count() == 632
    assert "Imported GVL v106" in out.getvalue()

    before = catalogue_state()
    again = io.StringIO()
    call_command("load_bundled_catalogue", stdout=again)
    assert "nothing to do" in again.getvalue()
    assert catalogue_state() == before


def test_a_newer_catalogue_is_not_replaced(empty_catalogue, v106_document):
    from vendors.importing import import_gvl

    v106_document["vendorListVersion"] = 120
    import_gvl(v106_document)
    call_command("load_bundled_catalogue", stdout=io.StringIO())
    assert list(GvlVersion.objects.values_list("vendor_list_version", flat=True)) == [120]


@pytest.mark.slow
def test_command_runs_as_make_run_calls_it(manage, tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "REDIS_URL": ""}
    migrated = manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr
    first = manage("load_bundled_catalogue", env=env)
    assert first.returncode == 0, first.stderr
    assert "987 vendors, 902 without deletedDate" in first.stdout
    second = manage("load_bundled_catalogue", env=env)
    assert second.returncode == 0, second.stderr
    assert "nothing to do" in second.stdout


def test_import_commands_accept_files(empty_catalogue, gvl_files):
    out = io.StringIO()
    call_command("import_gvl", "--file", str(gvl_files["v17"]), stdout=out)
    call_command("import_gvl", "--file", str(gvl_files["fr"]), "--language", "fr", stdout=out)
    call_command("import_google_atps", "--file", str(gvl_files["atps"]), stdout=out)
    assert "Imported GVL v17" in out.getvalue()
    assert "fr translation" in out.getvalue()
    assert "632 Google Ad Tech Providers" in out.getvalue()


def test_import_commands_fetch_urls(empty_catalogue, flaky_server, v17_bytes):
    server = flaky_server(v17_bytes, failures=0)
    out = io.StringIO()
    call_command("import_gvl", "--url", server.url, stdout=out)
    assert "Imported GVL v17" in out.getvalue()

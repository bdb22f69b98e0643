"""A malformed or truncated GVL is refused with a clear message and leaves the database as it was."""

import json

import pytest
from django.core.management import CommandError, call_command

from vendors.gvl_format import GvlFormatError
from vendors.importing import import_gvl

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(catalogue, catalogue_state):
    """The state of a catalogue holding v106, which every rejected import must leave untouched."""
    return catalogue_state()


def _with(document: dict, change) -> dict:
    change(document)
    return document


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.999])
def test_truncated_file_is_rejected(loaded, v106_bytes, catalogue_state, cut):
    truncated = v106_bytes[: int(len(v106_bytes) * cut)]
    with pytest.raises(GvlFormatError, match="truncated"):
        import_gvl(truncated)
    assert catalogue_state() == loaded


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(gvlSpecificationVersion=2), "gvlSpecificationVersion is 2"),
        (lambda d: d.pop("vendors"), "no 'vendors'"),
        (lambda d: d["vendors"]["755"].update(purposes="1,2"), r"vendors\['755'\].purposes must be a list"),
        (lambda d: d["vendors"]["755"].update(id=756), "does not match its key"),
        (lambda d: d["purposes"]["1"].pop("name"), r"purposes\['1'\] has no 'name'"),
        (lambda d: d["vendors"]["755"].update(deletedDate="yesterday"), "not an ISO-8601 date"),
        (lambda d: d.update(vendorListVersion="106"), "vendorListVersion must be a whole number"),
        (lambda d: d["vendors"]["755"].update(legIntPurposes=[1, 2]), r"purpose\(s\) \[1\] under both"),
        (
            lambda d: d["vendors"]["755"].update(flexiblePurposes=[5]),
            r"flexiblePurposes \[5\] are in neither",
        ),
        (lambda d: d["vendors"]["755"].update(purposes=[1, 25]), r"refers to purposes \[25\]"),
        (lambda d: d["specialFeatures"].pop("2"), r"refers to specialFeatures \[2\]"),
    ],
)
def test_invalid_content_is_rejected_with_the_offending_key(
    loaded, v106_document, catalogue_state, mutate, message
):
    with pytest.raises(GvlFormatError, match=message):
        import_gvl(_with(v106_document, mutate))
    assert catalogue_state() == loaded


def test_invalid_json_names_the_position(loaded, catalogue_state):
    with pytest.raises(GvlFormatError, match=r"not valid JSON: Expecting .:. delimiter at line 1, column 6"):
        import_gvl(b'{"a" 1}' + b" " * 10)
    with pytest.raises(GvlFormatError, match="must be a JSON object"):
        import_gvl(b"[1, 2]")
    assert catalogue_state() == loaded


def test_failure_inside_the_transaction_rolls_everything_back(
    loaded, v106_document, catalogue_state, monkeypatch
):
    from vendors import importing

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    v106_document["vendorListVersion"] = 107
    v106_document["vendors"]["755"]["name"] = "Changed in 107"
    monkeypatch.setattr(importing, "_store_taxonomy", fail)
    with pytest.raises(RuntimeError):
        import_gvl(v106_document)
    assert catalogue_state() == loaded


def test_command_reports_the_problem_and_imports_nothing(loaded, tmp_path, v106_bytes, catalogue_state):
    path = tmp_path / "vendor-list.json"
    path.write_bytes(v106_bytes[:1000])
    with pytest.raises(CommandError, match=r"truncated.*Nothing was imported"):
        call_command("import_gvl", "--file", str(path))
    assert catalogue_state() == loaded


def test_v2_vendor_list_is_refused(loaded, v106_document, catalogue_state):
    v2_like = {k: v for k, v in v106_document.items() if k != "gvlSpecificationVersion"}
    v2_like["gvlSpecificationVersion"] = 2
    with pytest.raises(GvlFormatError, match="only GVL v3"):
        import_gvl(json.dumps(v2_like))
    assert catalogue_state() == loaded

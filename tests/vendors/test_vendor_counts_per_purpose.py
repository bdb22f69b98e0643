"""vendor_counts: per purpose and special feature, vendors seeking consent and relying on LI."""

import json

import pytest

from vendors.catalogue import vendor_counts

pytestmark = pytest.mark.django_db


def _count_from_document(document: dict, vendor_ids: set[int]) -> dict:
    purposes = {int(k): {"consent": 0, "legitimate_interest": 0} for k in document["purposes"]}
    special = {int(k): {"consent": 0, "legitimate_interest": 0} for k in document["specialFeatures"]}
    for key, vendor in document["vendors"].items():
        if int(key) not in vendor_ids or vendor.get("deletedDate"):
            continue
        for p in vendor["purposes"]:
            purposes[p]["consent"] += 1
        for p in vendor["legIntPurposes"]:
            purposes[p]["legitimate_interest"] += 1
        for s in vendor["specialFeatures"]:
            special[s]["consent"] += 1
    return {"purposes": purposes, "special_features": special}


def test_counts_over_every_active_vendor(catalogue, v106_bytes):
    document = json.loads(v106_bytes)
    counts = vendor_counts(catalogue, catalogue.active_vendor_ids())
    assert counts == _count_from_document(document, catalogue.active_vendor_ids())
    assert set(counts["purposes"]) == set(range(1, 12))
    assert counts["purposes"][1]["legitimate_interest"] == 0


def test_counts_over_a_site_subset_ignore_deleted_and_unknown_ids(catalogue, v106_bytes):
    document = json.loads(v106_bytes)
    deleted = sorted(set(catalogue.vendors) - catalogue.active_vendor_ids())[:5]
    subset = {755, 32, 10, 1, 2, 3, *deleted, 999_999}
    counts = vendor_counts(catalogue, subset)
    assert counts == _count_from_document(document, subset)
    assert vendor_counts(catalogue, deleted) == _count_from_document(document, set())


def test_no_vendors_gives_zero_everywhere(catalogue):
    counts = vendor_counts(catalogue, [])
    assert all(c == {"consent": 0, "legitimate_interest": 0} for c in counts["purposes"].values())
    assert set(counts["special_features"]) == set(catalogue.special_features)

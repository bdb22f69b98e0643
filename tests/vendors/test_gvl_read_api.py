"""/api/v1/gvl/: the current version's taxonomy and vendors, filterable, cacheable with ETag."""

import pytest

from vendors.importing import import_gvl

pytestmark = pytest.mark.django_db


def test_root_describes_the_current_version(catalogue, client):
    body = client.get("/api/v1/gvl/").json()
    assert body["vendor_list_version"] == catalogue.vendor_list_version
    assert body["tcf_policy_version"] == catalogue.tcf_policy_version
    assert body["counts"]["vendors"] == len(catalogue.vendors)
    assert body["counts"]["active_vendors"] == len(catalogue.active_vendor_ids())
    assert body["links"]["vendors"].endswith("/api/v1/gvl/vendors")


def test_taxonomy_endpoints_list_every_entry(catalogue, client):
    purposes = client.get("/api/v1/gvl/purposes").json()
    assert [p["id"] for p in purposes["purposes"]] == sorted(catalogue.purposes)
    assert purposes["purposes"][0]["illustrations"] == list(catalogue.purposes[1].illustrations)
    assert len(purposes["special_purposes"]) == len(catalogue.special_purposes)
    features = client.get("/api/v1/gvl/features/").json()
    assert len(features["features"]) == len(catalogue.features)
    assert len(features["special_features"]) == len(catalogue.special_features)
    stacks = client.get("/api/v1/gvl/stacks").json()["stacks"]
    assert [(s["id"], s["purposes"]) for s in stacks] == [
        (sid, list(s.purposes)) for sid, s in sorted(catalogue.stacks.items())
    ]
    categories = client.get("/api/v1/gvl/data-categories").json()["data_categories"]
    assert len(categories) == len(catalogue.data_categories)


def test_french_texts_on_request(catalogue, client):
    body = client.get("/api/v1/gvl/purposes", {"lang": "fr"}).json()
    assert body["language"] == "fr"
    assert body["purposes"][0]["name"] != catalogue.purposes[1].name
    assert client.get("/api/v1/gvl/purposes", {"lang": "xx"}).json()["language"] == "en"


def test_vendors_default_to_active_and_filter(catalogue, client):
    listed = client.get("/api/v1/gvl/vendors", {"limit": 1000}).json()
    assert listed["count"] == len(catalogue.active_vendor_ids())
    assert {v["id"] for v in listed["vendors"]} == catalogue.active_vendor_ids()
    everyone = client.get("/api/v1/gvl/vendors", {"include_deleted": "1", "limit": 1000}).json()
    assert everyone["count"] == len(catalogue.vendors)

    by_purpose = client.get("/api/v1/gvl/vendors", {"purpose": 3, "special_feature": 1, "limit": 1000}).json()
    expected = {
        vid
        for vid, v in catalogue.vendors.items()
        if v.is_active and 3 in v.purposes and 1 in v.special_features
    }
    assert {v["id"] for v in by_purpose["vendors"]} == expected

    search = client.get("/api/v1/gvl/vendors", {"search": "google advertising"}).json()
    assert 755 in {v["id"] for v in search["vendors"]}
    assert [v["id"] for v in client.get("/api/v1/gvl/vendors", {"search": "755"}).json()["vendors"]] == [755]

    google = client.get("/api/v1/gvl/vendors/755").json()["vendor"]
    assert google["leg_int_purposes"] == sorted(catalogue.vendors[755].leg_int_purposes)
    assert google["data_retention"] == dict(catalogue.vendors[755].data_retention)


def test_etag_and_cache_control(catalogue, client):
    first = client.get("/api/v1/gvl/vendors", {"purpose": 1})
    assert first.status_code == 200
    etag = first["ETag"]
    assert "max-age" in first["Cache-Control"]
    again = client.get("/api/v1/gvl/vendors", {"purpose": 1}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    other = client.get("/api/v1/gvl/vendors", {"purpose": 2}, HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200
    assert other["ETag"] != etag


def test_bad_input_gets_a_clear_4xx(catalogue, client):
    bad = client.get("/api/v1/gvl/vendors", {"purpose": "one"})
    assert bad.status_code == 400
    assert bad.json()["error"] == {
        "code": "invalid_parameter",
        "message": "'purpose' must be a whole number from 1 to 2147483647, not 'one'.",
        "field": "purpose",
    }
    assert client.get("/api/v1/gvl/vendors/999999").status_code == 404
    assert client.get("/api/v1/gvl/vendors", {"version": "9" * 30}).status_code == 400
    assert client.get("/api/v1/gvl/vendors", {"include_deleted": "maybe"}).status_code == 400
    assert client.get("/api/v1/gvl/vendors", {"purpose": ""}).status_code == 400
    assert client.get("/api/v1/gvl/vendors/-1").json()["error"]["code"] == "invalid_vendor_id"
    unknown = client.get("/api/v1/gvl/purposes", {"version": 5})
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "unknown_version"


def test_an_older_version_is_served_on_request(catalogue, client, v17_bytes):
    import_gvl(v17_bytes)
    body = client.get("/api/v1/gvl/", {"version": 17}).json()
    assert (body["vendor_list_version"], body["tcf_policy_version"]) == (17, 4)
    assert client.get("/api/v1/gvl/").json()["vendor_list_version"] == catalogue.vendor_list_version


def test_no_gvl_yet_is_a_404_with_a_hint(empty_catalogue, client):
    response = client.get("/api/v1/gvl/vendors")
    assert response.status_code == 404
    assert "load_bundled_catalogue" in response.json()["error"]["message"]


def test_vendors_come_in_pages_and_unknown_parameters_are_refused(catalogue, client):
    first = client.get("/api/v1/gvl/vendors").json()
    assert (first["offset"], first["limit"], len(first["vendors"])) == (0, 100, 100)
    assert first["count"] == len(catalogue.active_vendor_ids())
    seen = [v["id"] for v in first["vendors"]]
    following = first["next"]
    while following:
        page = client.get(following).json()
        seen += [v["id"] for v in page["vendors"]]
        following = page["next"]
    assert seen == sorted(catalogue.active_vendor_ids())
    for name in ("page", "purpose_id"):
        refused = client.get("/api/v1/gvl/vendors", {name: "2"})
        assert refused.status_code == 400
        assert refused.json()["error"] == {
            "code": "unknown_parameter",
            "message": refused.json()["error"]["message"],
            "field": name,
        }
    assert client.get("/api/v1/gvl/purposes", {"search": "x"}).status_code == 400
    assert client.get("/api/v1/gvl/vendors", {"limit": "1001"}).status_code == 400

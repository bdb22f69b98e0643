"""Bad input answers 400/404/413/415 with the API's error shape and a message naming the problem;
never a 5xx."""

from __future__ import annotations

import pytest
from django.conf import settings

CASES = [
    # (name, site_key, body, content_type, status, code, words in the message)
    (
        "unknown site",
        "nosuchsite",
        {"action": "accept_all"},
        "application/json",
        404,
        "unknown_site",
        "nosuchsite",
    ),
    (
        "unknown vendor id",
        "alpha",
        {"action": "custom", "vendors": [9999]},
        None,
        400,
        "unknown_vendor",
        "9999",
    ),
    (
        "vendor id not in GVL range",
        "alpha",
        {"action": "custom", "vendors": [70000]},
        None,
        400,
        "invalid",
        "70000",
    ),
    ("malformed JSON", "alpha", '{"action": "accept_all",', None, 400, "malformed_json", "not valid JSON"),
    ("empty body", "alpha", "", None, 400, "malformed_json", "empty"),
    ("JSON array", "alpha", [1, 2], None, 400, "invalid", "object"),
    ("unknown action", "alpha", {"action": "maybe"}, None, 400, "invalid", "action"),
    ("missing action", "alpha", {}, None, 400, "invalid", "action"),
    (
        "unknown key",
        "alpha",
        {"action": "accept_all", "tracking": True},
        None,
        400,
        "unknown_field",
        "tracking",
    ),
    ("vendors not a list", "alpha", {"action": "custom", "vendors": "755"}, None, 400, "invalid", "vendors"),
    (
        "vendor id as string",
        "alpha",
        {"action": "custom", "vendors": ["755"]},
        None,
        400,
        "invalid",
        "integers",
    ),
    (
        "vendor id as boolean",
        "alpha",
        {"action": "custom", "vendors": [True]},
        None,
        400,
        "invalid",
        "integers",
    ),
    ("vendor id as float", "alpha", {"action": "custom", "vendors": [7.5]}, None, 400, "invalid", "integers"),
    ("purpose out of range", "alpha", {"action": "custom", "purposes": [25]}, None, 400, "invalid", "25"),
    (
        "purpose not in GVL",
        "alpha",
        {"action": "custom", "purposes": [12]},
        None,
        400,
        "unknown_purpose",
        "12",
    ),
    (
        "special feature unknown",
        "alpha",
        {"action": "custom", "special_features": [3]},
        None,
        400,
        "unknown_special_feature",
        "3",
    ),
    (
        "category value not bool",
        "alpha",
        {"action": "custom", "categories": {"analytics": "yes"}},
        None,
        400,
        "invalid",
        "analytics",
    ),
    (
        "unknown category",
        "alpha",
        {"action": "custom", "categories": {"tracking": True}},
        None,
        400,
        "invalid",
        "tracking",
    ),
    (
        "necessary refused",
        "alpha",
        {"action": "custom", "categories": {"necessary": False}},
        None,
        400,
        "invalid",
        "Necessary",
    ),
    (
        "categories not an object",
        "alpha",
        {"action": "custom", "categories": ["analytics"]},
        None,
        400,
        "invalid",
        "categories",
    ),
    ("unknown ATP", "alpha", {"action": "custom", "atps": [1]}, None, 400, "atp_not_enabled", "1"),
    ("bad user id", "alpha", {"action": "accept_all", "user_id": "x"}, None, 400, "invalid", "user_id"),
    (
        "user id wrong type",
        "alpha",
        {"action": "accept_all", "user_id": 12345678901234567},
        None,
        400,
        "invalid",
        "user_id",
    ),
    (
        "language wrong",
        "alpha",
        {"action": "accept_all", "language": "english"},
        None,
        400,
        "invalid",
        "language",
    ),
    (
        "form encoded",
        "alpha",
        "action=accept_all",
        "application/x-www-form-urlencoded",
        415,
        "unsupported_media_type",
        "application/json",
    ),
]


@pytest.mark.parametrize(
    ("name", "site_key", "body", "content_type", "status", "code", "words"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_consent_post_is_refused_clearly(
    api, site, name, site_key, body, content_type, status, code, words
):
    response = api.consent(site_key, body, content_type=content_type or "application/json")
    assert response.status_code < 500
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert words.lower() in error["message"].lower()


def test_disabled_vendor_is_refused(api, site):
    site.enable_all_vendors = False
    site.save()
    site.vendors.set([32])
    response = api.consent(site.key, {"action": "custom", "vendors": [755]})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "vendor_not_enabled",
        "message": "Vendor 755 is not enabled for this site.",
        "field": "vendors",
    }


def test_oversized_body_is_refused_with_413(api, site):
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    response = api.consent(site.key, {"action": "accept_all", "padding": padding})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_no_record_is_written_for_refused_input(api, site):
    from consent.models import ConsentRecord

    api.consent(site.key, {"action": "custom", "vendors": [9999]})
    api.consent(site.key, "{not json")
    assert ConsentRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/sites/nosuchsite/banner", 404),
        ("/api/v1/sites/nosuchsite/vendors", 404),
        ("/api/v1/sites/alpha/banner?lang=%00%ff", 200),
    ],
)
def test_bad_banner_requests_are_not_server_errors(api, site, path, status):
    response = api.get(path)
    assert response.status_code == status
    if status >= 400:
        assert "nosuchsite" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"tc_string": "not a tc string!"}, "Not a valid TC string"),
        ({"tc_string": ""}, "non-empty"),
        ({"tc_string": 5}, "non-empty string"),
        ({"string": "CQ"}, "tc_string"),
        ("[", "not valid JSON"),
    ],
)
def test_bad_decode_requests_get_400(api, db, body, words):
    response = api.post("/api/v1/tcf/decode", body)
    assert response.status_code == 400
    assert words in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "query",
    ["vendor=abc", "purpose=0", "vendor=1&category=analytics", "", "category=tracking", "vendor=99999"],
)
def test_bad_check_questions_get_400(api, site, api_key_for, query):
    key = api_key_for(site)
    user = api.consent(site.key, {"action": "accept_all"}).json()["user_id"]
    response = api.get(f"/api/v1/sites/{site.key}/users/{user}/consent/check?{query}", key=key)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["message"]


@pytest.mark.parametrize("user_id", ["u" * 65, "short", "has%20space0000000"])
@pytest.mark.parametrize("suffix", ["/consent", "/consent/check?vendor=755", "/export", ""])
def test_malformed_user_id_in_downstream_urls_gets_400(api, site, api_key_for, user_id, suffix):
    key = api_key_for(site)
    path = f"/api/v1/sites/{site.key}/users/{user_id}{suffix}"
    response = api.delete(path, key=key) if suffix == "" else api.get(path, key=key)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == "user_id"

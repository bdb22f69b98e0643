"""The consent POST has a fast path that skips DRF's request handling (consent/views.py). It must
answer what DRF's path answers: the same fields in the same order, the same headers, and for bad
input the same bytes. `?format=json` makes the view take DRF's path."""

from __future__ import annotations

import json

import pytest

from consent.models import ConsentRecord

HEADERS = ("Content-Type", "Allow", "Cache-Control", "Vary", "X-Content-Type-Options")
PER_RECORD = ("consent_id", "user_id", "created_at", "expires_at")


def both_paths(api, site_key: str, body, **headers):
    path = f"/api/v1/sites/{site_key}/consents"
    fast = api.post(path, body, **headers)
    full = api.post(f"{path}?format=json", body, **headers)
    return fast, full


@pytest.mark.parametrize(
    "body",
    [
        {"action": "accept_all"},
        {"action": "reject_all", "language": "fr"},
        {"action": "custom", "categories": {"analytics": True}, "purposes": [1, 7], "vendors": [755]},
    ],
    ids=lambda body: body["action"],
)
def test_a_recorded_choice_is_answered_alike(api, site, body):
    fast, full = both_paths(api, site.key, body)
    assert fast.status_code == full.status_code == 201
    for header in HEADERS:
        assert fast.headers.get(header) == full.headers.get(header), header
    fast_answer, full_answer = json.loads(fast.content), json.loads(full.content)
    assert list(fast_answer) == list(full_answer)
    assert {k: v for k, v in fast_answer.items() if k not in PER_RECORD} == {
        k: v for k, v in full_answer.items() if k not in PER_RECORD
    }
    # Same bytes once the per-record values are the same.
    for key in PER_RECORD:
        full_answer[key] = fast_answer[key]
    assert fast.content == json.dumps(full_answer, separators=(",", ":"), ensure_ascii=False).encode()
    assert (
        ConsentRecord.objects.filter(
            consent_id__in=[fast.json()["consent_id"], full.json()["consent_id"]]
        ).count()
        == 2
    )


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ({"action": "maybe"}, "application/json"),
        ({"action": "custom", "vendors": [999999]}, "application/json"),
        ('{"action": "accept_all"}', "text/csv"),
        ("", "application/json"),
    ],
    ids=["malformed", "unknown-action", "unknown-vendor", "media-type", "empty"],
)
def test_bad_input_gets_the_same_error_on_both_paths(api, site, body, content_type):
    fast, full = both_paths(api, site.key, body, content_type=content_type)
    assert 400 <= fast.status_code < 500
    assert (fast.status_code, fast.content) == (full.status_code, full.content)
    for header in HEADERS:
        assert fast.headers.get(header) == full.headers.get(header), header
    assert not ConsentRecord.objects.exists()


def test_unknown_site_gets_the_same_404_on_both_paths(api, db):
    fast, full = both_paths(api, "no-such-site", {"action": "accept_all"})
    assert fast.status_code == 404
    assert fast.content == full.content


def test_an_accept_that_json_does_not_satisfy_goes_to_drf(api, site):
    answer = api.post(f"/api/v1/sites/{site.key}/consents", {"action": "accept_all"}, Accept="text/html")
    assert answer.status_code == 406
    assert not ConsentRecord.objects.exists()

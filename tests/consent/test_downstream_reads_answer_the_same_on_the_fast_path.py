"""The downstream GETs have a fast path that skips DRF's request handling and keeps rendered answers
per record. It must answer byte for byte what DRF's path answers, and never serve a stale record:
a new choice, an erasure or a configuration change shows on the very next read."""

from __future__ import annotations

import pytest

# `?format=json` makes the view take DRF's full path (DRF honours that parameter itself).
DRF_PATH = "format=json"


def both_paths(api, path: str, key: str, query: str = ""):
    fast = api.get(f"{path}?{query}" if query else path, key=key)
    full = api.get(f"{path}?{query}&{DRF_PATH}" if query else f"{path}?{DRF_PATH}", key=key)
    return fast, full


def assert_same_answer(fast, full) -> None:
    assert fast.status_code == full.status_code
    assert fast.content == full.content
    for header in ("Content-Type", "Allow", "Cache-Control", "Vary", "X-Content-Type-Options"):
        assert fast.headers.get(header) == full.headers.get(header), header


@pytest.mark.parametrize("action", ["accept_all", "reject_all"])
def test_current_state_is_the_same_on_both_paths(api, site, api_key_for, action):
    key = api_key_for(site)
    user = api.consent(site.key, {"action": action}).json()["user_id"]
    path = f"/api/v1/sites/{site.key}/users/{user}/consent"
    for _ in range(2):  # the second read comes from the rendered answer kept for the record
        fast, full = both_paths(api, path, key)
        assert fast.status_code == 200
        assert_same_answer(fast, full)


@pytest.mark.parametrize(
    "query",
    [
        "vendor=755&purpose=1",
        "vendor=755",
        "purpose=7",
        "category=analytics",
        "category=necessary",
        "atp=89",
        "vendor=99999",
        "vendor=abc",
        "category=nope",
        "",
    ],
)
def test_check_is_the_same_on_both_paths(api, site, api_key_for, query):
    key = api_key_for(site)
    user = api.consent(site.key, {"action": "accept_all"}).json()["user_id"]
    fast, full = both_paths(api, f"/api/v1/sites/{site.key}/users/{user}/consent/check", key, query)
    assert_same_answer(fast, full)


def test_unknown_user_gets_the_same_404_on_both_paths(api, site, api_key_for):
    key = api_key_for(site)
    fast, full = both_paths(api, f"/api/v1/sites/{site.key}/users/nobody-here-at-all/consent", key)
    assert fast.status_code == 404
    assert_same_answer(fast, full)


def test_a_new_choice_shows_on_the_next_read(api, site, api_key_for):
    key = api_key_for(site)
    first = api.consent(site.key, {"action": "accept_all"}).json()
    path = f"/api/v1/sites/{site.key}/users/{first['user_id']}/consent"
    assert api.get(path, key=key).json()["consent_id"] == first["consent_id"]
    second = api.consent(site.key, {"action": "reject_all", "user_id": first["user_id"]}).json()
    state = api.get(path, key=key).json()
    assert (state["consent_id"], state["action"]) == (second["consent_id"], "reject_all")
    check = api.get(f"{path}/check?category=analytics", key=key).json()
    assert check["allowed"] is False


def test_an_erasure_shows_on_the_next_read(api, site, api_key_for):
    key = api_key_for(site)
    user = api.consent(site.key, {"action": "accept_all"}).json()["user_id"]
    path = f"/api/v1/sites/{site.key}/users/{user}/consent"
    assert api.get(path, key=key).status_code == 200
    assert api.delete(f"/api/v1/sites/{site.key}/users/{user}", key=key).status_code == 200
    assert api.get(path, key=key).status_code == 404
    assert api.get(f"{path}/check?vendor=755", key=key).json()["allowed"] is False


def test_a_policy_change_shows_on_the_next_read(api, site, api_key_for):
    key = api_key_for(site)
    user = api.consent(site.key, {"action": "accept_all"}).json()["user_id"]
    path = f"/api/v1/sites/{site.key}/users/{user}/consent"
    assert api.get(path, key=key).json()["reprompt"]["required"] is False
    site.policy_version = "2"
    site.save()
    assert api.get(path, key=key).json()["reprompt"] == {
        "required": True,
        "reasons": ["policy_version_changed"],
    }

"""Attack: append a choice to someone else's consent history (finding "Forged consent for any
visitor"). The review turned a visitor's Reject All into "allowed" by posting a choice that named
their id, from any origin, with a text/plain body that needs no CORS preflight. Each way in is
tried here and refused with 403 and a message, and the visitor's current consent stays theirs."""

from __future__ import annotations

import json

from consent.models import ConsentRecord

EVIL = "https://evil.example"


def current_action(api, site, key, user_id):
    return api.get(f"/api/v1/sites/{site.key}/users/{user_id}/consent", key).json()["action"]


def refused(response, code):
    assert response.status_code == 403, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def test_knowing_the_id_is_not_enough(api, site, victim, api_key_for):
    key = api_key_for(site)
    before = ConsentRecord.objects.count()
    # The id is what downstream services see (feed, export, check URLs); the attacker has it.
    forged = api.consent(site.key, {"action": "accept_all", "user_id": victim["user_id"]})
    assert refused(forged, "invalid_write_token")["field"] == "write_token"
    someone = api.consent(site.key, {"action": "accept_all"}).json()
    wrong_token = {
        "action": "accept_all",
        "user_id": victim["user_id"],
        "write_token": someone["write_token"],
    }
    refused(api.consent(site.key, wrong_token), "invalid_write_token")
    assert ConsentRecord.objects.count() == before + 1  # only `someone`'s own first choice
    assert current_action(api, site, key, victim["user_id"]) == "reject_all"
    # The visitor themselves, with their token, can change their mind.
    assert api.choose(site.key, victim, {"action": "accept_all"}).status_code == 201
    assert current_action(api, site, key, victim["user_id"]) == "accept_all"


def test_ids_the_server_never_issued_are_refused(api, site, other_site, victim):
    made_up = {"action": "accept_all", "user_id": "a" * 40, "write_token": "b" * 43}
    assert refused(api.consent(site.key, made_up), "unknown_visitor")["field"] == "user_id"
    # An id the old server issued before ids carried proof (32 random characters) is not accepted
    # either: the banner then starts again as a new visitor.
    refused(api.consent(site.key, {"action": "accept_all", "user_id": "x" * 32}), "unknown_visitor")
    # A real id and its real token, but issued for another site.
    refused(api.choose(other_site.key, victim, {"action": "accept_all"}), "unknown_visitor")
    assert not ConsentRecord.objects.filter(site=other_site).exists()
    assert not ConsentRecord.objects.filter(user_id="a" * 40).exists()


def test_a_page_of_another_origin_cannot_post(api, site, victim, api_key_for):
    before = ConsentRecord.objects.count()
    # The token would not help a cross-site page either: the origin is checked first.
    for content_type in ("text/plain;charset=UTF-8", "application/json"):
        attack = api.consent(
            site.key, json.dumps({"action": "accept_all"}), content_type=content_type, Origin=EVIL
        )
        error = refused(attack, "origin_not_allowed")
        assert EVIL in error["message"]
        assert "Access-Control-Allow-Origin" not in attack
    refused(api.choose(site.key, victim, {"action": "accept_all"}, Origin=EVIL), "origin_not_allowed")
    refused(api.consent(site.key, {"action": "accept_all"}, Origin="null"), "origin_not_allowed")
    assert ConsentRecord.objects.count() == before
    assert current_action(api, site, api_key_for(site), victim["user_id"]) == "reject_all"


def test_without_an_origin_only_a_key_with_the_record_scope_may_post(api, site, other_site, api_key_for):
    refused(api.consent(site.key, {"action": "accept_all"}, Origin=None), "origin_required")
    read_only = api_key_for(site, "read", "check", "export", "erase")
    error = refused(
        api.consent(site.key, {"action": "accept_all"}, Origin=None, Authorization=f"Api-Key {read_only}"),
        "insufficient_scope",
    )
    assert "'record'" in error["message"]
    another_sites = api_key_for(other_site, "record")
    assert (
        api.consent(
            site.key, {"action": "accept_all"}, Origin=None, Authorization=f"Api-Key {another_sites}"
        ).status_code
        == 403
    )
    assert ConsentRecord.objects.count() == 0
    recorder = api_key_for(site, "record")
    server = api.consent(site.key, {"action": "accept_all"}, Origin=None, Authorization=f"Api-Key {recorder}")
    assert server.status_code == 201, server.content
    assert ConsentRecord.objects.get().user_id == server.json()["user_id"]


def test_the_write_token_is_answered_once_and_stored_nowhere(api, site, victim, api_key_for):
    token = victim["write_token"]
    again = api.choose(site.key, victim, {"action": "withdraw"})
    assert "write_token" not in again.json()
    key = api_key_for(site)
    user = victim["user_id"]
    answers = [
        api.get(f"/api/v1/sites/{site.key}/users/{user}/consent", key),
        api.get(f"/api/v1/sites/{site.key}/users/{user}/consent/check?purpose=1", key),
        api.get(f"/api/v1/sites/{site.key}/users/{user}/export", key),
        api.get(f"/api/v1/sites/{site.key}/users/{user}/export?format=27560", key),
        api.post(f"/api/v1/sites/{site.key}/users/{user}/receipt", {"write_token": token}),
        api.get(f"/api/v1/sites/{site.key}/consents", key),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.content
        assert token not in answer.content.decode()
    for row in ConsentRecord.objects.filter(user_id=user).values():
        assert token not in json.dumps(row, default=str)


def test_the_services_own_pages_may_post(api, site):
    """The demo page is served by this service, so it shares the service's origin (the test
    client's host is `testserver`); a look-alike host is still another origin."""
    assert api.consent(site.key, {"action": "accept_all"}, Origin="http://testserver").status_code == 201
    refused(
        api.consent(site.key, {"action": "accept_all"}, Origin="http://testserver.evil.example"),
        "origin_not_allowed",
    )

"""Attack: download another visitor's consent receipt. A visitor id is no secret (downstream
services, the changes feed, exports and check URLs carry it), so the receipt needs the write token
issued with the id, sent in a POST body; every other way in is refused with 403 and a message."""

from __future__ import annotations

import pytest

from tests.conftest import site_origin

EVIL = "https://evil.example"


@pytest.fixture
def attacker(api, site):
    """Another visitor of the same site, with a token of their own."""
    return api.consent(site.key, {"action": "accept_all"}).json()


def receipt(api, site_key, user_id, body, **headers):
    return api.post(f"/api/v1/sites/{site_key}/users/{user_id}/receipt", body, "text/plain", **headers)


def refused(response, code, field):
    assert response.status_code == 403, response.content
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert "no receipt was given" in error["message"]
    assert "dpv:" not in response.content.decode()


def test_another_visitors_id_without_its_token_is_refused(api, site, victim, attacker):
    refused(receipt(api, site.key, victim["user_id"], {}), "invalid_write_token", "write_token")
    stolen = {"write_token": attacker["write_token"]}
    refused(receipt(api, site.key, victim["user_id"], stolen), "invalid_write_token", "write_token")
    # The attacker's own receipt is theirs alone.
    own = receipt(api, site.key, attacker["user_id"], stolen)
    assert own.status_code == 200
    assert own.json()["dpv:hasDataSubject"]["dpv:hasIdentifier"] == attacker["user_id"]


def test_the_id_alone_in_a_url_gives_nothing(api, site, victim):
    answer = api.get(f"/api/v1/sites/{site.key}/users/{victim['user_id']}/receipt")
    assert answer.status_code == 405
    assert "dpv:" not in answer.content.decode()


def test_made_up_ids_and_other_sites_tokens_are_refused(api, site, other_site, victim):
    made_up = {"write_token": "b" * 43}
    refused(receipt(api, site.key, "a" * 40, made_up), "unknown_visitor", "user_id")
    # Ids and tokens are bound to their site: the victim's pair means nothing on another site.
    pair = {"write_token": victim["write_token"]}
    refused(receipt(api, other_site.key, victim["user_id"], pair), "unknown_visitor", "user_id")


def test_malformed_bodies_are_refused_with_a_message(api, site, victim):
    for body, field in (({"write_token": "short"}, "write_token"), ({"token": "x"}, "token")):
        answer = receipt(api, site.key, victim["user_id"], body)
        assert answer.status_code == 400, answer.content
        assert answer.json()["error"]["field"] == field
    assert receipt(api, site.key, victim["user_id"], "{not json").status_code == 400


def test_only_the_sites_pages_may_read_the_answer_in_a_browser(api, site, victim):
    pair = {"write_token": victim["write_token"]}
    mine = receipt(api, site.key, victim["user_id"], pair, Origin=site_origin(site.key))
    assert mine.status_code == 200
    assert mine["Access-Control-Allow-Origin"] == site_origin(site.key)
    evil = receipt(api, site.key, victim["user_id"], pair, Origin=EVIL)
    assert "Access-Control-Allow-Origin" not in evil

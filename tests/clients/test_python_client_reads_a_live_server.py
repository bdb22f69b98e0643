"""The Python client (clients/python/cmp_client) against the real service on a live HTTP server:
current consent, the check and the batch check, the changes feed with its cursor, errors as the
client's one exception type, and the verification of a real webhook delivery."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest
from cmp_client import ApiError, CheckAnswer, ConsentClient, SignatureError, verify_webhook

from consent.api_keys import issue_key
from consent.webhooks.models import WebhookEndpoint
from consent.webhooks.service import dispatch

ORIGIN = "https://www.alpha.example"
VENDOR = 755  # a vendor of the bundled GVL that declares purposes 1-4 and 7 for consent


@pytest.fixture
def server(live_server: Any, transactional_db: None, site: Any, settings: Any) -> Any:
    settings.CMP_FEED_SETTLE_SECONDS = 0
    return live_server


@pytest.fixture
def client(server: Any, site: Any) -> ConsentClient:
    return ConsentClient(server.url, site.key, issue_key(site, "client test")[1])


def choose(server: Any, site: Any, body: dict[str, Any]) -> dict[str, Any]:
    """A visitor's choice as the banner posts it."""
    request = urllib.request.Request(
        f"{server.url}/api/v1/sites/{site.key}/consents",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Origin": ORIGIN},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        answer: dict[str, Any] = json.loads(response.read())
        return answer


def test_current_consent_and_checks_follow_the_visitors_choices(server, site, client):
    accepted = choose(server, site, {"action": "accept_all"})["user_id"]
    rejected = choose(server, site, {"action": "reject_all"})["user_id"]

    current = client.current(accepted)
    assert current is not None
    assert current["action"] == "accept_all"
    assert current["reprompt"] == {"required": False, "reasons": []}
    assert client.current("u" * 32) is None  # a well-formed id nobody used

    assert client.check(accepted, vendor=VENDOR, purpose=1).allowed is True
    refused = client.check(rejected, vendor=VENDOR, purpose=1)
    assert refused.allowed is False
    assert refused.legal_basis is None
    assert refused.reason
    assert client.check(accepted, special_feature=1).allowed is True
    assert client.check(rejected, special_feature=1).allowed is False

    answers = client.check_many(
        [
            {"user_id": accepted, "category": "analytics"},
            {"user_id": rejected, "category": "analytics"},
            {"user_id": accepted, "purpose": 99},
        ]
    )
    assert [type(a) for a in answers] == [CheckAnswer, CheckAnswer, ApiError]
    assert [a.allowed for a in answers[:2]] == [True, False]  # type: ignore[union-attr]
    assert answers[2].status == 400
    assert answers[2].field
    # The batch answers as the single check does.
    assert answers[1] == client.check(rejected, category="analytics")


def test_the_feed_yields_every_record_once_and_resumes_from_its_cursor(server, site, client):
    written = [choose(server, site, {"action": "accept_all"})["consent_id"] for _ in range(5)]
    read = list(client.feed(limit=2))
    assert [record["consent_id"] for record, _ in read] == written
    cursor = read[-1][1]
    assert list(client.feed(cursor)) == []

    later = choose(server, site, {"action": "reject_all"})
    resumed = list(client.feed(cursor, actions=["reject_all"]))
    assert [record["consent_id"] for record, _ in resumed] == [later["consent_id"]]


def test_errors_arrive_as_the_clients_exception(server, site, client, other_site):
    foreign = ConsentClient(server.url, site.key, issue_key(other_site, "other")[1])
    with pytest.raises(ApiError) as refused:
        foreign.current("u" * 32)
    assert refused.value.status in (401, 403)
    assert refused.value.message

    with pytest.raises(ApiError) as bad:
        client.check("not an id!", purpose=1)
    assert (bad.value.status, bad.value.field) == (400, "user_id")

    unreachable = ConsentClient("http://127.0.0.1:9", site.key, "cmpk_x", timeout=2)
    with pytest.raises(ApiError) as down:
        unreachable.current("u" * 32)
    assert down.value.status == 0


def test_a_real_delivery_verifies_and_a_forged_or_replayed_one_does_not(server, site, client, receiver):
    hook = WebhookEndpoint(site=site, url=receiver.url, events=["consent.given"])
    hook.full_clean()
    hook.save()
    answer = choose(server, site, {"action": "accept_all"})
    deadline = time.monotonic() + 10
    while not receiver.received:
        assert time.monotonic() < deadline, "no delivery arrived"
        dispatch()
        time.sleep(0.05)
    headers, body = receiver.received[0]

    processed: set[str] = set()

    def seen(message_id: str) -> bool:
        if message_id in processed:
            return True
        processed.add(message_id)
        return False

    event = verify_webhook(hook.secret, headers, body, seen=seen)
    assert event["type"] == "consent.given"
    assert event["data"]["consent_id"] == answer["consent_id"]

    with pytest.raises(SignatureError, match="replay"):
        verify_webhook(hook.secret, headers, body, seen=seen)
    with pytest.raises(SignatureError):
        verify_webhook(hook.secret, headers, body.replace(b"accept_all", b"reject_all"))
    with pytest.raises(SignatureError, match="too far"):
        verify_webhook(hook.secret, headers, body, now=lambda: time.time() + 3600)
    with pytest.raises(SignatureError):
        verify_webhook("whsec_" + "A" * 44, headers, body)

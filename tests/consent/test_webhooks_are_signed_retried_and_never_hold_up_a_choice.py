"""Webhooks (consent/webhooks/): a signed event reaches the receiver after the record commits,
survives the receiver being down, is sent once per endpoint, and recording never waits for it."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from consent.webhooks import signing
from consent.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint, WebhookEvent
from consent.webhooks.service import dispatch


def endpoint(site: Any, url: str, events: list[str] | None = None) -> WebhookEndpoint:
    hook = WebhookEndpoint(site=site, url=url, events=events or ["consent.given", "consent.updated"])
    hook.full_clean()
    hook.save()
    return hook


def run_until(condition: Any, seconds: float = 10) -> None:
    """What the beat task does every CMP_WEBHOOK_DISPATCH_SECONDS, run until `condition()` holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the webhook did not arrive in time"
        dispatch()
        time.sleep(0.05)


def test_a_consent_reaches_the_receiver_signed_after_two_failed_attempts(api, site, receiver):
    hook = endpoint(site, receiver.url)
    receiver.statuses = [503, 500]  # down for the first two attempts
    answer = api.consent(site.key, {"action": "accept_all"}).json()
    started = time.monotonic()
    run_until(lambda: len(receiver.received) == 3)
    assert time.monotonic() - started < 10

    headers, body = receiver.received[-1]
    signing.verify(hook.secret, headers, body, now=int(time.time()))  # the documented scheme
    event = json.loads(body)
    assert event["type"] == "consent.given"
    assert event["site"] == site.key
    assert event["data"]["consent_id"] == answer["consent_id"]
    assert event["data"]["tc_string"] == answer["tc_string"]
    # One event id for all three attempts: a receiver deduplicates by it.
    assert {h["webhook-id"] for h, _ in receiver.received} == {event["id"]}
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.response_status) == (DeliveryState.DELIVERED, 3, 200)


def test_a_forged_or_replayed_delivery_does_not_verify(api, site, receiver):
    hook = endpoint(site, receiver.url)
    api.consent(site.key, {"action": "reject_all"})
    run_until(lambda: receiver.received)
    headers, body = receiver.received[0]
    with pytest.raises(signing.SignatureError):
        signing.verify(hook.secret, headers, body.replace(b"reject_all", b"accept_all"), now=int(time.time()))
    with pytest.raises(signing.SignatureError):
        signing.verify(signing.new_secret(), headers, body, now=int(time.time()))
    with pytest.raises(signing.SignatureError, match="too far"):
        signing.verify(hook.secret, headers, body, now=int(time.time()) + 3600)


def test_each_choice_is_one_event_of_its_kind(api, site, receiver, api_key_for):
    endpoint(site, receiver.url, ["consent.given", "consent.updated", "consent.withdrawn", "consent.erased"])
    visitor = api.consent(site.key, {"action": "reject_all"}).json()
    user = visitor["user_id"]
    steps = [
        lambda: api.choose(site.key, visitor, {"action": "accept_all"}),
        lambda: api.choose(site.key, visitor, {"action": "withdraw"}),
        lambda: api.delete(f"/api/v1/sites/{site.key}/users/{user}", api_key_for(site)),
        # After an erasure the visitor's next choice is a first choice again.
        lambda: api.choose(site.key, visitor, {"action": "accept_all"}),
    ]
    for count, step in enumerate(steps, start=1):
        run_until(lambda count=count: len(receiver.received) == count)
        assert step().status_code in (200, 201)
    run_until(lambda: len(receiver.received) == 5)
    dispatch()  # nothing is sent twice
    types = [json.loads(body)["type"] for _, body in receiver.received]
    assert types == [
        "consent.given",
        "consent.updated",
        "consent.withdrawn",
        "consent.erased",
        "consent.given",
    ]
    erased = json.loads(receiver.received[3][1])["data"]
    assert set(erased) == {"user_id", "erasure_id", "recorded_at"}  # no old data


def test_records_erased_before_they_were_sent_are_never_sent(api, site, receiver, api_key_for):
    """The erased data is gone for the receiver too: only the erasure is announced."""
    endpoint(site, receiver.url, ["consent.given", "consent.updated", "consent.erased"])
    user = api.consent(site.key, {"action": "accept_all"}).json()["user_id"]
    api.delete(f"/api/v1/sites/{site.key}/users/{user}", api_key_for(site))
    run_until(lambda: receiver.received)
    dispatch()
    assert [json.loads(body)["type"] for _, body in receiver.received] == ["consent.erased"]


def test_events_an_endpoint_did_not_ask_for_are_not_sent(api, site, receiver):
    endpoint(site, receiver.url, ["consent.withdrawn"])
    api.consent(site.key, {"action": "accept_all"})
    dispatch()
    assert receiver.received == []
    assert not WebhookEvent.objects.exists()


def test_recording_succeeds_with_every_endpoint_down(api, site, settings, unused_port):
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = True
    endpoint(site, f"http://127.0.0.1:{unused_port}/down")
    answers = [api.consent(site.key, {"action": "accept_all"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    # Nothing was attempted on the way: deliveries exist only once the dispatcher ran.
    assert not WebhookDelivery.objects.exists()
    report = dispatch()
    assert report.events == 3
    assert report.deliveries.retrying == 3
    assert WebhookDelivery.objects.filter(state=DeliveryState.PENDING, attempts=1).count() == 3


def test_an_endpoint_is_disabled_after_repeated_failure_with_a_notice(
    api, site, settings, unused_port, admin_client
):
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = True
    settings.CMP_WEBHOOK_RETRY_BASE_SECONDS = 0
    settings.CMP_WEBHOOK_GRACE_SECONDS = 0
    settings.CMP_WEBHOOK_DISABLE_AFTER_FAILURES = 3
    hook = endpoint(site, f"http://127.0.0.1:{unused_port}/down")
    api.consent(site.key, {"action": "accept_all"})
    for _ in range(5):
        dispatch()
    hook.refresh_from_db()
    assert not hook.active
    assert "3 failed deliveries in a row" in hook.disabled_reason
    assert WebhookDelivery.objects.get().attempts == 3  # a disabled endpoint gets no more attempts
    page = admin_client.get("/admin/consent/webhookendpoint/")
    assert "3 failed deliveries in a row" in page.content.decode()


def test_a_delivery_is_given_up_after_a_day(api, site, settings, unused_port):
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = True
    settings.CMP_WEBHOOK_RETRY_BASE_SECONDS = 0
    settings.CMP_WEBHOOK_GRACE_SECONDS = 0
    endpoint(site, f"http://127.0.0.1:{unused_port}/down")
    api.consent(site.key, {"action": "accept_all"})
    dispatch()
    WebhookEvent.objects.update(created_at=WebhookEvent.objects.get().created_at.replace(year=2020))
    dispatch()
    assert WebhookDelivery.objects.get().state == DeliveryState.FAILED


@pytest.mark.parametrize(
    ("url", "allow_private"),
    [("http://example.com/hook", False), ("https://127.0.0.1/hook", False), ("https://10.1.2.3/hook", False)],
)
def test_only_https_on_public_hosts_is_accepted(site, settings, url, allow_private):
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = allow_private
    with pytest.raises(ValidationError):
        WebhookEndpoint(site=site, url=url).full_clean()


def test_the_retention_purge_announces_expired_visitors(api, site, receiver):
    from datetime import timedelta

    from consent import services
    from consent.services import clock

    endpoint(site, receiver.url, ["consent.expired"])
    user = api.consent(site.key, {"action": "accept_all"}).json()["user_id"]
    later = clock.now() + timedelta(days=site.consent_lifetime_days + 1)
    assert services.purge_expired(now=later).deleted == 1
    run_until(lambda: receiver.received)
    event = json.loads(receiver.received[0][1])
    assert (event["type"], event["data"]) == ("consent.expired", {"user_id": user})


def test_a_new_gvl_version_is_announced(site, receiver, catalogue, django_capture_on_commit_callbacks):
    from vendors.catalogue import current_gvl
    from vendors.importing import import_gvl
    from vendors.models import GvlVersion

    endpoint(site, receiver.url, ["gvl.updated"])
    document = dict(GvlVersion.objects.get(vendor_list_version=current_gvl().vendor_list_version).document)
    document["vendorListVersion"] += 1
    document["vendors"] = {k: v for k, v in document["vendors"].items() if k != "755"}
    with django_capture_on_commit_callbacks(execute=True):  # the test's transaction never commits
        import_gvl(document, source="test")
    run_until(lambda: receiver.received)
    event = json.loads(receiver.received[0][1])
    assert event["type"] == "gvl.updated"
    assert event["data"]["vendor_list_version"] == document["vendorListVersion"]
    assert 755 in event["data"]["removed"]

"""The changes feed (`GET .../consents`): read from the start while records are written, purged and
erased, it yields every live record exactly once, in the order written; an erased visitor appears as
an erasure without the old data; bad parameters get 400."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from consent import services
from consent.models import ConsentRecord
from consent.services import clock


@pytest.fixture(autouse=True)
def _no_settling(settings):
    settings.CMP_FEED_SETTLE_SECONDS = 0


def read_page(api, site, key, since=None, **params):
    query = {"limit": 7, **params}
    if since:
        query["since"] = since
    path = f"/api/v1/sites/{site.key}/consents?" + "&".join(f"{k}={v}" for k, v in query.items())
    response = api.get(path, key)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    return response.json()


def test_reading_while_writing_purging_and_erasing_yields_every_live_record_once(
    api, site, api_key_for, monkeypatch
):
    key = api_key_for(site)
    rng = random.Random(7)
    # The first choices were made long ago: the retention purge in the middle of the reading removes them.
    long_ago = clock.now() - timedelta(days=site.consent_lifetime_days + 10)
    monkeypatch.setattr(clock, "now", lambda: long_ago)
    visitors = [api.consent(site.key, {"action": "accept_all"}).json() for _ in range(6)]
    users = [visitor["user_id"] for visitor in visitors]
    monkeypatch.undo()
    seen: list[str] = []
    since = None
    erased: set[str] = set()
    for round_number in range(30):
        page = read_page(api, site, key, since)
        seen += [item["consent_id"] for item in page["records"]]
        since = page["next"]
        # Meanwhile: new choices, an erasure, and a purge of what has expired.
        for _ in range(rng.randint(0, 4)):
            body = {"action": rng.choice(["accept_all", "reject_all", "withdraw"])}
            assert api.choose(site.key, rng.choice(visitors), body).status_code == 201
        if round_number % 7 == 3:
            victim = rng.choice(users)
            assert api.delete(f"/api/v1/sites/{site.key}/users/{victim}", key).status_code == 200
            erased.add(victim)
        if round_number == 10:
            assert services.purge_expired().deleted >= 1
        if not page["has_more"] and round_number > 20:
            break
    while True:
        page = read_page(api, site, key, since)
        seen += [item["consent_id"] for item in page["records"]]
        since = page["next"]
        if not page["has_more"]:
            break
    assert len(seen) == len(set(seen)), "a record was yielded twice"
    live = set(ConsentRecord.objects.filter(site=site).values_list("consent_id", flat=True))
    missed = {str(c) for c in live} - set(seen)
    assert not missed, "a live record was missed"
    order = list(ConsentRecord.objects.filter(site=site).order_by("id").values_list("consent_id", flat=True))
    positions = [seen.index(str(c)) for c in order]
    assert positions == sorted(positions), "the feed is not in the order written"


def test_an_erased_visitor_appears_as_an_erasure_without_the_old_data(api, site, api_key_for):
    key = api_key_for(site)
    user = api.consent(site.key, {"action": "accept_all"}).json()["user_id"]
    api.delete(f"/api/v1/sites/{site.key}/users/{user}", key)
    records = read_page(api, site, key)["records"]
    assert [r["action"] for r in records] == ["erase"]
    assert set(records[0]) == {"consent_id", "user_id", "action", "created_at"}


def test_filters_by_action_and_time(api, site, api_key_for):
    key = api_key_for(site)
    api.consent(site.key, {"action": "accept_all"})
    api.consent(site.key, {"action": "reject_all"})
    assert [r["action"] for r in read_page(api, site, key, action="reject_all")["records"]] == ["reject_all"]
    assert read_page(api, site, key, **{"from": "2999-01-01"})["records"] == []
    assert len(read_page(api, site, key, to="2999-01-01T00:00:00Z")["records"]) == 2


def test_records_of_the_last_seconds_wait_until_they_are_settled(api, site, api_key_for, settings):
    settings.CMP_FEED_SETTLE_SECONDS = 3600
    key = api_key_for(site)
    api.consent(site.key, {"action": "accept_all"})
    page = read_page(api, site, key)
    assert page["records"] == []
    assert page["has_more"] is False


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=nonsense", "since"),
        ("since=c1_abc%25", "since"),
        ("limit=0", "limit"),
        ("limit=5000", "limit"),
        ("action=maybe", "action"),
        ("from=yesterday", "from"),
        ("page=2", "page"),
    ],
)
def test_bad_parameters_get_400_naming_them(api, site, api_key_for, query, field):
    response = api.get(f"/api/v1/sites/{site.key}/consents?{query}", api_key_for(site))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_the_feed_needs_a_key_of_this_site(api, site, other_site, api_key_for):
    assert api.get(f"/api/v1/sites/{site.key}/consents").status_code == 401
    assert api.get(f"/api/v1/sites/{site.key}/consents", api_key_for(other_site)).status_code == 403

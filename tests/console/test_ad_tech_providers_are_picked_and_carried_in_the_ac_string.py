"""A site's staff pick Google Ad Tech Providers in the console by searching Google's list by name or
id (or pasting ids), see the count before saving, and a new consent's AC string then names exactly
those providers (consented and disclosed after Accept All, disclosed only after Reject All). Ids
not on the list are refused with a message; only editors may save."""

from __future__ import annotations

import re

from privacy_signals.ac_string import decode_ac_string
from sites.models import Site

URL = "/console/sites/fresh/atps"
FACEBOOK = 89


def selection(page: str) -> list[int]:
    sel = re.search(r'name="sel" value="([\d,]*)"', page).group(1)
    return sorted(map(int, sel.split(","))) if sel else []


def test_search_pick_save_and_the_ac_string_carries_exactly_those(api, client, catalogue, member):
    site = Site.objects.create(key="fresh", name="Fresh", allowed_origins=["https://www.fresh.example"])
    client.force_login(member(site, "editor"))

    found = client.get(URL, {"q": "faceb"}).content.decode()
    assert f'name="add" value="{FACEBOOK}"' in found
    by_id = client.get(URL, {"q": "2526"}).content.decode()
    assert by_id.count('name="add"') == 1
    assert 'value="2526"' in by_id

    page = client.get(URL, {"sel": "", "mode": "listed", "add": FACEBOOK}).content.decode()
    page = client.get(
        URL, {"sel": selection(page)[0], "mode": "listed", "paste": "2526, 39"}
    ).content.decode()
    chosen = selection(page)
    assert chosen == [39, FACEBOOK, 2526]
    assert "3 providers disclosed (3 added, 0 removed)" in page
    assert site.google_atps.count() == 0, "nothing is saved before the publisher saves"

    saved = client.post(URL, {"sel": ",".join(map(str, chosen)), "mode": "listed"})
    assert saved.status_code == 302
    assert sorted(site.google_atps.values_list("id", flat=True)) == chosen
    client.logout()
    assert api.get("/api/v1/sites/fresh/banner").json()["atp_count"] == 3

    accepted = api.consent("fresh", {"action": "accept_all"}, Origin="https://www.fresh.example")
    assert accepted.status_code == 201, accepted.content
    consented, disclosed = decode_ac_string(accepted.json()["ac_string"])
    assert sorted(consented) == chosen
    assert sorted(disclosed) == chosen
    rejected = api.consent("fresh", {"action": "reject_all"}, Origin="https://www.fresh.example")
    consented, disclosed = decode_ac_string(rejected.json()["ac_string"])
    assert (sorted(consented), sorted(disclosed)) == ([], chosen)

    # Removing one: the next consent's AC string no longer names it.
    client.force_login(site.members.get().user)
    page = client.get(URL, {"sel": "39,89,2526", "mode": "listed", "remove": 39}).content.decode()
    assert "2 providers disclosed (0 added, 1 removed)" in page
    client.post(URL, {"sel": "89,2526", "mode": "listed"})
    again = api.consent("fresh", {"action": "accept_all"}, Origin="https://www.fresh.example")
    assert sorted(decode_ac_string(again.json()["ac_string"])[0]) == [FACEBOOK, 2526]


def test_unknown_ids_are_refused_and_viewers_cannot_save(client, catalogue, member):
    site = Site.objects.create(key="fresh", name="Fresh")
    client.force_login(member(site, "editor"))
    page = client.get(URL, {"paste": "89, abc"}).content.decode()
    assert "Not provider ids: abc" in page
    refused = client.post(URL, {"sel": "89,999999", "mode": "listed"})
    assert refused.status_code == 200
    assert "Not on Google&#x27;s current list" in refused.content.decode()
    assert "999999" in refused.content.decode()
    assert site.google_atps.count() == 0
    client.logout()
    client.force_login(member(site, "viewer"))
    assert client.get(URL).status_code == 200
    assert client.post(URL, {"sel": "89", "mode": "listed"}).status_code == 404
    assert site.google_atps.count() == 0


def test_all_providers_stays_possible_with_a_warning(client, catalogue, member):
    site = Site.objects.create(key="fresh", name="Fresh")
    client.force_login(member(site, "owner"))
    page = client.get(URL, {"mode": "all"}).content.decode()
    assert "overstates who receives" in page
    client.post(URL, {"sel": "", "mode": "all"})
    site.refresh_from_db()
    assert site.enable_all_atps

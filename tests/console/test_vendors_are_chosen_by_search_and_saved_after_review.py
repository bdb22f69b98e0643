"""A new site discloses no vendor and no Google ATP; its staff pick vendors in the console by
searching the GVL by name or id (or pasting ids), see the count and the re-prompt consequence
before saving, and the banner then names exactly those. Only editors may save."""

from __future__ import annotations

import json
import re

from sites.models import Site

PICKS = {"Google": 755, "Criteo": 91, "Xandr": 32}


def banner(client, key):
    return json.loads(client.get(f"/api/v1/sites/{key}/banner").content)


def test_a_new_site_discloses_no_vendors_and_no_atps(client, catalogue):
    Site.objects.create(key="fresh", name="Fresh", allowed_origins=["https://fresh.example"])
    document = banner(client, "fresh")
    assert document["vendor_count"] == 0
    assert document["atp_count"] == 0
    assert json.loads(client.get("/api/v1/sites/fresh/vendors").content)["vendors"] == []


def test_search_by_name_and_id_then_save(client, catalogue, member):
    site = Site.objects.create(key="fresh", name="Fresh")
    client.force_login(member(site, "editor"))
    url = "/console/sites/fresh/vendors"

    found = client.get(url, {"q": "criteo"}).content.decode()
    assert re.search(r'name="add" value="91"', found)
    by_id = client.get(url, {"q": "755"}).content.decode()
    assert by_id.count('name="add"') == 1
    assert 'value="755"' in by_id

    sel = ""
    for vendor_id in PICKS.values():
        page = client.get(url, {"sel": sel, "mode": "listed", "add": vendor_id}).content.decode()
        sel = re.search(r'name="sel" value="([\d,]*)"', page).group(1)
    page = client.get(url, {"sel": sel, "mode": "listed", "paste": "52, 25"}).content.decode()
    sel = re.search(r'name="sel" value="([\d,]*)"', page).group(1)
    assert sorted(map(int, sel.split(","))) == sorted([*PICKS.values(), 52, 25])
    assert "5 vendors disclosed (5 added, 0 removed)" in page
    assert "will be asked again" in page
    assert site.vendors.count() == 0, "nothing is saved before the publisher saves"

    saved = client.post(url, {"sel": sel, "mode": "listed"})
    assert saved.status_code == 302
    assert sorted(site.vendors.values_list("id", flat=True)) == sorted([*PICKS.values(), 52, 25])
    assert banner(client, "fresh")["vendor_count"] == 5

    # Removing a vendor re-prompts nobody.
    page = client.get(url, {"sel": sel, "mode": "listed", "remove": 25}).content.decode()
    assert "4 vendors disclosed (0 added, 1 removed)" in page
    assert "Nobody is asked again" in page


def test_unknown_or_malformed_ids_are_refused_with_a_message(client, catalogue, member):
    site = Site.objects.create(key="fresh", name="Fresh")
    client.force_login(member(site, "editor"))
    page = client.get("/console/sites/fresh/vendors", {"paste": "755, abc"}).content.decode()
    assert "Not vendor ids: abc" in page
    answer = client.post("/console/sites/fresh/vendors", {"sel": "755,999999", "mode": "listed"})
    assert answer.status_code == 200
    assert "999999" in answer.content.decode()
    assert site.vendors.count() == 0


def test_viewers_cannot_save_and_strangers_cannot_see(client, catalogue, member):
    site = Site.objects.create(key="fresh", name="Fresh")
    other = Site.objects.create(key="other", name="Other")
    client.force_login(member(site, "viewer"))
    assert client.get("/console/sites/fresh/vendors").status_code == 200
    assert client.post("/console/sites/fresh/vendors", {"sel": "755", "mode": "listed"}).status_code == 404
    assert site.vendors.count() == 0
    assert client.get(f"/console/sites/{other.key}/vendors").status_code == 404
    client.logout()
    assert client.get("/console/sites/fresh/vendors").status_code == 302


def test_all_vendors_stays_possible_with_a_warning(client, catalogue, member):
    site = Site.objects.create(key="fresh", name="Fresh")
    client.force_login(member(site, "owner"))
    page = client.get("/console/sites/fresh/vendors", {"mode": "all"}).content.decode()
    assert "asks all your visitors again" in page
    client.post("/console/sites/fresh/vendors", {"sel": "", "mode": "all"})
    site.refresh_from_db()
    assert site.enable_all_vendors
    assert banner(client, "fresh")["vendor_count"] == len(catalogue.active_vendor_ids())


def test_a_preset_adds_its_vendors(client, catalogue, member):
    site = Site.objects.create(key="fresh", name="Fresh")
    client.force_login(member(site, "editor"))
    page = client.get(
        "/console/sites/fresh/vendors", {"sel": "25", "mode": "listed", "preset": "prebid-sample"}
    )
    sel = re.search(r'name="sel" value="([\d,]*)"', page.content.decode()).group(1)
    assert sorted(map(int, sel.split(","))) == [10, 25, 42, 91, 131, 755]

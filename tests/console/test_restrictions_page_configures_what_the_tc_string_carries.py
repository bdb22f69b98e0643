"""The console's restrictions page: an editor adds a restriction on a disclosed vendor, declares the
publisher's own purposes and a custom purpose; what TCF refuses comes back as a message; the
banner document names the publisher's purposes; viewers only read."""

from __future__ import annotations

import json

from sites.models import Site

URL = "/console/sites/fresh/restrictions"


def test_editor_configures_restrictions_and_purposes(client, catalogue, member):
    site = Site.objects.create(key="fresh", name="Fresh")
    site.vendors.set([755, 25])
    client.force_login(member(site, "editor"))
    page = client.get(URL).content.decode()
    assert '<option value="755">Google Advertising Products (755)</option>' in page

    done = client.post(
        URL, {"action": "add_restriction", "vendor": "755", "purpose": "2", "type": "1"}, follow=True
    )
    assert "Restriction saved." in done.content.decode()
    assert 'data-restriction="2-755-1"' in done.content.decode()
    refused = client.post(
        URL, {"action": "add_restriction", "vendor": "25", "purpose": "2", "type": "2"}, follow=True
    )
    assert "not flexible" in refused.content.decode()
    assert site.restrictions.count() == 1

    client.post(URL, {"action": "publisher_purposes", "consent": ["1", "3"], "li": ["2"]})
    client.post(URL, {"action": "add_custom", "name": "Newsletter", "description": "", "basis": "consent"})
    banner = json.loads(client.get("/api/v1/sites/fresh/banner").content)
    document = json.loads(client.get(banner["preferences_url"]).content)
    assert document["publisher"]["consent_purposes"] == [1, 3]
    assert document["publisher"]["li_purposes"] == [2]
    assert document["publisher"]["custom_purposes"][0]["name"] == "Newsletter"

    bad = client.post(URL, {"action": "publisher_purposes", "consent": [], "li": ["4"]}, follow=True)
    assert "allow consent only" in bad.content.decode()


def test_viewer_reads_but_cannot_change(client, catalogue, member):
    site = Site.objects.create(key="fresh", name="Fresh")
    site.vendors.set([755])
    client.force_login(member(site, "viewer"))
    assert "Add a restriction" not in client.get(URL).content.decode()
    answer = client.post(URL, {"action": "add_restriction", "vendor": "755", "purpose": "2", "type": "0"})
    assert answer.status_code == 404
    assert not site.restrictions.exists()

"""`/` is the console's landing page: a signed-in staff user sees the sites they are a member of,
each with a status line and links to its pages; anyone else sees a short product page with a
sign-in link; the admin's "View site" link leads there."""

from __future__ import annotations

import re

from consent.choices import ChoiceRequest
from consent.services import record_consent

STATUS = re.compile(r"<p class=\"status\" data-status>(.*?)</p>")


def test_anonymous_visitor_gets_the_product_page_with_a_sign_in_link(client, db):
    answer = client.get("/")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Consent management you host yourself" in html
    assert 'href="/admin/login/?next=/"' in html
    assert "Your sites" not in html


def test_staff_sees_only_their_sites_with_a_status_line(client, site, other_site, member):
    user = member(site, "viewer")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert site.name in html
    assert other_site.name not in html
    status = STATUS.search(html).group(1)
    assert "no consent yet" in status
    assert "Banner not seen" in status
    assert "GVL v" in status

    record_consent(site, ChoiceRequest(action="accept_all"))
    status = STATUS.search(client.get("/").content.decode()).group(1)
    assert status.startswith("Banner live")
    assert "last consent 20" in status


def test_a_banner_display_makes_the_site_live(client, site, member):
    client.force_login(member(site))
    assert client.post(f"/api/v1/sites/{site.key}/shown").status_code == 204
    assert STATUS.search(client.get("/").content.decode()).group(1).startswith("Banner live")


def test_a_policy_change_shows_as_a_reprompt_reason(client, site, member):
    client.force_login(member(site))
    record_consent(site, ChoiceRequest(action="reject_all"))
    site.policy_version = "2"
    site.save()
    assert "privacy policy version changed" in client.get("/").content.decode()


def test_admin_view_site_link_leads_to_the_landing_page(client, site, member):
    client.force_login(member(site))
    admin_index = client.get("/admin/").content.decode()
    assert re.search(r'<a href="/">View site</a>', admin_index)
    assert "Your sites" in client.get("/").content.decode()

"""Data-subject requests in the console (Data-subject requests → Look up a visitor): the visitor's
history, an export and an erasure, each logged with who handled it and why; the API's export and
erasure are logged the same way; only the site's owners may erase, only its members may look."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from consent.models import ConsentAction, ConsentRecord
from consent.subject_requests.models import DataSubjectRequest, RequestChannel, RequestKind
from sites.models import SiteMember, SiteRole

LOOKUP = "/admin/consent/datasubjectrequest/lookup/"


def staff(client, site, role, name="dpo"):
    user = get_user_model().objects.create_user(name, password="a-long-password-1", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_datasubjectrequest"))
    SiteMember.objects.create(site=site, user=user, role=role)
    client.force_login(user)
    return user


@pytest.fixture
def visitor(api, site):
    first = api.consent(site.key, {"action": "accept_all"}).json()
    assert api.choose(site.key, first, {"action": "reject_all"}).status_code == 201
    return first["user_id"]


def test_the_lookup_shows_the_visitors_history(client, site, visitor):
    staff(client, site, SiteRole.VIEWER)
    page = client.get(LOOKUP, {"site": site.pk, "user_id": visitor}).content.decode()
    assert page.count("<td>accept_all</td>") == 1
    assert page.count("<td>reject_all</td>") == 1
    assert "Erasure needs the owner role" in page


def test_an_export_downloads_the_history_and_is_logged(client, site, visitor):
    user = staff(client, site, SiteRole.VIEWER)
    response = client.post(
        LOOKUP, {"site": site.pk, "user_id": visitor, "reason": "Art. 15 request, ticket 12", "do": "export"}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = json.loads(response.content)
    assert [r["action"] for r in body["records"]] == ["reject_all", "accept_all"]
    logged = DataSubjectRequest.objects.get()
    assert (logged.kind, logged.channel, logged.handled_by, logged.records_found) == (
        RequestKind.ACCESS,
        RequestChannel.CONSOLE,
        user,
        2,
    )
    assert logged.reason == "Art. 15 request, ticket 12"


def test_an_owner_erases_with_a_reason_and_the_erasure_is_logged(client, site, visitor):
    user = staff(client, site, SiteRole.OWNER)
    form = {"site": site.pk, "user_id": visitor, "reason": "Art. 17 by e-mail", "do": "erase"}
    unconfirmed = client.post(LOOKUP, form)
    assert unconfirmed.status_code == 302
    assert ConsentRecord.objects.filter(user_id=visitor).count() == 2, "nothing erased without the tick"

    assert client.post(LOOKUP, {**form, "confirm": "on"}).status_code == 302
    remaining = list(ConsentRecord.objects.filter(user_id=visitor).values_list("action", flat=True))
    assert remaining == [ConsentAction.ERASE]
    logged = DataSubjectRequest.objects.get()
    assert (logged.kind, logged.handled_by_name, logged.records_found) == (
        RequestKind.ERASURE,
        user.username,
        2,
    )
    assert str(logged.erasure_id) == str(ConsentRecord.objects.get(user_id=visitor).consent_id)


def test_a_viewer_cannot_erase(client, site, visitor):
    staff(client, site, SiteRole.VIEWER)
    form = {"site": site.pk, "user_id": visitor, "reason": "x", "do": "erase", "confirm": "on"}
    assert client.post(LOOKUP, form).status_code == 403
    assert ConsentRecord.objects.filter(user_id=visitor).count() == 2


def test_another_publishers_staff_can_neither_look_up_nor_act(client, site, other_site, visitor):
    staff(client, other_site, SiteRole.OWNER)
    page = client.get(LOOKUP, {"site": site.pk, "user_id": visitor}).content.decode()
    assert "accept_all" not in page
    form = {"site": site.pk, "user_id": visitor, "reason": "x", "do": "erase", "confirm": "on"}
    client.post(LOOKUP, form)
    assert ConsentRecord.objects.filter(user_id=visitor).count() == 2
    assert not DataSubjectRequest.objects.exists()


def test_requests_through_the_api_are_logged_with_the_key(api, site, visitor, api_key_for):
    key = api_key_for(site)
    assert api.get(f"/api/v1/sites/{site.key}/users/{visitor}/export", key).status_code == 200
    assert api.delete(f"/api/v1/sites/{site.key}/users/{visitor}", key).status_code == 200
    logged = list(DataSubjectRequest.objects.order_by("id").values_list("kind", "channel", "handled_by_name"))
    assert [(kind, channel) for kind, channel, _ in logged] == [
        (RequestKind.ACCESS, RequestChannel.API),
        (RequestKind.ERASURE, RequestChannel.API),
    ]
    assert all(name.startswith(f"API key {key[:12]}") for _, _, name in logged)

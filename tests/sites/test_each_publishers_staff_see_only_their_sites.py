"""Attack (finding "No per-site staff permissions"): a staff user allowed to add API keys minted a
key for another publisher's site, then exported and erased its records. Two publishers' staff, each
owner of one site, with every model permission: every admin page, form, action and export shows
and changes only their own site's rows; a viewer sees but changes nothing; the shared catalogue is
for superusers only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from consent import services
from consent.api_keys import issue_key
from consent.models import ApiKey, ConsentDeletion, ConsentRecord, ConsentSeal, RecordedChoice
from consent.webhooks.models import WebhookEndpoint
from sites.models import CookieCategory, CookieDeclaration, Site, SiteMember, SiteRole, SiteText
from vendors.models import Vendor


def staff(name: str, site: Site, role: str) -> Client:
    user = User.objects.create_user(name, password="x" * 20, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["sites", "consent", "vendors"])
    )
    SiteMember.objects.create(site=site, user=user, role=role)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def publishers(api, site, other_site, settings):
    settings.CMP_SEAL_GRACE_SECONDS = 0
    for each in (site, other_site):
        visitor = api.consent(each.key, {"action": "accept_all"}).json()
        api.consent(each.key, {"action": "reject_all"})
        issue_key(each, f"{each.key}-key")
        category = CookieCategory.objects.get(site=each, slug="analytics")
        CookieDeclaration.objects.create(category=category, name=f"_{each.key}_id", domain=each.domains[0])
        SiteText.objects.create(site=each, language="en", title=f"{each.key} title")
        WebhookEndpoint.objects.create(site=each, url=f"https://hooks.{each.key}.example/in")
        services.seal_site(each)
        services.erase_user(each, visitor["user_id"])
    return staff("alice", site, SiteRole.OWNER), staff("bob", other_site, SiteRole.OWNER)


CHANGELISTS = [
    ("sites", "site", lambda row: row),
    ("sites", "cookiecategory", lambda row: row.site),
    ("sites", "cookiedeclaration", lambda row: row.category.site),
    ("sites", "sitetext", lambda row: row.site),
    ("consent", "apikey", lambda row: row.site),
    ("consent", "consentrecord", lambda row: row.site),
    ("consent", "recordedchoice", lambda row: row.site),
    ("consent", "consentseal", lambda row: row.site),
    ("consent", "consentdeletion", lambda row: row.site),
    ("consent", "webhookendpoint", lambda row: row.site),
]


@pytest.mark.parametrize(("app", "model", "site_of"), CHANGELISTS, ids=[m for _, m, _ in CHANGELISTS])
def test_every_list_shows_only_the_users_site(publishers, site, other_site, app, model, site_of):
    for client, own, foreign in zip(publishers, (site, other_site), (other_site, site), strict=True):
        response = client.get(f"/admin/{app}/{model}/")
        assert response.status_code == 200, (model, response.status_code)
        rows = list(response.context["cl"].queryset)
        assert rows, f"{model}: the user's own rows are missing"
        assert {site_of(row) for row in rows} == {own}
        page = response.content.decode()
        assert f"?site__id__exact={foreign.pk}" not in page, "the site filter lists another publisher"


def change_url(obj) -> str:
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def test_another_sites_objects_cannot_be_opened_or_changed(publishers, site, other_site):
    alice, _ = publishers
    foreign = [
        other_site,
        CookieCategory.objects.filter(site=other_site).first(),
        CookieDeclaration.objects.get(category__site=other_site),
        SiteText.objects.get(site=other_site),
        ApiKey.objects.get(site=other_site),
        ConsentRecord.objects.filter(site=other_site).first(),
        RecordedChoice.objects.filter(site=other_site).first(),
        ConsentSeal.objects.get(site=other_site),
        ConsentDeletion.objects.get(site=other_site),
        WebhookEndpoint.objects.get(site=other_site),
    ]
    for obj in foreign:
        response = alice.get(change_url(obj))
        assert response.status_code == 302, (obj, response.status_code)  # "doesn't exist", to the index
        alice.post(change_url(obj), {"name": "taken over", "revoked": "on"})
    assert Site.objects.get(pk=other_site.pk).name == "Site beta"
    assert not ApiKey.objects.get(site=other_site).revoked
    assert alice.post(f"/admin/sites/site/{other_site.pk}/delete/", {"post": "yes"}).status_code == 302
    assert Site.objects.filter(pk=other_site.pk).exists()


def test_a_key_for_another_site_cannot_be_minted(publishers, site, other_site):
    alice, _ = publishers
    form = alice.get("/admin/consent/apikey/add/").context["adminform"].form
    assert list(form.fields["site"].queryset) == [site]
    response = alice.post(
        "/admin/consent/apikey/add/", {"site": other_site.pk, "name": "stolen", "scopes": ["erase"]}
    )
    assert response.status_code == 200
    assert "site" in response.context["adminform"].form.errors
    assert not ApiKey.objects.filter(name="stolen").exists()
    # The same for the other site-bound forms.
    foreign_category = CookieCategory.objects.filter(site=other_site).first()
    alice.post("/admin/sites/cookiedeclaration/add/", {"category": foreign_category.pk, "name": "_planted"})
    alice.post("/admin/sites/sitetext/add/", {"site": other_site.pk, "language": "fr", "title": "planted"})
    alice.post(
        "/admin/consent/webhookendpoint/add/", {"site": other_site.pk, "url": "https://evil.example/x"}
    )
    assert not CookieDeclaration.objects.filter(name="_planted").exists()
    assert not SiteText.objects.filter(title="planted").exists()
    assert not WebhookEndpoint.objects.filter(url="https://evil.example/x").exists()


def test_actions_and_exports_cover_only_the_users_site(publishers, site, other_site):
    alice, _ = publishers
    every_record = list(ConsentRecord.objects.values_list("pk", flat=True))
    export = alice.post(
        "/admin/consent/consentrecord/",
        {"action": "export_csv", "_selected_action": every_record, "select_across": "0"},
    )
    assert export.status_code == 200
    csv = b"".join(export.streaming_content).decode()
    assert csv.count("\n") - 1 == ConsentRecord.objects.filter(site=site).count()
    for record in ConsentRecord.objects.filter(site=other_site):
        assert str(record.consent_id) not in csv
    # The shared catalogue's actions and import are for superusers.
    vendor = Vendor.objects.filter(enabled=True).first()
    alice.post("/admin/vendors/vendor/", {"action": "disable_selected", "_selected_action": [vendor.pk]})
    vendor.refresh_from_db()
    assert vendor.enabled
    assert alice.get("/admin/vendors/gvlversion/import/").status_code == 403


def test_a_viewer_sees_but_changes_nothing(publishers, site, api):
    viewer = staff("carol", site, SiteRole.VIEWER)
    assert viewer.get("/admin/consent/consentrecord/").status_code == 200
    assert viewer.get("/admin/consent/apikey/add/").status_code == 403
    key = ApiKey.objects.get(site=site)
    viewer.post(change_url(key), {"name": key.name, "scopes": ["read"], "revoked": "on"})
    key.refresh_from_db()
    assert not key.revoked
    viewer.post(change_url(site), {"name": "renamed by a viewer"})
    assert Site.objects.get(pk=site.pk).name == "Site alpha"
    # An editor changes the site's configuration but not its keys.
    editor = staff("dave", site, SiteRole.EDITOR)
    assert editor.get(change_url(site)).status_code == 200
    assert editor.get("/admin/consent/apikey/add/").status_code == 403

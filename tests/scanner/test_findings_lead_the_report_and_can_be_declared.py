"""Findings: violations first, undeclared cookies with a one-click "add to declarations" in the
proposed category, declared cookies never seen, and the changes since the site's previous scan;
the admin report shows them first and exports the scan as CSV and JSON; only members see a site's
scans and only editors declare."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from scanner.models import Finding
from sites.models import CookieDeclaration, SiteMember, SiteRole

FIRST = "www.alpha.example"


@pytest.fixture
def declared(site):
    necessary = site.categories.get(slug="necessary")
    CookieDeclaration.objects.create(category=necessary, name="sessionid")
    CookieDeclaration.objects.create(category=site.categories.get(slug="advertisement"), name="old_ad")
    return site


def kinds(scan):
    return [(f.kind, f.name, tuple(f.runs), f.category) for f in Finding.objects.filter(scan=scan)]


def test_findings_and_changes_since_the_previous_scan(declared, stored_scan):
    first = stored_scan(
        declared,
        {
            "no_choice": [("sessionid", FIRST, "first"), ("_ga", FIRST, "first")],
            "reject_all": [("sessionid", FIRST, "first")],
            "accept_all": [("sessionid", FIRST, "first"), ("_ga", FIRST, "first"), ("_fbp", FIRST, "first")],
        },
    )
    assert kinds(first) == [
        ("violation", "_ga", ("no_choice",), "analytics"),
        ("undeclared", "_ga", ("no_choice", "accept_all"), "analytics"),
        ("undeclared", "_fbp", ("accept_all",), "advertisement"),
        ("not_seen", "old_ad", (), "advertisement"),
    ]
    second = stored_scan(
        declared,
        {
            "no_choice": [("sessionid", FIRST, "first")],
            "accept_all": [("_fbp", FIRST, "first"), ("x_new", FIRST, "first")],
        },
    )
    changes = [(f.kind, f.name) for f in Finding.objects.filter(scan=second, kind__in=["new", "gone"])]
    assert changes == [("new", "x_new"), ("gone", "_ga")]
    assert second.summary["findings"] == {"violation": 0, "undeclared": 2, "not_seen": 1, "new": 1, "gone": 1}


@pytest.fixture
def editor(declared, client):
    user = get_user_model().objects.create_user("ed", password="pw", is_staff=True)
    SiteMember.objects.create(site=declared, user=user, role=SiteRole.EDITOR)
    client.force_login(user)
    return user


def test_report_shows_findings_first_and_declares_in_one_click(editor, declared, stored_scan, client):
    scan = stored_scan(
        declared, {"no_choice": [("_ga", FIRST, "first"), ("embed_uid", "cdn.other.example", "third")]}
    )
    page = client.get(reverse("admin:scanner_scan_report", args=[scan.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index('id="findings"') < html.index('id="cookies"') < html.index('id="requests"')
    assert "Add to declarations (analytics)" in html
    assert "Add to declarations (uncategorised)" in html

    ga = Finding.objects.get(scan=scan, kind="undeclared", name="_ga")
    answer = client.post(reverse("admin:scanner_finding_declare", args=[ga.pk]))
    assert answer.status_code == 302
    declaration = CookieDeclaration.objects.get(name="_ga")
    assert (declaration.category.slug, declaration.source) == ("analytics", f"Cookie scan {scan.pk}")
    other = Finding.objects.get(scan=scan, kind="undeclared", name="embed_uid")
    client.post(reverse("admin:scanner_finding_declare", args=[other.pk]))
    assert CookieDeclaration.objects.get(name="embed_uid").category.slug == "uncategorised"
    after = client.get(reverse("admin:scanner_scan_report", args=[scan.pk])).content.decode()
    assert after.count('<span class="muted">declared</span>') == 2
    assert "Add to declarations" not in after
    # A violation is not something to declare.
    violation = Finding.objects.get(scan=scan, kind="violation", name="_ga")
    client.post(reverse("admin:scanner_finding_declare", args=[violation.pk]))
    assert CookieDeclaration.objects.filter(name="_ga").count() == 1


def test_export_as_csv_and_json(editor, declared, stored_scan, client):
    scan = stored_scan(
        declared, {"no_choice": [("_ga", FIRST, "first")], "accept_all": [("_ga", FIRST, "first")]}
    )
    text = client.get(reverse("admin:scanner_scan_export", args=[scan.pk, "csv"])).content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["run"], r["name"], r["category"], r["match_source"]) for r in rows] == [
        ("no_choice", "_ga", "analytics", "ocd"),
        ("accept_all", "_ga", "analytics", "ocd"),
    ]
    report = json.loads(client.get(reverse("admin:scanner_scan_export", args=[scan.pk, "json"])).content)
    assert report["findings"][0] == {
        "kind": "violation", "subject": "cookie", "name": "_ga", "domain": FIRST, "runs": ["no_choice"],
        "category": "analytics", "detail": report["findings"][0]["detail"],
    }  # fmt: skip
    assert len(report["items"]) == 2


def test_only_members_see_and_only_editors_declare(declared, other_site, stored_scan, client):
    scan = stored_scan(declared, {"no_choice": [("_ga", FIRST, "first")]})
    viewer = get_user_model().objects.create_user("vi", password="pw", is_staff=True)
    SiteMember.objects.create(site=declared, user=viewer, role=SiteRole.VIEWER)
    outsider = get_user_model().objects.create_user("out", password="pw", is_staff=True)
    SiteMember.objects.create(site=other_site, user=outsider, role=SiteRole.OWNER)
    finding = Finding.objects.get(scan=scan, kind="undeclared")
    client.force_login(outsider)
    assert client.get(reverse("admin:scanner_scan_report", args=[scan.pk])).status_code == 403
    client.force_login(viewer)
    assert client.get(reverse("admin:scanner_scan_report", args=[scan.pk])).status_code == 200
    assert client.post(reverse("admin:scanner_finding_declare", args=[finding.pk])).status_code == 403
    assert not CookieDeclaration.objects.filter(name="_ga").exists()

"""Acceptance: the test site (tests/scanner/conftest.py) scanned in real Chromium gives exactly the
expected pages, runs, cookies, storage, parties, classifications and findings: the analytics cookie
a script writes before any choice is a violation, the one the data-category script writes after
Accept All is not."""

from __future__ import annotations

import pytest

from scanner import service
from scanner.models import Finding, FoundCookie, FoundRequest, FoundStorage, ScanStatus

pytestmark = pytest.mark.browser

CONSENT_COOKIES = {
    ("euconsent-v2", "127.0.0.1", "first", "necessary", "cmp"),
    ("addtl_consent", "127.0.0.1", "first", "necessary", "cmp"),
    ("cmp_consent", "127.0.0.1", "first", "necessary", "cmp"),
}
ALWAYS = {
    ("csrftoken", "127.0.0.1", "first", "necessary", "declaration"),
    ("_ga", "127.0.0.1", "first", "analytics", "ocd"),
    ("embed_uid", "localhost", "third", "", ""),
}
STORAGE = {
    ("local", "127.0.0.1", "lang_pref", "first", "necessary", "declaration"),
    ("session", "127.0.0.1", "cart_token", "first", "necessary", "declaration"),
    ("local", "localhost", "embed_seen", "third", "", ""),
}


@pytest.fixture
def scan(scanned_site, test_site_server):
    queued = service.request_scan(scanned_site, urls=[test_site_server.url + "/"], trigger="command")
    return service.run_scan(queued.pk)


def test_scan_of_the_test_site(scan, test_site_server):
    base = test_site_server.url
    assert scan.status == ScanStatus.FINISHED, scan.error
    pages = {(p.url.removeprefix(base), p.depth, p.source, p.status) for p in scan.pages.all()}
    assert pages == {
        ("/", 0, "publisher", "done"),
        ("/from-sitemap.html", 0, "sitemap", "done"),
        ("/about.html", 1, "link", "done"),
        ("/private/secret.html", 1, "link", "blocked"),
        ("/missing.html", 1, "link", "failed"),
        ("/about/team.html", 2, "link", "done"),
    }
    assert scan.pages.get(url=base + "/private/secret.html").error == "Blocked by robots.txt."
    missing = scan.pages.get(url=base + "/missing.html")
    assert (missing.http_status, missing.error.splitlines()) == (
        404,
        ["No choice made: HTTP 404", "After Reject All: HTTP 404", "After Accept All: HTTP 404"],
    )
    assert (scan.pages_done, scan.pages_planned) == (6, 6)
    runs = {r.kind: r for r in scan.runs.all()}
    assert {k: (r.pages_loaded, r.error) for k, r in runs.items()} == {
        "no_choice": (5, ""),
        "reject_all": (5, ""),
        "accept_all": (5, ""),
    }

    def cookies(kind):
        return {
            (c.name, c.domain, c.party, c.category, c.match_source)
            for c in FoundCookie.objects.filter(run=runs[kind])
        }

    assert cookies("no_choice") == ALWAYS
    assert cookies("reject_all") == ALWAYS | CONSENT_COOKIES
    assert cookies("accept_all") == ALWAYS | CONSENT_COOKIES | {
        ("_pk_id.1.a1b2", "127.0.0.1", "first", "analytics", "declaration")
    }
    for kind in runs:
        assert {
            (s.area, s.origin.split("//")[1].split(":")[0], s.key, s.party, s.category, s.match_source)
            for s in FoundStorage.objects.filter(run=runs[kind])
        } == STORAGE

    no_choice = {c.name: c for c in FoundCookie.objects.filter(run=runs["no_choice"])}
    csrf, ga, embed = no_choice["csrftoken"], no_choice["_ga"], no_choice["embed_uid"]
    assert (csrf.set_by, csrf.set_by_url, csrf.http_only, csrf.expires_at, csrf.same_site) == (
        "header",
        base + "/",
        True,
        None,
        "Lax",
    )
    assert (ga.set_by, ga.set_by_url, ga.http_only, ga.before_choice) == ("script", base + "/", False, True)
    assert ga.expires_at is not None
    assert ga.first_page.url == base + "/"
    assert ga.page_count == 4
    embed_url = base.replace("127.0.0.1", "localhost") + "/embed"
    assert (embed.set_by, embed.set_by_url, embed.secure, embed.same_site) == (
        "header",
        embed_url,
        True,
        "None",
    )
    tagged = FoundCookie.objects.get(run=runs["accept_all"], name="_pk_id.1.a1b2")
    assert tagged.set_by == "script"
    assert not tagged.before_choice

    requests = {
        (r.run.kind, r.host, r.resource_type, r.before_choice, r.count, r.initiator.removeprefix(base))
        for r in FoundRequest.objects.filter(run__scan=scan).select_related("run")
    }
    # Each of the 4 pages embeds the third-party frame (the initiator: the page of its first load);
    # the banner is served from 127.0.0.1, first party.
    assert requests == {
        ("no_choice", "localhost", "document", True, 4, "/"),
        ("reject_all", "localhost", "document", False, 4, "/"),
        ("accept_all", "localhost", "document", False, 4, "/"),
    }

    findings = [
        (f.kind, f.subject, f.name, tuple(f.runs), f.category) for f in Finding.objects.filter(scan=scan)
    ]
    assert findings == [
        ("violation", "cookie", "_ga", ("no_choice", "reject_all"), "analytics"),
        ("violation", "cookie", "embed_uid", ("no_choice", "reject_all"), ""),
        ("violation", "localStorage", "embed_seen", ("no_choice", "reject_all"), ""),
        ("undeclared", "cookie", "_ga", ("no_choice", "reject_all", "accept_all"), "analytics"),
        ("undeclared", "cookie", "embed_uid", ("no_choice", "reject_all", "accept_all"), ""),
        ("undeclared", "localStorage", "embed_seen", ("no_choice", "reject_all", "accept_all"), ""),
        ("not_seen", "declaration", "old_ad_cookie", (), "advertisement"),
    ]
    assert scan.summary["findings"] == {"violation": 3, "undeclared": 3, "not_seen": 1, "new": 0, "gone": 0}


def test_report_page_shows_the_scan_findings_first(scan, live_server, chromium, client, screenshots_dir):
    """The admin report of the same scan, as a publisher sees it (docs/screenshots/scan-report.png)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(admin)
    context = chromium.new_context(viewport={"width": 1400, "height": 1100})
    try:
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
        page = context.new_page()
        page.goto(live_server.url + reverse("admin:scanner_scan_report", args=[scan.pk]))
        rows = page.locator("#findings tbody tr")
        assert rows.count() == 7
        assert rows.first.locator(".badge").inner_text() == "Set before consent"
        assert rows.nth(3).get_by_role("button").inner_text() == "Add to declarations (analytics)"
        page.screenshot(path=screenshots_dir / "scan-report.png")
        page.locator("#findings tbody tr").nth(3).get_by_role("button").click()
        assert page.locator(".messagelist").inner_text() == "_ga added to Analytics."
    finally:
        context.close()


def test_private_addresses_are_refused_unless_allowed(scanned_site, test_site_server, settings):
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = False
    scan = service.run_scan(service.request_scan(scanned_site, urls=[test_site_server.url + "/"]).pk)
    page = scan.pages.get()
    assert page.status == "failed"
    assert "is not a public internet address; it is not fetched." in page.error
    assert not FoundCookie.objects.filter(run__scan=scan).exists()
    assert {r.kind: r.error.startswith("Refused: ") for r in scan.runs.all()} == {
        "no_choice": False,
        "reject_all": True,
        "accept_all": True,
    }

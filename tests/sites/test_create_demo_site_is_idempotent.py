"""`manage.py create_demo_site` creates the `demo` site once (all vendors, ATPs, categories with real
cookie declarations, English and French texts, the local origins) and changes nothing on a rerun;
the demo page embeds the banner."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from sites.models import CATEGORY_SLUGS, CookieDeclaration, Site, SiteText


def run() -> str:
    out = StringIO()
    call_command("create_demo_site", stdout=out)
    return out.getvalue()


def test_demo_site_is_created_once(catalogue, api):
    first = run()
    assert "created site 'demo'" in first
    site = Site.objects.get(key="demo")
    assert site.enable_all_vendors
    assert site.enable_all_atps
    assert set(site.allowed_origins) >= {"http://127.0.0.1:8000", "http://localhost:8000"}
    assert list(site.categories.values_list("slug", flat=True)) == list(CATEGORY_SLUGS)
    assert set(SiteText.objects.filter(site=site).values_list("language", flat=True)) == {"en", "fr"}
    cookies = CookieDeclaration.objects.filter(category__site=site)
    assert cookies.filter(name="_ga", category__slug="analytics").exists()
    assert cookies.filter(source__startswith="Open Cookie Database").count() >= 15
    counts = (cookies.count(), site.categories.count(), SiteText.objects.count())

    assert "nothing to do" in run()
    assert (cookies.count(), site.categories.count(), SiteText.objects.count()) == counts

    banner = api.get("/api/v1/sites/demo/banner", Origin="http://localhost:8000")
    assert banner.status_code == 200
    assert banner["Access-Control-Allow-Origin"] == "http://localhost:8000"
    assert banner.json()["vendor_count"] == len(catalogue.active_vendor_ids())
    assert api.consent("demo", {"action": "accept_all"}).status_code == 201


def test_rerun_keeps_operator_changes(catalogue):
    run()
    site = Site.objects.get(key="demo")
    site.name = "Renamed"
    site.policy_version = "7"
    site.save()
    run()
    site.refresh_from_db()
    assert (site.name, site.policy_version) == ("Renamed", "7")


def test_demo_page_embeds_the_stub_and_the_banner_script(client, catalogue):
    run()
    page = client.get("/demo/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="/static/consent/cmp.js"' in html
    assert 'data-site="demo"' in html
    assert "__tcfapi" in html  # the inline stub
    assert '<script type="text/plain" data-category="analytics">' in html


def test_a_new_site_starts_with_the_standard_categories(catalogue):
    site = Site.objects.create(key="fresh", name="Fresh")
    assert list(site.categories.values_list("slug", flat=True)) == list(CATEGORY_SLUGS)

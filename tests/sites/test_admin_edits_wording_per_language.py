"""The admin edits a category's wording one row per language and says, per site language, whether
the IAB's texts and the project's strings exist for it."""

import pytest
from django.urls import reverse

from sites.models import CookieCategoryText, Site

pytestmark = pytest.mark.django_db


def test_site_page_reports_each_language(admin_client, catalogue):
    site = Site.objects.create(key="multi", name="Multi", languages=["de", "ga", "tr", "en"])

    page = admin_client.get(reverse("admin:sites_site_change", args=[site.pk])).content.decode()

    assert "de: IAB texts and the banner&#x27;s strings available." in page
    assert "ga: no IAB translation imported (purposes-ga.json); shown in de." in page
    assert "tr: no project translation of the banner&#x27;s own strings; add a site text." in page


def test_category_wording_is_added_per_language_in_the_admin(admin_client, catalogue):
    site = Site.objects.create(key="multi", name="Multi", languages=["en", "de"])
    category = site.categories.get(slug="analytics")
    url = reverse("admin:sites_cookiecategory_change", args=[category.pk])
    form = admin_client.get(url)
    assert form.status_code == 200
    assert "names and descriptions in other languages" in form.content.decode().lower()

    answer = admin_client.post(
        url,
        {
            "site": site.pk,
            "slug": "analytics",
            "name": category.name,
            "description": category.description,
            "position": category.position,
            "texts-TOTAL_FORMS": "1",
            "texts-INITIAL_FORMS": "0",
            "texts-0-language": "de",
            "texts-0-name": "Reichweitenmessung",
            "texts-0-description": "",
            "cookies-TOTAL_FORMS": "0",
            "cookies-INITIAL_FORMS": "0",
        },
    )

    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert CookieCategoryText.objects.get(category=category, language="de").name == "Reichweitenmessung"

"""A staff user with the right to add sites creates one in the admin with list fields typed one per
line; they become its owner, see it (and only the sites they are members of) in the admin."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from sites.models import Site, SiteMember

INLINES = {
    f"{prefix}-{name}": value
    for prefix in ("categories", "jurisdiction_rules", "texts", "theme")
    for name, value in (
        ("TOTAL_FORMS", "0"),
        ("INITIAL_FORMS", "0"),
        ("MIN_NUM_FORMS", "0"),
        ("MAX_NUM_FORMS", "1000"),
    )
}


def test_creator_becomes_owner_and_sees_only_their_sites(client, other_site):
    user = get_user_model().objects.create_user(username="publisher", password="pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="sites", codename__in=["add_site", "change_site", "view_site"]
        )
    )
    client.force_login(user)
    answer = client.post(
        "/admin/sites/site/add/",
        {
            **INLINES,
            "key": "shop",
            "name": "Shop",
            "domains": "www.shop.example",
            "allowed_origins": "https://www.shop.example\nhttps://shop.example",
            "default_language": "en",
            "languages": ["fr"],
            "publisher_country_code": "DE",
            "consent_lifetime_days": "365",
            "policy_version": "1",
            "other_regions_experience": "opt_in",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    site = Site.objects.get(key="shop")
    assert site.allowed_origins == ["https://www.shop.example", "https://shop.example"]
    assert site.languages == ["en", "fr"]
    assert not site.enable_all_vendors
    assert SiteMember.objects.get(site=site, user=user).role == "owner"

    listing = client.get("/admin/sites/site/").content.decode()
    assert "shop" in listing
    assert other_site.name not in listing
    assert client.get(f"/admin/sites/site/{other_site.pk}/change/").status_code == 302

"""The banner's configuration documents (first layer, preferences, vendors): contents per contracts
§3, counts over the site's vendors, languages, ETag/304 revalidation, and CORS only for the site's
own origins."""

from __future__ import annotations

from vendors.catalogue import vendor_counts
from vendors.models import GoogleAtp


def test_banner_has_what_the_first_layer_needs(api, site, catalogue):
    response = api.get(f"/api/v1/sites/{site.key}/banner?lang=en")
    assert response.status_code == 200
    config = response.json()
    assert set(config) == {
        "site",
        "cmp",
        "consent_requirements",
        "jurisdiction",
        "texts",
        "categories",
        "purposes",
        "special_features",
        "stacks",
        "first_layer",
        "vendor_count",
        "atp_count",
        "preferences_url",
        "vendors_url",
        "consents_url",
        "theme",
        "interim",
    }
    assert config["site"]["key"] == site.key
    assert config["site"]["consent_lifetime_days"] == 730
    assert config["cmp"]["gvl_version"] == catalogue.vendor_list_version
    assert config["cmp"]["tcf_policy_version"] == catalogue.tcf_policy_version
    assert config["cmp"]["publisher_cc"] == "FR"
    texts = config["texts"]
    assert texts["title"] == "We value your privacy"
    assert (texts["customise"], texts["reject_all"], texts["accept_all"]) == (
        "Customise",
        "Reject All",
        "Accept All",
    )
    assert "save" not in texts  # the preferences' button: in their document
    assert config["categories"] == [
        {"slug": slug, "always_active": slug == "necessary"}
        for slug in ("necessary", "functional", "analytics", "performance", "advertisement", "uncategorised")
    ]
    active = catalogue.active_vendor_ids()
    assert config["vendor_count"] == len(active)
    assert config["atp_count"] == GoogleAtp.objects.filter(enabled=True, removed_at__isnull=True).count()
    counts = vendor_counts(catalogue, active)["purposes"]
    # Stacks are off by default: the first layer names each purpose and special feature in use.
    assert config["stacks"] == []
    assert config["first_layer"]["stacks"] == []
    used = {pid for pid, c in counts.items() if c["consent"] or c["legitimate_interest"]}
    assert config["first_layer"]["purposes"] == sorted(used & set(catalogue.purposes))
    # Their names, and nothing the first layer does not show.
    assert config["purposes"] == [
        {"id": pid, "name": catalogue.purposes[pid].name} for pid in config["first_layer"]["purposes"]
    ]
    assert config["consents_url"] == f"/api/v1/sites/{site.key}/consents"
    stamp = config["consent_requirements"]["stamp"]
    assert config["preferences_url"] == f"/api/v1/sites/{site.key}/preferences?lang=en&v={stamp}"
    assert len(response.content) < 12_000


def test_preferences_document_has_what_the_dialog_adds(api, site, catalogue):
    config = api.get(f"/api/v1/sites/{site.key}/banner?lang=en").json()
    response = api.get(config["preferences_url"])
    assert response.status_code == 200
    assert response["ETag"]
    assert "max-age" in response["Cache-Control"]
    preferences = response.json()
    assert set(preferences) == {
        "texts",
        "categories",
        "purposes",
        "special_purposes",
        "features",
        "special_features",
        "standard_texts",
        "publisher",
    }
    # Every text, the first layer's too (the banner merges the two documents).
    assert preferences["texts"]["save"] == "Save My Preferences"
    assert config["texts"].items() <= preferences["texts"].items()
    assert [c["slug"] for c in preferences["categories"]] == [c["slug"] for c in config["categories"]]
    assert all(c["description"] and "cookies" in c for c in preferences["categories"])
    active = catalogue.active_vendor_ids()
    counts = vendor_counts(catalogue, active)["purposes"]
    assert [p["id"] for p in preferences["purposes"]] == sorted(catalogue.purposes)
    for purpose in preferences["purposes"]:
        assert purpose["description"]
        assert purpose["consent_vendors"] == counts[purpose["id"]]["consent"]
        assert purpose["li_allowed"] is (purpose["id"] not in {1, 3, 4, 5, 6})
        if purpose["li_allowed"]:
            assert purpose["li_vendors"] == counts[purpose["id"]]["legitimate_interest"]
    assert [p["id"] for p in preferences["special_purposes"]] == sorted(catalogue.special_purposes)


def test_banner_speaks_the_requested_language(api, site, catalogue):
    french = api.get(f"/api/v1/sites/{site.key}/banner?lang=fr").json()
    assert french["site"]["language"] == "fr"
    assert french["texts"]["accept_all"] == "Tout accepter"
    assert api.get(french["preferences_url"]).json()["categories"][0]["name"] == "Nécessaires"
    english = api.get(f"/api/v1/sites/{site.key}/banner?lang=en").json()
    assert french["purposes"][0]["name"] != english["purposes"][0]["name"]
    fallback = api.get(f"/api/v1/sites/{site.key}/banner?lang=de").json()
    assert fallback["site"]["language"] == "en"


def test_site_texts_override_the_defaults(api, site):
    from sites.models import SiteText

    SiteText.objects.create(site=site, language="en", title="Cookies on Alpha", extra={"close": "Dismiss"})
    config = api.get(f"/api/v1/sites/{site.key}/banner").json()
    assert config["texts"]["title"] == "Cookies on Alpha"
    assert config["texts"]["accept_all"] == "Accept All"
    assert api.get(config["preferences_url"]).json()["texts"]["close"] == "Dismiss"


def test_etag_revalidates_and_changes_with_the_configuration(api, site):
    preferences = api.get(f"/api/v1/sites/{site.key}/banner").json()["preferences_url"]
    first = api.get(preferences)
    etag = first["ETag"]
    assert "max-age" in first["Cache-Control"]
    again = api.get(preferences, **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    category = site.categories.get(slug="analytics")
    category.name = "Audience measurement"
    category.save()
    changed = api.get(preferences, **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Audience measurement" in changed.content.decode()


def test_vendor_detail_lists_the_sites_vendors(api, site, catalogue):
    response = api.get(f"/api/v1/sites/{site.key}/vendors?lang=en")
    assert response.status_code == 200
    assert response["ETag"]
    detail = response.json()
    ids = [v["id"] for v in detail["vendors"]]
    assert ids == sorted(catalogue.active_vendor_ids())
    google = next(v for v in detail["vendors"] if v["id"] == 755)
    assert google["purposes"] == sorted(catalogue.vendors[755].purposes)
    assert google["leg_int_purposes"] == sorted(catalogue.vendors[755].leg_int_purposes)
    assert google["privacy_url"].startswith("https://")
    assert len(detail["data_categories"]) == len(catalogue.data_categories)
    assert len(detail["atps"]) == api.get(f"/api/v1/sites/{site.key}/banner").json()["atp_count"]


def test_cors_answers_only_the_sites_origins(api, site, other_site):
    allowed = api.get(f"/api/v1/sites/{site.key}/banner", Origin="https://www.alpha.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://www.alpha.example"
    assert "Access-Control-Allow-Credentials" not in allowed
    other = api.get(f"/api/v1/sites/{site.key}/banner", Origin="https://www.beta.example")
    assert "Access-Control-Allow-Origin" not in other
    post = api.consent(site.key, {"action": "accept_all"}, Origin="https://www.alpha.example")
    assert post.status_code == 201
    assert post["Access-Control-Allow-Origin"] == "https://www.alpha.example"
    preflight = api.client.options(
        f"/api/v1/sites/{site.key}/consents",
        headers={"Origin": "https://www.alpha.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "https://www.alpha.example"
    refused_preflight = api.client.options(
        f"/api/v1/sites/{site.key}/consents",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in refused_preflight
    # The downstream API is not for browsers.
    downstream = api.get(f"/api/v1/sites/{site.key}/users/x/consent", Origin="https://www.alpha.example")
    assert "Access-Control-Allow-Origin" not in downstream


def test_new_allowed_origin_takes_effect_at_once(api, site):
    api.get(f"/api/v1/sites/{site.key}/banner", Origin="https://shop.alpha.example")
    site.allowed_origins = [*site.allowed_origins, "https://shop.alpha.example"]
    site.save()
    response = api.get(f"/api/v1/sites/{site.key}/banner", Origin="https://shop.alpha.example")
    assert response["Access-Control-Allow-Origin"] == "https://shop.alpha.example"

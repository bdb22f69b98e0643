"""The requirements stamp a return visit revalidates on every page view: no-cache with an ETag (a
304 when nothing changed), the banner document's own consent_requirements, and a new stamp as soon
as the policy version or the disclosed vendors change, while the banner document stays cacheable."""

from __future__ import annotations

from vendors.models import Vendor


def requirements(api, site, **headers):
    return api.get(f"/api/v1/sites/{site.key}/requirements?lang=en", **headers)


def test_stamp_is_revalidated_and_matches_the_banner_document(api, site):
    first = requirements(api, site)
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, no-cache"
    assert requirements(api, site, **{"If-None-Match": first["ETag"]}).status_code == 304
    document = api.get(f"/api/v1/sites/{site.key}/banner?lang=en&v={first.json()['stamp']}")
    assert "max-age" in document["Cache-Control"]
    assert document.json()["consent_requirements"] == first.json()
    assert set(first.json()) == {"policy_version", "tcf_policy_version", "vendors_hash", "stamp"}


def test_a_policy_or_vendor_change_gives_a_new_stamp(api, site):
    before = requirements(api, site)
    site.policy_version = "2"
    site.save()
    after_policy = requirements(api, site, **{"If-None-Match": before["ETag"]})
    assert after_policy.status_code == 200
    assert after_policy.json()["policy_version"] == "2"
    assert after_policy.json()["stamp"] != before.json()["stamp"]

    site.enable_all_vendors = False
    site.save()
    site.vendors.set(Vendor.objects.filter(pk__in=[32, 755]))
    after_vendors = requirements(api, site).json()
    assert after_vendors["vendors_hash"] != after_policy.json()["vendors_hash"]
    assert after_vendors["stamp"] != after_policy.json()["stamp"]


def test_unknown_site_and_bad_language_are_refused(api, site):
    assert api.get("/api/v1/sites/no-such-site/requirements").status_code == 404
    assert api.get(f"/api/v1/sites/{site.key}/requirements?lang=en&lang=fr").status_code == 400

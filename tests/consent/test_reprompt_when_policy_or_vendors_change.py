"""A stored choice must be asked again when the site's policy version changes, when the GVL's policy
version rises, or when the site discloses vendors the choice was not given for; the banner config
exposes the requirements and the current-state API the reasons."""

from __future__ import annotations

from pathlib import Path

from vendors.importing import import_gvl
from vendors.models import GvlTranslation, GvlVersion, Vendor

REPO_ROOT = Path(__file__).resolve().parents[2]


def current_state(api, site, key, user):
    response = api.get(f"/api/v1/sites/{site.key}/users/{user}/consent", key=key)
    assert response.status_code == 200, response.content
    return response.json()


def requirements(api, site):
    return api.get(f"/api/v1/sites/{site.key}/banner").json()["consent_requirements"]


def test_policy_version_change_requires_a_new_choice(api, site, api_key_for):
    key = api_key_for(site)
    user = api.consent(site.key, {"action": "accept_all"}).json()["user_id"]
    before = requirements(api, site)
    assert before["policy_version"] == "1"
    site.policy_version = "2"
    site.save()
    assert requirements(api, site)["policy_version"] == "2"
    state = current_state(api, site, key, user)
    assert state["reprompt"] == {"required": True, "reasons": ["policy_version_changed"]}
    assert state["policy_version"] == "1"


def test_newly_enabled_vendors_require_a_new_choice(api, site, api_key_for):
    key = api_key_for(site)
    site.enable_all_vendors = False
    site.save()
    site.vendors.set(Vendor.objects.filter(pk__in=[32, 755]))
    user = api.consent(site.key, {"action": "accept_all"}).json()["user_id"]
    before = requirements(api, site)
    assert current_state(api, site, key, user)["reprompt"]["required"] is False

    # Fewer vendors: the banner's hash changes, but no vendor lacks a choice.
    site.vendors.set(Vendor.objects.filter(pk__in=[755]))
    site.save()
    assert requirements(api, site)["vendors_hash"] != before["vendors_hash"]
    assert current_state(api, site, key, user)["reprompt"]["required"] is False

    site.vendors.set(Vendor.objects.filter(pk__in=[32, 755, 10]))
    site.save()
    assert requirements(api, site)["vendors_hash"] != before["vendors_hash"]
    assert current_state(api, site, key, user)["reprompt"] == {"required": True, "reasons": ["new_vendors"]}


def test_gvl_upgrade_across_policy_versions_requires_a_new_choice(api, site, api_key_for, iab_decode):
    key = api_key_for(site)
    # Start from GVL v17 (policy 4) only, as a deployment from 2023 would have.
    GvlVersion.objects.all().delete()
    GvlTranslation.objects.all().delete()
    Vendor.objects.all().delete()
    import_gvl((REPO_ROOT / "tests" / "data" / "vendor-list-v17.json").read_bytes(), source="test")
    old = api.consent(site.key, {"action": "accept_all"}).json()
    (decoded,) = iab_decode([old["tc_string"]])
    assert (decoded["vendorListVersion"], decoded["policyVersion"]) == (17, 4)
    old_requirements = requirements(api, site)
    assert old_requirements["tcf_policy_version"] == 4

    import_gvl((REPO_ROOT / "vendors" / "data" / "vendor-list-v106.json").read_bytes(), source="test")
    new_requirements = requirements(api, site)
    assert new_requirements["tcf_policy_version"] == 5
    assert new_requirements["vendors_hash"] != old_requirements["vendors_hash"]
    state = current_state(api, site, key, old["user_id"])
    assert state["reprompt"]["required"] is True
    assert set(state["reprompt"]["reasons"]) == {"tcf_policy_version_changed", "new_vendors"}
    # The old choice is not migrated: it still says what it said under v17.
    assert state["tc_string"] == old["tc_string"]
    assert state["gvl_version"] == 17

"""Accept-all, reject-all, custom choices and withdrawal, through the HTTP API: the TC string decodes
(with our codec and with @iabtechlabtcf/core) to exactly the choices, the AC string lists exactly
the consented ATPs, and Consent Mode follows the choices."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.conf import settings

from privacy_signals.ac_string import decode_ac_string
from privacy_signals.tcf import decode, decode_vendor_set, model_to_canonical, validate_v23
from vendors.catalogue import enabled_atps


def today_deciseconds() -> int:
    today = datetime.now(UTC).date()
    return int(datetime(today.year, today.month, today.day, tzinfo=UTC).timestamp()) * 10


def custom_choice(snapshot) -> dict:
    active = sorted(snapshot.active_vendor_ids())
    li_only = next(
        v for v in active if not snapshot.vendors[v].purposes and snapshot.vendors[v].leg_int_purposes
    )
    consent_vendor = next(v for v in active if v != 755 and snapshot.vendors[v].purposes)
    atps = list(enabled_atps().values_list("id", flat=True)[:3])
    return {
        "action": "custom",
        "categories": {"functional": False, "analytics": True, "advertisement": True},
        "purposes": [1, 3, 4, 7],
        "purpose_li_objections": [2, 10],
        "special_features": [1],
        "vendors": [755, consent_vendor, li_only],
        "vendor_li_objections": [755],
        "atps": atps,
    }


@pytest.mark.parametrize("action", ["accept_all", "reject_all", "custom", "withdraw"])
def test_tc_string_decodes_to_the_choices(action, api, site, catalogue, iab_decode, expected_signal):
    body = custom_choice(catalogue) if action == "custom" else {"action": action}
    response = api.consent(site.key, body)
    assert response.status_code == 201, response.content
    answer = response.json()
    tc_string = answer["tc_string"]

    ours = model_to_canonical(decode(tc_string), tc_string)
    (reference,) = iab_decode([tc_string])
    assert ours == reference

    disclosed = set(catalogue.active_vendor_ids())
    for field, value in expected_signal(catalogue, disclosed, body).items():
        assert reference[field] == value, field
    assert reference["segments"] == ["core", "vendorsDisclosed"]
    assert reference["cmpId"] == settings.CMP_ID
    assert reference["cmpVersion"] == settings.CMP_VERSION
    assert reference["vendorListVersion"] == catalogue.vendor_list_version
    assert reference["policyVersion"] == catalogue.tcf_policy_version
    assert reference["consentLanguage"] == "EN"
    assert reference["publisherCountryCode"] == site.publisher_country_code
    assert reference["isServiceSpecific"] is True
    assert reference["purposeOneTreatment"] is False
    assert reference["createdDeciseconds"] == reference["lastUpdatedDeciseconds"] == today_deciseconds()
    assert reference["publisherRestrictions"] == []
    assert validate_v23(decode(tc_string)) == []


@pytest.mark.parametrize("action", ["accept_all", "reject_all", "custom", "withdraw"])
def test_ac_string_lists_exactly_the_consented_atps(action, api, site, catalogue):
    body = custom_choice(catalogue) if action == "custom" else {"action": action}
    answer = api.consent(site.key, body).json()
    consented, disclosed = decode_ac_string(answer["ac_string"])
    all_atps = set(enabled_atps().values_list("id", flat=True))
    assert disclosed == all_atps
    expected = {"accept_all": all_atps, "custom": set(body.get("atps", []))}.get(action, set())
    assert consented == expected
    assert answer["ac_string"].startswith("2~")


def test_consent_mode_follows_categories_and_purposes(api, site, catalogue):
    everything = api.consent(site.key, {"action": "accept_all"}).json()
    assert set(everything["consent_mode"].values()) == {"granted"}
    nothing = api.consent(site.key, {"action": "reject_all"}).json()
    assert nothing["consent_mode"]["security_storage"] == "granted"
    assert {k for k, v in nothing["consent_mode"].items() if v == "granted"} == {"security_storage"}

    # Advertisement allowed but purpose 1 refused: Google reads ad_storage as denied from the TC string.
    no_storage = api.consent(
        site.key,
        {"action": "custom", "categories": {"advertisement": True, "analytics": True}, "purposes": [3, 4]},
    ).json()
    assert no_storage["consent_mode"]["ad_storage"] == "denied"
    assert no_storage["consent_mode"]["ad_personalization"] == "denied"
    assert no_storage["consent_mode"]["analytics_storage"] == "granted"
    assert no_storage["consent_mode"]["functionality_storage"] == "denied"

    ads = api.consent(
        site.key,
        {
            "action": "custom",
            "categories": {"advertisement": True, "functional": True},
            "purposes": [1, 3, 4],
        },
    ).json()
    assert ads["consent_mode"]["ad_storage"] == "granted"
    assert ads["consent_mode"]["ad_personalization"] == "granted"
    # Purpose 7 has no consent but its legitimate interest stands (no objection).
    assert ads["consent_mode"]["ad_user_data"] == "granted"
    assert ads["consent_mode"]["functionality_storage"] == "granted"
    objected = api.consent(
        site.key,
        {
            "action": "custom",
            "categories": {"advertisement": True},
            "purposes": [1, 3, 4],
            "purpose_li_objections": [7],
        },
    ).json()
    assert objected["consent_mode"]["ad_user_data"] == "denied"


def test_answer_carries_ids_categories_and_expiry(api, site, catalogue):
    first = api.consent(site.key, {"action": "accept_all"}).json()
    assert set(first) == {
        "consent_id",
        "user_id",
        "write_token",
        "tc_string",
        "ac_string",
        "consent_mode",
        "categories",
        "experience",
        "region",
        "gpc",
        "us_opt_outs",
        "gpp_string",
        "created_at",
        "expires_at",
        "vendors_allowed",
        # The requirements the choice was given under, which the banner keeps in its cookie.
        "policy_version",
        "tcf_policy_version",
        "vendors_hash",
    }
    assert first["policy_version"] == site.policy_version
    assert decode_vendor_set(first["vendors_allowed"]), "accept all allows the site's vendors"
    assert first["categories"] == {
        "necessary": True,
        "functional": True,
        "analytics": True,
        "performance": True,
        "advertisement": True,
        "uncategorised": True,
    }
    created = datetime.fromisoformat(first["created_at"])
    expires = datetime.fromisoformat(first["expires_at"])
    assert (expires - created).days == site.consent_lifetime_days
    again = api.choose(site.key, first, {"action": "reject_all"}).json()
    assert again["user_id"] == first["user_id"]
    assert "write_token" not in again, "the token is answered only with a new id"
    assert again["consent_id"] != first["consent_id"]
    assert again["categories"]["necessary"] is True
    assert not any(v for k, v in again["categories"].items() if k != "necessary")


def test_french_banner_choice_is_signalled_in_french(api, site, catalogue, iab_decode):
    answer = api.consent(site.key, {"action": "accept_all", "language": "fr"}).json()
    (reference,) = iab_decode([answer["tc_string"]])
    assert reference["consentLanguage"] == "FR"


def test_only_the_sites_listed_vendors_are_disclosed(api, site, catalogue, iab_decode):
    from vendors.models import Vendor

    deleted = next(v for v, vendor in sorted(catalogue.vendors.items()) if not vendor.is_active)
    site.enable_all_vendors = False
    site.save()
    site.vendors.set(Vendor.objects.filter(pk__in=[755, 32, deleted]))
    answer = api.consent(site.key, {"action": "accept_all"}).json()
    (reference,) = iab_decode([answer["tc_string"]])
    assert reference["vendorsDisclosed"] == [32, 755]
    assert reference["vendorConsents"] == [v for v in (32, 755) if catalogue.vendors[v].purposes]

    refused = api.consent(site.key, {"action": "custom", "vendors": [deleted]})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "vendor_not_enabled"


def test_vendor_disabled_in_the_admin_is_not_disclosed(api, site, catalogue, iab_decode):
    from vendors.models import Vendor

    Vendor.objects.filter(pk=755).update(enabled=False)
    answer = api.consent(site.key, {"action": "accept_all"}).json()
    (reference,) = iab_decode([answer["tc_string"]])
    assert 755 not in reference["vendorsDisclosed"]
    assert 755 not in reference["vendorConsents"]
    assert api.consent(site.key, {"action": "custom", "vendors": [755]}).status_code == 400


def test_purpose_one_treatment_is_signalled_without_a_purpose_one_consent(api, site, iab_decode):
    site.purpose_one_treatment = True
    site.save()
    assert api.get(f"/api/v1/sites/{site.key}/banner").json()["cmp"]["purpose_one_treatment"] is True
    answer = api.consent(site.key, {"action": "accept_all"}).json()
    (reference,) = iab_decode([answer["tc_string"]])
    assert reference["purposeOneTreatment"] is True
    assert 1 not in reference["purposeConsents"]
    assert 2 in reference["purposeConsents"]

"""Downstream reads: a site's key reads that site only (403 elsewhere), no key is 401, and the
current state, check, export and erasure answer from the stored records."""

from __future__ import annotations

import pytest

from consent.models import ApiKey, ConsentRecord


@pytest.fixture
def alpha_user(api, site):
    return api.consent(site.key, {"action": "accept_all"}).json()


@pytest.mark.parametrize(
    "method_path", ["get:consent", "get:consent/check?vendor=755", "get:export", "delete:"]
)
def test_key_of_site_a_cannot_read_site_b(api, site, other_site, api_key_for, alpha_user, method_path):
    method, suffix = method_path.split(":")
    beta_key = api_key_for(other_site)
    path = f"/api/v1/sites/{site.key}/users/{alpha_user['user_id']}/{suffix}".rstrip("/")
    response = getattr(api, method)(path, key=beta_key)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert ConsentRecord.objects.filter(user_id=alpha_user["user_id"]).count() == 1


def test_key_is_refused_on_an_unknown_site_too(api, other_site, api_key_for):
    response = api.get("/api/v1/sites/nosuchsite/users/abcdefghijklmnop/consent", key=api_key_for(other_site))
    assert response.status_code == 403


@pytest.mark.parametrize("header", [None, "Api-Key wrong-key", "Bearer something", "Api-Key "])
def test_missing_or_unknown_key_is_401(api, site, alpha_user, header):
    headers = {"Authorization": header} if header else {}
    response = api.get(f"/api/v1/sites/{site.key}/users/{alpha_user['user_id']}/consent", **headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] in {"not_authenticated", "invalid"}


def test_revoked_key_is_refused(api, site, api_key_for, alpha_user):
    key = api_key_for(site)
    ApiKey.objects.update(revoked=True)
    response = api.get(f"/api/v1/sites/{site.key}/users/{alpha_user['user_id']}/consent", key=key)
    assert response.status_code == 401


def test_keys_are_stored_hashed(site, api_key_for):
    key = api_key_for(site)
    stored = ApiKey.objects.get()
    assert key not in (stored.key_hash, stored.prefix)
    assert key.startswith(stored.prefix)


def test_current_state_is_the_latest_unexpired_record(api, site, api_key_for):
    key = api_key_for(site)
    first = api.consent(site.key, {"action": "accept_all"}).json()
    second = api.choose(site.key, first, {"action": "reject_all"}).json()
    response = api.get(f"/api/v1/sites/{site.key}/users/{first['user_id']}/consent", key=key)
    assert response.status_code == 200
    state = response.json()
    assert state["consent_id"] == second["consent_id"]
    assert state["tc_string"] == second["tc_string"]
    assert state["ac_string"] == second["ac_string"]
    assert state["action"] == "reject_all"
    assert state["reprompt"] == {"required": False, "reasons": []}
    missing = api.get(f"/api/v1/sites/{site.key}/users/nobody-with-this-id/consent", key=key)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "no_consent"


def test_check_reports_legal_basis(api, site, api_key_for, catalogue):
    key = api_key_for(site)
    google = catalogue.vendors[755]
    li_purpose = min(google.leg_int_purposes)
    consent_purpose = min(google.purposes)
    visitor = api.consent(
        site.key,
        {"action": "custom", "purposes": [consent_purpose], "vendors": [755], "atps": [], "categories": {}},
    ).json()
    user = visitor["user_id"]
    base = f"/api/v1/sites/{site.key}/users/{user}/consent/check"

    def check(query: str) -> dict:
        response = api.get(f"{base}?{query}", key=key)
        assert response.status_code == 200, response.content
        return response.json()

    assert check(f"vendor=755&purpose={consent_purpose}") == {
        "allowed": True,
        "legal_basis": "consent",
        "reason": f"The user consented to purpose {consent_purpose} and to vendor 755.",
    }
    li = check(f"vendor=755&purpose={li_purpose}")
    assert li["allowed"] is True
    assert li["legal_basis"] == "legitimate_interest"
    other_consent_purpose = max(google.purposes)
    refused = check(f"vendor=755&purpose={other_consent_purpose}")
    assert refused == {"allowed": False, "legal_basis": None, "reason": refused["reason"]}
    assert "consent" in refused["reason"]
    undeclared = next(p for p in catalogue.purposes if p not in google.purposes | google.leg_int_purposes)
    assert check(f"vendor=755&purpose={undeclared}")["allowed"] is False
    assert check("category=necessary")["allowed"] is True
    assert check("category=analytics") == {
        "allowed": False,
        "legal_basis": None,
        "reason": "The user did not allow the 'analytics' category.",
    }
    assert check("atp=89")["allowed"] is False
    assert check(f"purpose={consent_purpose}")["legal_basis"] == "consent"

    objected = api.choose(
        site.key, visitor, {"action": "custom", "purpose_li_objections": [li_purpose]}
    ).json()
    assert objected["user_id"] == user
    assert check(f"vendor=755&purpose={li_purpose}")["allowed"] is False
    # Alone, the vendor is asked whether it may process at all (consent/processing.py): without the
    # purpose 1 consent of the first choice it may not, whatever legitimate interest stands.
    vendor_only = check("vendor=755")
    assert vendor_only["allowed"] is False
    assert "purpose 1" in vendor_only["reason"]

    nobody = api.get(f"/api/v1/sites/{site.key}/users/nobody-with-this-id/consent/check?vendor=755", key=key)
    assert nobody.json()["allowed"] is False


def test_export_and_erasure(api, site, api_key_for):
    key = api_key_for(site)
    first = api.consent(site.key, {"action": "accept_all"}).json()
    user = first["user_id"]
    api.choose(site.key, first, {"action": "withdraw"})
    other = api.consent(site.key, {"action": "accept_all"}).json()

    export = api.get(f"/api/v1/sites/{site.key}/users/{user}/export", key=key).json()
    assert export["user_id"] == user
    assert [r["action"] for r in export["records"]] == ["withdraw", "accept_all"]
    assert export["records"][1]["tc_string"] == first["tc_string"]

    erased = api.delete(f"/api/v1/sites/{site.key}/users/{user}", key=key)
    assert erased.status_code == 200
    assert erased.json()["erased"] == 2
    assert api.get(f"/api/v1/sites/{site.key}/users/{user}/consent", key=key).status_code == 404
    remaining = api.get(f"/api/v1/sites/{site.key}/users/{user}/export", key=key).json()["records"]
    # The erasure itself is recorded, with no choices in it.
    assert [r["action"] for r in remaining] == ["erase"]
    assert remaining[0]["consent_id"] == erased.json()["erasure_id"]
    assert remaining[0]["tc_string"] == ""
    # Other users are untouched.
    assert api.get(f"/api/v1/sites/{site.key}/users/{other['user_id']}/consent", key=key).status_code == 200


def test_create_api_key_command_prints_a_working_key(api, site):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_api_key", site.key, "--name", "ad server", stdout=out, stderr=StringIO())
    key = out.getvalue().strip()
    user = api.consent(site.key, {"action": "accept_all"}).json()["user_id"]
    assert api.get(f"/api/v1/sites/{site.key}/users/{user}/consent", key=key).status_code == 200
    assert ApiKey.objects.get().name == "ad server"

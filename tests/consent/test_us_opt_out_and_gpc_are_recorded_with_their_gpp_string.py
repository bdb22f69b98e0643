"""The US notice's choice becomes a signed consent record whose GPP string (usnat and the state's
section, built by the server) says what the visitor opted out of; Global Privacy Control, from the
Sec-GPC header or the banner, is an opt-out of sale and sharing in US experiences and changes
nothing in the opt-in banner's; the downstream API returns region, experience, GPC and the string."""

from __future__ import annotations

import pytest

from consent.models import ConsentRecord
from consent.services import verify_log
from privacy_signals.gpp import decode
from tests.conftest import CALIFORNIA, GERMANY

pytestmark = pytest.mark.usefixtures("cloudflare")


def test_do_not_sell_or_share_is_an_opt_out_in_usnat_and_usca(api, site, api_key_for):
    answer = api.consent(site.key, {"action": "opt_out", "opt_outs": ["sale_sharing"]}, **CALIFORNIA)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["experience"], body["region"], body["gpc"]) == ("us_opt_out", "US-CA", False)
    assert (body["tc_string"], body["ac_string"]) == ("", "")
    gpp = decode(body["gpp_string"])
    assert gpp.section_ids == (7, 8)
    assert (gpp["usnat"]["SaleOptOut"], gpp["usnat"]["SharingOptOut"]) == (1, 1)
    assert gpp["usnat"]["TargetedAdvertisingOptOut"] == 1
    assert gpp["usnat"]["SensitiveDataProcessing"] == (2,) * 16, "sensitive use not limited"
    assert (gpp["usca"]["SaleOptOut"], gpp["usca"]["SharingOptOut"]) == (1, 1)
    assert gpp["usnat"]["Gpc"] is False
    assert body["categories"]["advertisement"] is False
    assert body["categories"]["analytics"] is True, "opt-out law: the rest stays allowed"
    assert body["consent_mode"]["ad_storage"] == "denied"

    state = api.get(f"/api/v1/sites/{site.key}/users/{body['user_id']}/consent", key=api_key_for(site)).json()
    assert state["gpp_string"] == body["gpp_string"]
    assert (state["experience"], state["region"], state["us_opt_outs"]) == (
        "us_opt_out",
        "US-CA",
        ["sale_sharing"],
    )
    assert verify_log(site).ok


def test_limit_sensitive_and_acknowledging_the_notice(api, site):
    limited = api.consent(
        site.key, {"action": "opt_out", "opt_outs": ["sensitive_data"]}, **CALIFORNIA
    ).json()
    gpp = decode(limited["gpp_string"])
    assert gpp["usnat"]["SensitiveDataProcessing"] == (1,) * 16
    assert gpp["usca"]["SensitiveDataProcessing"] == (1,) * 9
    assert gpp["usnat"]["SaleOptOut"] == 2
    assert limited["categories"]["advertisement"] is True

    seen = api.consent(site.key, {"action": "opt_out"}, **CALIFORNIA).json()
    assert decode(seen["gpp_string"])["usnat"]["SaleOptOut"] == 2
    assert decode(seen["gpp_string"])["usnat"]["SaleOptOutNotice"] == 1


@pytest.mark.parametrize(("body", "headers"), [({"gpc": True}, {}), ({}, {"Sec-GPC": "1"})])
def test_gpc_is_an_opt_out_of_sale_and_sharing_in_the_us(api, site, body, headers):
    answer = api.consent(site.key, {"action": "opt_out", **body}, **CALIFORNIA, **headers).json()
    gpp = decode(answer["gpp_string"])
    assert answer["gpc"] is True
    assert answer["us_opt_outs"] == ["sale_sharing"]
    assert (gpp["usnat"]["Gpc"], gpp["usca"]["Gpc"]) == (True, True)
    assert (gpp["usnat"]["SaleOptOut"], gpp["usnat"]["SharingOptOut"], gpp["usca"]["SaleOptOut"]) == (1, 1, 1)
    assert answer["categories"]["advertisement"] is False


def test_gpc_in_the_opt_in_banner_is_recorded_and_changes_nothing(api, site):
    plain = api.consent(site.key, {"action": "accept_all"}, **GERMANY).json()
    with_gpc = api.consent(site.key, {"action": "accept_all"}, **GERMANY, **{"Sec-GPC": "1"}).json()
    assert (plain["gpc"], with_gpc["gpc"]) == (False, True)
    assert with_gpc["tc_string"] == plain["tc_string"]
    assert with_gpc["categories"] == plain["categories"]
    assert with_gpc["gpp_string"] == ""
    assert ConsentRecord.objects.get(consent_id=with_gpc["consent_id"]).region == "DE"
    assert verify_log(site).ok


def test_opt_out_where_the_notice_is_not_shown_is_refused(api, site):
    answer = api.consent(site.key, {"action": "opt_out", "opt_outs": ["sale_sharing"]}, **GERMANY)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "opt_out_not_offered"


@pytest.mark.parametrize("opt_outs", [["sale"], "sale_sharing", [1], [None]])
def test_unknown_opt_outs_get_a_clear_400(api, site, opt_outs):
    answer = api.consent(site.key, {"action": "opt_out", "opt_outs": opt_outs}, **CALIFORNIA)
    assert answer.status_code == 400
    assert "sale_sharing, sensitive_data" in answer.json()["error"]["message"]


def test_gpc_support_resource_is_served(api, db):
    answer = api.get("/.well-known/gpc.json")
    assert answer.status_code == 200
    assert answer.json()["gpc"] is True


def test_check_answers_the_us_questions(api, site, api_key_for):
    key = api_key_for(site)

    def ask(user_id, question):
        answer = api.get(f"/api/v1/sites/{site.key}/users/{user_id}/consent/check?us={question}", key=key)
        assert answer.status_code == 200, answer.content
        return answer.json()

    seen = api.consent(site.key, {"action": "opt_out"}, **CALIFORNIA).json()["user_id"]
    assert ask(seen, "sale") == {
        "allowed": True,
        "legal_basis": "no_opt_out",
        "reason": "The user was notified and did not opt out of sale.",
    }
    gpc = api.consent(site.key, {"action": "opt_out"}, **CALIFORNIA, **{"Sec-GPC": "1"}).json()["user_id"]
    for question in ("sale", "sharing", "targeted_advertising"):
        answer = ask(gpc, question)
        assert answer["allowed"] is False
        assert "Global Privacy Control" in answer["reason"]
    assert ask(gpc, "sensitive_data")["allowed"] is True
    limited = api.consent(
        site.key, {"action": "opt_out", "opt_outs": ["sensitive_data"]}, **CALIFORNIA
    ).json()
    assert ask(limited["user_id"], "sensitive_data")["allowed"] is False
    assert ask(limited["user_id"], "sale")["allowed"] is True

    accepted = api.consent(site.key, {"action": "accept_all"}, **GERMANY).json()["user_id"]
    assert ask(accepted, "targeted_advertising") == {
        "allowed": True,
        "legal_basis": "consent",
        "reason": "The user allowed the 'advertisement' category.",
    }
    assert ask(accepted, "sensitive_data")["allowed"] is False

    batch = api.post(
        f"/api/v1/sites/{site.key}/consent-checks",
        {"questions": [{"user_id": gpc, "us": "sale"}, {"user_id": seen, "us": "sale"}]},
        Authorization=f"Api-Key {key}",
    ).json()
    assert [a["allowed"] for a in batch["answers"]] == [False, True]
    bad = api.get(f"/api/v1/sites/{site.key}/users/{seen}/consent/check?us=resale", key=key)
    assert bad.status_code == 400

"""The TC strings the banner document pre-issues for a choice the API cannot record (consent/interim.py)
are the strings the API records for the same action, built by the same rules and dated the same
day; a custom choice's stand-in (the withdrawal's) grants nothing; no experience outside the TCF
gets any."""

from __future__ import annotations

from dataclasses import replace

import pytest

from privacy_signals.tcf import decode


def banner(api, site, **headers):
    response = api.get(f"/api/v1/sites/{site.key}/banner?lang=en", **headers)
    assert response.status_code == 200
    return response.json()


def undated(tc_string: str):
    model = decode(tc_string)
    return replace(model, created=0, last_updated=0)


@pytest.mark.parametrize("action", ["accept_all", "reject_all", "withdraw"])
def test_pre_issued_string_is_the_recorded_one(api, site, action):
    pre_issued = banner(api, site)["interim"][action]
    recorded = api.consent(site.key, {"action": action})
    assert recorded.status_code == 201, recorded.content
    assert undated(pre_issued) == undated(recorded.json()["tc_string"])
    assert decode(pre_issued).created == decode(recorded.json()["tc_string"]).created, "dated today"


def test_the_stand_in_for_a_custom_choice_grants_nothing(api, site):
    withdraw = decode(banner(api, site)["interim"]["withdraw"])
    assert withdraw.purpose_consents == withdraw.vendor_consents == frozenset()
    assert withdraw.purpose_legitimate_interests == withdraw.vendor_legitimate_interests == frozenset()
    assert withdraw.special_feature_optins == frozenset()
    assert withdraw.vendors_disclosed, "the vendors shown are still disclosed"


def test_no_pre_issued_strings_where_the_tcf_does_not_apply(api, site, cloudflare):
    assert "interim" not in banner(api, site, **{"CF-IPCountry": "US", "CF-Region-Code": "CA"})
    assert set(banner(api, site, **{"CF-IPCountry": "DE"})["interim"]) == {
        "accept_all",
        "reject_all",
        "withdraw",
    }

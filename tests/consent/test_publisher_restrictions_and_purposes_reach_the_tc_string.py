"""Publisher restrictions and the publisher's own and custom purposes, configured per site, are
encoded into every TC string (restrictions in the core segment, the PublisherTC segment), decode
with the IAB reference library (@iabtechlabtcf/core) as configured, and are honoured by the check
endpoint. Restrictions TCF does not allow are refused with a reason."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from sites import restrictions
from sites.disclosure import current_snapshot
from sites.models import LegalBasis, RestrictionType

NOT_ALLOWED, REQUIRE_CONSENT, REQUIRE_LI = (int(t) for t in RestrictionType)


@pytest.fixture
def configured(site):
    snapshot = current_snapshot()
    # Google (755) declares purpose 2 under LI, flexible; Index Exchange (10) for consent, flexible.
    restrictions.set_restriction(site, snapshot, 755, 2, REQUIRE_CONSENT)
    restrictions.set_restriction(site, snapshot, 10, 2, REQUIRE_LI)
    restrictions.set_restriction(site, snapshot, 91, 7, NOT_ALLOWED)
    restrictions.set_publisher_purposes(site, snapshot, consent=[1, 3], legitimate_interest=[2, 7])
    restrictions.add_custom_purpose(site, "Newsletter personalisation", "", LegalBasis.CONSENT)
    restrictions.add_custom_purpose(site, "Our own audience measurement", "", LegalBasis.LEGITIMATE_INTEREST)
    return site


def bits(vector):
    return sorted(int(k) for k, v in vector.items() if v)


def test_accept_all_carries_restrictions_and_publisher_tc(api, configured, reference_tcdata):
    accepted = api.consent(configured.key, {"action": "accept_all"}).json()
    rejected = api.consent(configured.key, {"action": "reject_all"}).json()
    accept, reject = reference_tcdata([accepted["tc_string"], rejected["tc_string"]])

    expected_restrictions = {"2": {"755": REQUIRE_CONSENT, "10": REQUIRE_LI}, "7": {"91": NOT_ALLOWED}}
    for decoded in (accept, reject):
        assert decoded["publisher"]["restrictions"] == expected_restrictions
        assert bits(decoded["publisher"]["legitimateInterests"]) == [2, 7]
        assert bits(decoded["publisher"]["customPurpose"]["legitimateInterests"]) == [2]
    assert bits(accept["publisher"]["consents"]) == [1, 3]
    assert bits(accept["publisher"]["customPurpose"]["consents"]) == [1]
    assert bits(reject["publisher"]["consents"]) == []
    assert bits(reject["publisher"]["customPurpose"]["consents"]) == []
    # Index Exchange declares no LI purpose; the required LI needs its LI bit.
    assert accept["vendor"]["legitimateInterests"]["10"] is True


def test_a_custom_choice_consents_to_the_custom_purposes_it_names(api, configured, reference_tcdata):
    chosen = api.consent(configured.key, {"action": "custom", "purposes": [1], "custom_purposes": [1]})
    assert chosen.status_code == 201, chosen.content
    none = api.consent(configured.key, {"action": "custom", "purposes": [1]}).json()
    with_it, without = reference_tcdata([chosen.json()["tc_string"], none["tc_string"]])
    assert bits(with_it["publisher"]["customPurpose"]["consents"]) == [1]
    assert bits(without["publisher"]["customPurpose"]["consents"]) == []
    # Custom purpose 2 is on legitimate interest: it has no consent to give; 3 does not exist.
    for refused in ([2], [3]):
        answer = api.consent(configured.key, {"action": "custom", "custom_purposes": refused})
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "unknown_custom_purpose"


def test_check_endpoint_honours_the_restrictions(api, configured, api_key_for):
    user = api.consent(configured.key, {"action": "accept_all"}).json()["user_id"]
    key = api_key_for(configured)

    def check(vendor, purpose):
        path = f"/api/v1/sites/{configured.key}/users/{user}/consent/check?vendor={vendor}&purpose={purpose}"
        return api.get(path, key=key).json()

    assert check(91, 7)["allowed"] is False
    assert "restriction" in check(91, 7)["reason"]
    assert check(91, 2) == {**check(91, 2), "allowed": True, "legal_basis": "consent"}
    assert check(755, 2)["legal_basis"] == "consent"
    assert check(10, 2)["legal_basis"] == "legitimate_interest"
    assert check(755, 7)["legal_basis"] == "legitimate_interest"


@pytest.mark.parametrize(
    ("vendor", "purpose", "kind", "message"),
    [
        (25, 2, REQUIRE_LI, "for consent only (not flexible)"),
        (91, 7, REQUIRE_LI, "for consent only (not flexible)"),
        (755, 3, REQUIRE_LI, "allows consent only"),
        (755, 5, NOT_ALLOWED, "does not declare purpose 5"),
        (999999, 1, NOT_ALLOWED, "not active"),
    ],
)
def test_restrictions_tcf_does_not_allow_are_refused(site, vendor, purpose, kind, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        restrictions.set_restriction(site, current_snapshot(), vendor, purpose, kind)
    assert not site.restrictions.exists()


def test_publisher_li_is_refused_for_consent_only_purposes(site):
    with pytest.raises(ValidationError, match="allow consent only"):
        restrictions.set_publisher_purposes(site, current_snapshot(), consent=[1], legitimate_interest=[4])


def test_without_publisher_purposes_there_is_no_publisher_tc_segment(api, site, reference_tcdata):
    tc = api.consent(site.key, {"action": "accept_all"}).json()["tc_string"]
    assert tc.count(".") == 1, "core and DisclosedVendors only"
    assert reference_tcdata([tc])[0]["publisher"]["restrictions"] == {}


def test_vendor_list_shows_the_legal_bases_the_restrictions_leave(api, configured):
    vendors = {v["id"]: v for v in api.get(f"/api/v1/sites/{configured.key}/vendors").json()["vendors"]}
    google, index, criteo = vendors[755], vendors[10], vendors[91]
    assert 2 in google["purposes"]
    assert 2 not in google["leg_int_purposes"]
    assert 2 in index["leg_int_purposes"]
    assert 2 not in index["purposes"]
    assert 7 not in criteo["purposes"]
    assert 7 not in criteo["leg_int_purposes"]
    assert vendors[25]["purposes"] == list(range(1, 12)), "unrestricted vendors are shown as declared"

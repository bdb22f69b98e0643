"""TCF v2.4: a vendor's legitimate-interest bit stands only on a purpose it declares on legitimate
interest that the visitor did not object to; a special purpose never sets it. Stated with real
vendors of the bundled GVL (v106), one of each kind, and decoded with @iabtechlabtcf/core. Strings
made under the old rule (special purposes on the LI bit) still decode."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from privacy_signals.tcf import TCModel, day_deciseconds, decode, encode

# One vendor of each kind, as GVL v106 declares them (asserted below, so a GVL update that changes
# them fails loudly instead of testing something else).
CONSENT_AND_SPECIAL = 1  # Exponential Interactive: consent purposes + special purposes, no LI purpose
LI_AND_SPECIAL = 8  # Emerse Sverige: LI purposes + special purposes
SPECIAL_ONLY = 56  # Confiant: special purposes only


@pytest.fixture
def kinds(catalogue):
    vendors = catalogue.vendors
    one, li, sp = vendors[CONSENT_AND_SPECIAL], vendors[LI_AND_SPECIAL], vendors[SPECIAL_ONLY]
    assert (bool(one.purposes), bool(one.leg_int_purposes), bool(one.special_purposes)) == (True, False, True)
    assert (bool(li.leg_int_purposes), bool(li.special_purposes)) == (True, True)
    assert (bool(sp.purposes), bool(sp.leg_int_purposes), bool(sp.special_purposes)) == (False, False, True)
    return li


def _bits(iab_decode, tc_string):
    (decoded,) = iab_decode([tc_string])
    return {
        vendor: (
            vendor in decoded["vendorConsents"],
            vendor in decoded["vendorLegitimateInterests"],
            vendor in decoded["vendorsDisclosed"],
        )
        for vendor in (CONSENT_AND_SPECIAL, LI_AND_SPECIAL, SPECIAL_ONLY)
    }


@pytest.mark.parametrize("action", ["accept_all", "reject_all"])
def test_special_purposes_give_no_li_bit(action, api, site, kinds, iab_decode):
    answer = api.consent(site.key, {"action": action}).json()
    bits = _bits(iab_decode, answer["tc_string"])
    accepted = action == "accept_all"
    # (consent, legitimate interest, disclosed)
    assert bits[CONSENT_AND_SPECIAL] == (accepted, False, True)
    assert bits[LI_AND_SPECIAL] == (accepted and bool(kinds.purposes), True, True)
    assert bits[SPECIAL_ONLY] == (False, False, True)


def test_li_bit_falls_with_the_objection_to_every_li_purpose_of_the_vendor(api, site, kinds, iab_decode):
    objected_all = api.consent(
        site.key, {"action": "custom", "purpose_li_objections": sorted(kinds.leg_int_purposes)}
    ).json()
    assert _bits(iab_decode, objected_all["tc_string"])[LI_AND_SPECIAL] == (False, False, True)

    some = sorted(kinds.leg_int_purposes)[:-1]
    if some:
        partly = api.consent(site.key, {"action": "custom", "purpose_li_objections": some}).json()
        assert _bits(iab_decode, partly["tc_string"])[LI_AND_SPECIAL] == (False, True, True)

    vendor_objection = api.consent(
        site.key, {"action": "custom", "vendor_li_objections": [LI_AND_SPECIAL]}
    ).json()
    assert _bits(iab_decode, vendor_objection["tc_string"])[LI_AND_SPECIAL] == (False, False, True)


def test_a_string_made_under_the_old_rule_still_decodes(api, site, catalogue, kinds):
    day = day_deciseconds(datetime.now(UTC))
    disclosed = frozenset(catalogue.active_vendor_ids())
    old = TCModel(
        created=day,
        last_updated=day,
        cmp_id=2,
        cmp_version=1,
        consent_screen=1,
        consent_language="EN",
        vendor_list_version=catalogue.vendor_list_version,
        policy_version=4,
        is_service_specific=True,
        use_non_standard_texts=False,
        special_feature_optins=frozenset(),
        purpose_consents=frozenset(),
        purpose_legitimate_interests=frozenset({2, 7, 8, 9, 10, 11}),
        purpose_one_treatment=False,
        publisher_country_code="FR",
        vendor_consents=frozenset(),
        # The TCF v2.3 rule: special-purpose vendors rode on the LI bit.
        vendor_legitimate_interests=frozenset({CONSENT_AND_SPECIAL, LI_AND_SPECIAL, SPECIAL_ONLY}),
        vendors_disclosed=disclosed,
    )
    tc_string = encode(old)
    assert decode(tc_string).vendor_legitimate_interests == old.vendor_legitimate_interests
    response = api.post("/api/v1/tcf/decode", {"tc_string": tc_string})
    assert response.status_code == 200
    assert SPECIAL_ONLY in response.json()["decoded"]["vendorLegitimateInterests"]

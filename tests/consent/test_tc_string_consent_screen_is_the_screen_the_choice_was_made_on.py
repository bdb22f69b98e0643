"""The consent POST's `screen` says where in the banner the visitor chose: it is stored with the
recorded choice, covered by the record's MAC, and is the TC string's ConsentScreen (1: first layer,
2: preferences dialog). Without it the action decides, as before; anything else is a 400."""

from __future__ import annotations

import pytest

from consent import evidence
from consent.models import ConsentRecord, RecordedChoice
from consent.services import verify_log
from consent.tc_builder import FIRST_LAYER_SCREEN, PREFERENCES_SCREEN
from privacy_signals.tcf import decode

NUMBERS = {"first_layer": FIRST_LAYER_SCREEN, "preferences": PREFERENCES_SCREEN}


@pytest.mark.parametrize("action", ["accept_all", "reject_all", "custom", "withdraw"])
@pytest.mark.parametrize("screen", ["first_layer", "preferences"])
def test_consent_screen_of_the_tc_string_is_the_screen_given(api, site, action, screen):
    answer = api.consent(site.key, {"action": action, "screen": screen})
    assert answer.status_code == 201, answer.content
    assert decode(answer.json()["tc_string"]).consent_screen == NUMBERS[screen]
    record = ConsentRecord.objects.select_related("choice").get(consent_id=answer.json()["consent_id"])
    assert record.screen == screen
    assert evidence.record_content(record)["screen"] == screen
    assert verify_log(site).ok


@pytest.mark.parametrize(("action", "screen"), [("accept_all", "first_layer"), ("custom", "preferences")])
def test_without_a_screen_the_action_decides_as_before(api, site, action, screen):
    answer = api.consent(site.key, {"action": action}).json()
    assert decode(answer["tc_string"]).consent_screen == NUMBERS[screen]
    assert ConsentRecord.objects.get(consent_id=answer["consent_id"]).screen == screen


def test_the_same_button_on_two_screens_is_two_recorded_choices(api, site):
    first = api.consent(site.key, {"action": "accept_all", "screen": "first_layer"}).json()
    again = api.consent(site.key, {"action": "accept_all"}).json()
    dialog = api.consent(site.key, {"action": "accept_all", "screen": "preferences"}).json()
    choice = {
        answer["consent_id"]: ConsentRecord.objects.get(consent_id=answer["consent_id"]).choice_id
        for answer in (first, again, dialog)
    }
    assert choice[first["consent_id"]] == choice[again["consent_id"]]
    assert choice[dialog["consent_id"]] != choice[first["consent_id"]]
    assert RecordedChoice.objects.filter(site=site).count() == 2
    assert first["tc_string"] != dialog["tc_string"]


def test_an_edited_screen_fails_verification(api, site):
    answer = api.consent(site.key, {"action": "accept_all", "screen": "preferences"}).json()
    record = ConsentRecord.objects.get(consent_id=answer["consent_id"])
    RecordedChoice.objects.filter(pk=record.choice_id).update(screen="first_layer")
    assert not verify_log(site).ok


@pytest.mark.parametrize("screen", ["second_layer", 2, "", True])
def test_an_unknown_screen_is_a_400_naming_the_field(api, site, screen):
    answer = api.consent(site.key, {"action": "accept_all", "screen": screen})
    assert answer.status_code == 400
    assert "screen" in answer.content.decode()
    assert "first_layer" in answer.content.decode()
    assert not ConsentRecord.objects.exists()

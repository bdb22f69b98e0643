"""The banner tells the server where the visitor chose: Accept All and Reject All are on the first
layer and in the preferences dialog, and each sends its own screen, which the record keeps and the
TC string carries as ConsentScreen (1: first layer, 2: preferences)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from consent.models import ConsentRecord
from consent.tc_builder import FIRST_LAYER_SCREEN, PREFERENCES_SCREEN
from privacy_signals.tcf import decode

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("in_dialog", "button", "screen", "number"),
    [
        (False, "accept", "first_layer", FIRST_LAYER_SCREEN),
        (True, "accept", "preferences", PREFERENCES_SCREEN),
        (True, "reject", "preferences", PREFERENCES_SCREEN),
        (True, "save", "preferences", PREFERENCES_SCREEN),
    ],
)
def test_each_button_sends_its_screen(open_demo, in_dialog, button, screen, number):
    page = open_demo()
    if in_dialog:
        page.click(".cmp-bar [data-cmp=customise]")
        expect(page.get_by_role("dialog")).to_be_visible()
    container = ".cmp-dlg" if in_dialog else ".cmp-bar"
    with page.expect_response(
        lambda r: r.url.endswith("/consents") and r.request.method == "POST"
    ) as answered:
        page.click(f"{container} [data-cmp={button}]")
    body = json.loads(answered.value.request.post_data)
    assert body["screen"] == screen
    answer = answered.value.json()
    assert decode(answer["tc_string"]).consent_screen == number
    assert ConsentRecord.objects.get(consent_id=answer["consent_id"]).screen == screen

"""The preferences offer the visitor a receipt of their current choice ("Download your consent
receipt"): the banner asks for it with the write token only this browser holds and saves the
answer as a file, which is this visitor's ISO/IEC TS 27560 receipt, complete by the checks of
tests/consent/test_27560_record_carries_every_mandatory_field.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pyld import jsonld

from consent.models import ConsentRecord
from consent.receipts import MANDATORY_27560_FIELDS, receipt_document
from tests.consent.test_27560_record_carries_every_mandatory_field import values_at

pytestmark = pytest.mark.browser


def offline_loader(url: str, options: dict[str, Any]) -> dict[str, Any]:
    raise jsonld.JsonLdError("no network in tests", "loading document failed", {"url": url})


def test_the_downloaded_file_is_the_visitors_receipt(open_demo, demo_site, cookies):
    page = open_demo()
    page.click(".cmp-bar [data-cmp=customise]")
    page.locator("[data-key='c-analytics'] input[role=switch]").check()
    page.click(".cmp-dlg [data-cmp=save]")
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()
    page.wait_for_function("() => document.cookie.includes('cmp_consent=')")
    user_id = cookies()["meta"]["user_id"]

    page.click("[data-cmp=revisit]")
    link = page.locator(".cmp-dlg [data-cmp=receipt]")
    expect(link).to_have_text("Download your consent receipt")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "consent-receipt-demo.jsonld"
    receipt = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))

    record = ConsentRecord.objects.select_related("choice").get(user_id=user_id)
    assert receipt == receipt_document(demo_site, record)
    assert receipt["dct:conformsTo"] == "dpv-27560:receipt-record"
    assert receipt["dpv:hasDataSubject"]["dpv:hasIdentifier"] == user_id
    for field, path in MANDATORY_27560_FIELDS.items():
        assert values_at(receipt, path), f"{field} missing at {path}"
    expanded = jsonld.expand(receipt, {"documentLoader": offline_loader})
    assert expanded[0]["@type"] == ["https://w3id.org/dpv#ConsentRecord"]


def test_no_link_for_an_id_this_browser_holds_no_token_for(open_demo):
    page = open_demo()
    page.click(".cmp-bar [data-cmp=accept]")
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()
    page.evaluate("() => localStorage.removeItem('cmp_token_demo')")
    page.reload()
    page.click("[data-cmp=revisit]")
    expect(page.locator(".cmp-dlg [data-cmp=withdraw]")).to_be_visible()
    expect(page.locator(".cmp-dlg [data-cmp=receipt]")).to_have_count(0)

"""A consent record exported as ISO/IEC TS 27560:2023 JSON-LD (consent/receipts.py) carries every
field the specification marks mandatory. The list below is the specification's, as the DPVCG's
implementation guide (https://w3id.org/dpv/guides/consent-27560, "List of Fields") gives it; each is
checked where the DPV schema `dpv-27560:record-2` puts it, and the document expands as JSON-LD
against its own context so that every key is a DPV / Dublin Core / SKOS term."""

from __future__ import annotations

from typing import Any

import pytest
from pyld import jsonld

from consent.models import ConsentRecord
from consent.receipts import CONTEXT, MANDATORY_27560_FIELDS, receipt_document, record_document

# ISO/IEC TS 27560:2023, mandatory fields (metadata, processing, personal data, party, event).
SPECIFICATION_MANDATORY = [
    "schema version", "record id", "pii principal id",
    "privacy notice", "language", "purpose", "pii information", "pii controllers",
    "storage locations", "retention period", "jurisdiction", "recipient third parties",
    "withdrawal method",
    "pii type",
    "party id", "party address", "party name", "party contact", "party type",
    "event time", "validity duration", "entity id", "event type", "event state",
]  # fmt: skip
DPV = "https://w3id.org/dpv#"


def values_at(document: Any, path: tuple[str, ...]) -> list[Any]:
    if not path:
        return [document]
    head, rest = path[0], path[1:]
    if head == "*":
        return [v for item in document for v in values_at(item, rest)]
    if head.startswith("#"):
        items = document.items() if isinstance(document, dict) else enumerate(document)
        return [
            v
            for key, item in items
            if head == "#" or str(key).endswith(head[1:])
            for v in values_at(item, rest)
        ]
    return values_at(document[head], rest) if head in document else []


@pytest.fixture
def records(api, site):
    site.controller_name = "Alpha Publishing SA"
    site.controller_address = "1 rue de la Paix, 75002 Paris, France"
    site.controller_email = "privacy@alpha.example"
    site.save()
    bodies = [
        {"action": "accept_all"},
        {"action": "reject_all"},
        {"action": "custom", "purposes": [1, 2], "vendors": [755], "categories": {"analytics": True}},
        {"action": "withdraw"},
    ]
    ids = [api.consent(site.key, body).json()["consent_id"] for body in bodies]
    return [ConsentRecord.objects.select_related("choice").get(consent_id=i) for i in ids]


def test_the_field_list_is_the_specifications(db):
    assert list(MANDATORY_27560_FIELDS) == SPECIFICATION_MANDATORY


def test_every_mandatory_field_is_present_and_filled(site, records):
    for record in records:
        document = record_document(site, record)
        for field, path in MANDATORY_27560_FIELDS.items():
            found = values_at(document, path)
            assert found, f"{record.action}: {field} missing at {path}"
            if field != "recipient third parties":  # a refusal has no recipient, listed as []
                assert all(v not in (None, "", [], {}) for v in found), f"{record.action}: {field} empty"
        assert document["dct:conformsTo"] == "dpv-27560:record-2"
        assert document["dpv:hasIdentifier"] == str(record.consent_id)
        assert document["dpv:hasDataSubject"]["dpv:hasIdentifier"] == record.user_id
        assert document["dct:language"] == record.language


def test_the_consent_states_follow_the_choice(site, records):
    accept, reject, custom, withdraw = (record_document(site, r) for r in records)

    def states(document: dict[str, Any]) -> dict[str, str]:
        return {
            p["dpv:hasPurpose"][0]["dct:identifier"]: next(
                t for t in p["dpv:hasConsentStatus"][0]["@type"] if t != "dpv:ExpressedConsent"
            )
            for p in document["dpv:hasProcess"]
        }

    assert set(states(accept).values()) == {"dpv:ConsentGiven"}
    assert set(states(reject).values()) == {"dpv:ConsentRefused"}
    assert set(states(withdraw).values()) == {"dpv:ConsentWithdrawn"}
    chosen = states(custom)
    assert chosen["TCF purpose 1"] == chosen["TCF purpose 2"] == "dpv:ConsentGiven"
    assert chosen["TCF purpose 3"] == "dpv:ConsentRefused"
    assert chosen["cookie category analytics"] == "dpv:ConsentGiven"
    purpose_2 = next(
        p for p in custom["dpv:hasProcess"] if p["dpv:hasPurpose"][0]["dct:identifier"] == "TCF purpose 2"
    )
    assert purpose_2["dpv:hasRecipient"] == ["tcf-vendor:755"]
    assert custom["dpv:hasEntity"]["tcf-vendor:755"]["dpv:hasName"].startswith("Google")


def test_the_document_expands_as_json_ld_with_every_key_a_vocabulary_term(site, records):
    def offline_loader(url: str, options: dict[str, Any]) -> dict[str, Any]:
        raise jsonld.JsonLdError("no network in tests", "loading document failed", {"url": url})

    document = record_document(site, records[2])
    expanded = jsonld.expand(document, {"documentLoader": offline_loader})
    assert len(expanded) == 1
    record = expanded[0]
    assert record["@type"] == [DPV + "ConsentRecord"]
    for key in (
        "http://purl.org/dc/terms/conformsTo",
        DPV + "hasDataSubject",
        DPV + "hasProcess",
        DPV + "hasNotice",
    ):
        assert key in record, key
    assert record["http://purl.org/dc/terms/conformsTo"] == [{"@id": CONTEXT["dpv-27560"] + "record-2"}]

    def keys(node: Any) -> set[str]:
        if isinstance(node, list):
            return set().union(*(keys(n) for n in node)) if node else set()
        if isinstance(node, dict):
            return set(node) | set().union(*(keys(v) for v in node.values()))
        return set()

    # Nothing was dropped: every key expanded to an absolute IRI (or is a JSON-LD keyword).
    assert all(k.startswith(("@", "http://", "https://")) for k in keys(expanded)), keys(expanded)
    # Party ids (the keys of dpv:hasEntity, an id map) are absolute IRIs of their own.
    compact_keys = {k for k in keys(document) if ":" in k and not k.startswith(("@", "urn:"))}
    namespaces = {k.split(":")[0] for k in compact_keys}
    assert namespaces <= set(CONTEXT), namespaces - set(CONTEXT)


def test_a_receipt_is_the_record_under_the_receipt_profile(site, records):
    receipt = receipt_document(site, records[0])
    assert receipt["dct:conformsTo"] == "dpv-27560:receipt-record"
    assert receipt["dpv:hasIdentifier"] == f"receipt-{records[0].consent_id}"
    assert receipt["dct:references"] == {"@id": f"urn:uuid:{records[0].consent_id}"}


def test_the_visitor_downloads_a_receipt_of_their_current_choice(api, site, records):
    """With the write token of their id (tests/consent/test_receipt_goes_only_to_the_token_holder.py
    refuses everyone else)."""
    visitor = api.consent(site.key, {"action": "reject_all"}).json()
    record = ConsentRecord.objects.select_related("choice").get(consent_id=visitor["consent_id"])
    url = f"/api/v1/sites/{site.key}/users/{visitor['user_id']}/receipt"
    response = api.post(url, {"write_token": visitor["write_token"]}, content_type="text/plain")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert "attachment" in response["Content-Disposition"]
    assert response.json() == receipt_document(site, record)
    short = api.post(f"/api/v1/sites/{site.key}/users/short/receipt", {"write_token": "x" * 43})
    assert short.status_code == 400


def test_the_data_subject_export_speaks_27560_too(api, site, records, api_key_for):
    key = api_key_for(site)
    user = records[0].user_id
    answer = api.get(f"/api/v1/sites/{site.key}/users/{user}/export?format=27560", key).json()
    assert [d["dpv:hasIdentifier"] for d in answer["records"]] == [str(records[0].consent_id)]
    assert api.get(f"/api/v1/sites/{site.key}/users/{user}/export?format=xml", key).status_code == 400

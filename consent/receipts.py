"""Consent records and receipts in the ISO/IEC TS 27560:2023 structure, as JSON-LD with the W3C Data
Privacy Vocabulary (DPV), following the DPVCG's schema `dpv-27560:record-2` (the field list and JSON
shapes of https://w3id.org/dpv/guides/consent-27560 and the DPVCG's consent record specification).

One record becomes one document: its metadata (schema version, record id, the visitor as PII
principal, creation time, creator, language), the notice it answered, the parties (the controller,
the visitor, every recipient vendor or Google ATP), and one process per choice the visitor could
make separately (each TCF purpose and special feature, each cookie category, Google's Additional
Consent), each with its purpose, personal data, processing, controller, data source, storage
location and retention, recipients, legal basis, jurisdiction, withdrawal method and consent event
(time, validity, who indicated it, type and state). `MANDATORY_27560_FIELDS` lists the fields the
specification requires and where each sits, for the test that checks every one.

What a document says of a choice is the same for every record of that choice (its RecordedChoice
under one configuration), so that part is built once per choice and only the record's own values are
filled in per record: an auditor's export of a million records does not rebuild it a million times.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from consent.models import ConsentAction, ConsentRecord, RecordedChoice
from privacy_signals.tcf import TCStringError, decode
from sites.disclosure import snapshot_for
from sites.models import Site
from vendors.catalogue import GvlSnapshot
from vendors.models import GoogleAtp, GvlVersion

RECORD_SCHEMA = "dpv-27560:record-2"
RECEIPT_SCHEMA = "dpv-27560:receipt-record"

_IRI = {"@type": "@id"}
CONTEXT: dict[str, Any] = {
    "dpv": "https://w3id.org/dpv#",
    "pd": "https://w3id.org/dpv/pd#",
    "loc": "https://w3id.org/dpv/loc#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
    "dpv-27560": "https://w3id.org/dpv/schema/dpv-27560#",
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "tcf": "https://w3id.org/iab-tcf/",
    "tcf-vendor": "https://w3id.org/iab-tcf/vendor/",
    "google-atp": "https://storage.googleapis.com/tcfac/additional-consent-providers.csv#",
    "dct:conformsTo": _IRI,
    "dct:creator": _IRI,
    "dct:created": {"@type": "xsd:dateTime"},
    "skos:broader": _IRI,
    "dpv:hasEntity": {"@container": "@id"},
    "dpv:hasProcess": {"@container": "@set"},
    "dpv:hasPersonalData": _IRI,
    "dpv:hasProcessing": _IRI,
    "dpv:hasDataController": _IRI,
    "dpv:hasDataSource": _IRI,
    "dpv:hasRecipient": {"@type": "@id", "@container": "@set"},
    "dpv:hasLegalBasis": _IRI,
    "dpv:hasJurisdiction": _IRI,
    "dpv:hasLocation": _IRI,
    "dpv:isIndicatedBy": _IRI,
    "dpv:isIndicatedAtTime": {"@type": "xsd:dateTime"},
}

# The nearest DPV purpose concept of each TCF purpose and cookie category (skos:broader); the
# purpose's own name, in the record's language, is its skos:prefLabel.
TCF_PURPOSES = {
    1: "dpv:ServiceProvision",
    2: "dpv:Advertising",
    3: "dpv:PersonalisedAdvertising",
    4: "dpv:PersonalisedAdvertising",
    5: "dpv:ServicePersonalisation",
    6: "dpv:ServicePersonalisation",
    7: "dpv:Advertising",
    8: "dpv:ServiceOptimisation",
    9: "dpv:ServiceOptimisation",
    10: "dpv:ImproveExistingProductsAndServices",
    11: "dpv:ServicePersonalisation",
}
CATEGORY_PURPOSES = {
    "functional": "dpv:ServicePersonalisation",
    "analytics": "dpv:ServiceOptimisation",
    "performance": "dpv:ServiceOptimisation",
    "advertisement": "dpv:Advertising",
    "uncategorised": "dpv:Purpose",
}
# The nearest DPV personal-data concept of each GVL data category (the GVL's name is the label).
DATA_CATEGORIES = {
    1: "pd:IPAddress",
    2: "pd:DeviceBased",
    3: "pd:Identifying",
    4: "pd:Identifying",
    5: "pd:Identifying",
    6: "pd:BrowsingBehavior",
    7: "pd:Identifying",
    8: "pd:Location",
    9: "pd:Location",
    10: "pd:Profile",
    11: "pd:Preference",
}

#: ISO/IEC TS 27560:2023's mandatory fields (DPVCG guide, "List of Fields") and the key path that
#: carries each in a document ("*" = every process, "#" = every party or every consent event).
MANDATORY_27560_FIELDS = {
    "schema version": ("dct:conformsTo",),
    "record id": ("dpv:hasIdentifier",),
    "pii principal id": ("dpv:hasDataSubject", "dpv:hasIdentifier"),
    "privacy notice": ("dpv:hasNotice",),
    "language": ("dct:language",),
    "purpose": ("dpv:hasProcess", "*", "dpv:hasPurpose"),
    "pii information": ("dpv:hasProcess", "*", "dpv:hasPersonalData"),
    "pii controllers": ("dpv:hasProcess", "*", "dpv:hasDataController"),
    "storage locations": ("dpv:hasProcess", "*", "dpv:hasStorageCondition"),
    "retention period": ("dpv:hasProcess", "*", "dpv:hasStorageCondition"),
    "jurisdiction": ("dpv:hasProcess", "*", "dpv:hasJurisdiction"),
    "recipient third parties": ("dpv:hasProcess", "*", "dpv:hasRecipient"),
    "withdrawal method": ("dpv:hasProcess", "*", "dpv:hasConsentControl"),
    "pii type": ("dpv:hasProcess", "*", "dpv:hasPersonalData"),
    "party id": ("dpv:hasEntity", "#"),
    "party address": ("dpv:hasEntity", "#controller", "dpv:hasAddress"),
    "party name": ("dpv:hasEntity", "#", "dpv:hasName"),
    "party contact": ("dpv:hasEntity", "#controller", "dpv:hasContact"),
    "party type": ("dpv:hasEntity", "#", "@type"),
    "event time": ("dpv:hasProcess", "*", "dpv:hasConsentStatus", "#", "dpv:isIndicatedAtTime"),
    "validity duration": ("dpv:hasProcess", "*", "dpv:hasConsentStatus", "#", "dpv:hasDuration"),
    "entity id": ("dpv:hasProcess", "*", "dpv:hasConsentStatus", "#", "dpv:isIndicatedBy"),
    "event type": ("dpv:hasProcess", "*", "dpv:hasConsentStatus", "#", "@type"),
    "event state": ("dpv:hasProcess", "*", "dpv:hasConsentStatus", "#", "@type"),
}

_SUBJECT = "__subject__"
_RECORD_ID = "__record_id__"
_CREATED = "__created__"


def _site_iri(site: Site) -> str:
    return f"urn:cmp:site:{site.key}"


def _controller(site: Site) -> dict[str, Any]:
    return {
        "@type": ["dpv:DataController", "dpv:Organisation"],
        "dpv:hasName": site.controller_name or site.name,
        "dpv:hasAddress": site.controller_address or f"See {site.privacy_policy_url or site.name}",
        "dpv:hasContact": site.controller_email or site.privacy_policy_url or site.name,
    }


def _state(action: str, given: bool) -> str:
    if action == ConsentAction.WITHDRAW:
        return "dpv:ConsentWithdrawn"
    return "dpv:ConsentGiven" if given else "dpv:ConsentRefused"


def _retention(snapshot: GvlSnapshot, vendor_ids: Iterable[int], purpose: int | None) -> str:
    """The longest retention the recipients declare for the purpose (GVL dataRetention), in days."""
    days = 0
    for vendor_id in vendor_ids:
        retention = dict(snapshot.vendors[vendor_id].data_retention or {})
        per_purpose = dict(retention.get("purposes") or {})
        value = (
            per_purpose.get(str(purpose), retention.get("stdRetention"))
            if purpose
            else retention.get("stdRetention")
        )
        if isinstance(value, int):
            days = max(days, value)
    return f"P{days}D"


class _ChoiceDocument:
    """Everything a document says that is the same for all records of one recorded choice."""

    def __init__(self, site: Site, choice: RecordedChoice, action: str) -> None:
        try:
            snapshot = snapshot_for(choice.gvl_version or 0, choice.language)
        except GvlVersion.DoesNotExist:
            snapshot = None
        site_iri = _site_iri(site)
        controller = f"{site_iri}:controller"
        subject = f"{site_iri}:subject"
        lifetime = f"P{site.consent_lifetime_days}D"
        exercised_at = f"The consent dialogue on {site.name} (CMP id {settings.CMP_ID})"
        withdrawal = [
            {
                "@type": ["dpv:WithdrawConsent"],
                "dpv:isExercisedAt": f"The cookie settings link on every page of {site.name}",
            }
        ]
        entities: dict[str, Any] = {
            controller: _controller(site),
            subject: {"@type": ["dpv:DataSubject"], "dpv:hasName": "The visitor"},
        }
        vendor_consents = set(choice.vendor_consents)
        try:
            disclosed = set(decode(choice.tc_string).vendors_disclosed or ())
        except TCStringError:
            disclosed = set()
        data = sorted(snapshot.data_categories.items()) if snapshot else []
        personal_data = [
            {
                "@type": ["dpv:PersonalData"],
                "skos:broader": DATA_CATEGORIES.get(cid, "dpv:PersonalData"),
                "skos:prefLabel": taxon.name,
            }
            for cid, taxon in data
        ] or ["dpv:PersonalData"]

        def process(
            purpose: dict[str, Any], given: bool, recipients: list[str], retention: str, operations: list[str]
        ) -> dict[str, Any]:
            return {
                "@type": ["dpv:Process"],
                "dpv:hasPurpose": [purpose],
                "dpv:hasPersonalData": personal_data,
                "dpv:hasProcessing": operations,
                "dpv:hasDataController": [controller],
                "dpv:hasDataSource": ["dpv:DataSubjectDataSource"],
                "dpv:hasStorageCondition": [
                    {"@type": ["dpv:StorageLocation"], "dpv:hasLocation": "dpv:WithinDevice"},
                    {
                        "@type": ["dpv:StorageDuration"],
                        "dpv:hasDuration": {"@type": ["dpv:TemporalDuration"], "rdf:value": retention},
                    },
                ],
                "dpv:hasRecipient": recipients if given else [],
                "dpv:hasLegalBasis": ["dpv:Consent", "eu-gdpr:A6-1-a"],
                "dpv:hasJurisdiction": ["loc:EU"],
                "dpv:hasConsentControl": withdrawal,
                "dpv:hasConsentStatus": [
                    {
                        "@type": [_state(action, given), "dpv:ExpressedConsent"],
                        "dpv:isIndicatedAtTime": _CREATED,
                        "dpv:isIndicatedBy": subject,
                        "dpv:isExercisedAt": exercised_at,
                        "dpv:hasDuration": {"@type": ["dpv:TemporalDuration"], "rdf:value": lifetime},
                    }
                ],
            }

        processes = []
        if snapshot is not None:
            for pid, taxon in sorted(snapshot.purposes.items()):
                recipients = sorted(
                    vid
                    for vid in vendor_consents & disclosed
                    if vid in snapshot.vendors
                    and pid in (*snapshot.vendors[vid].purposes, *snapshot.vendors[vid].flexible_purposes)
                )
                for vid in recipients:
                    entities[f"tcf-vendor:{vid}"] = {
                        "@type": ["dpv:ThirdParty", "dpv:Organisation"],
                        "dpv:hasName": snapshot.vendors[vid].name,
                    }
                purpose = {
                    "@type": ["dpv:Purpose"],
                    "skos:broader": TCF_PURPOSES.get(pid, "dpv:Purpose"),
                    "skos:prefLabel": taxon.name,
                    "dct:identifier": f"TCF purpose {pid}",
                }
                operations = (
                    ["dpv:Store", "dpv:Access"] if pid == 1 else ["dpv:Collect", "dpv:Use", "dpv:Share"]
                )
                processes.append(
                    process(
                        purpose,
                        pid in choice.purpose_consents,
                        [f"tcf-vendor:{v}" for v in recipients],
                        _retention(snapshot, recipients, pid),
                        operations,
                    )
                )
            for sid, taxon in sorted(snapshot.special_features.items()):
                purpose = {
                    "@type": ["dpv:Purpose"],
                    "skos:broader": "dpv:ServicePersonalisation",
                    "skos:prefLabel": taxon.name,
                    "dct:identifier": f"TCF special feature {sid}",
                }
                recipients = [
                    f"tcf-vendor:{v}"
                    for v in sorted(vendor_consents)
                    if sid in snapshot.vendors[v].special_features
                ]
                for key in recipients:
                    entities.setdefault(
                        key,
                        {
                            "@type": ["dpv:ThirdParty", "dpv:Organisation"],
                            "dpv:hasName": snapshot.vendors[int(key.split(":")[1])].name,
                        },
                    )
                processes.append(
                    process(
                        purpose,
                        sid in choice.special_feature_optins,
                        recipients,
                        _retention(snapshot, [], None),
                        ["dpv:Collect", "dpv:Use"],
                    )
                )
        for slug, allowed in choice.categories.items():
            if slug == "necessary":
                continue
            purpose = {
                "@type": ["dpv:Purpose"],
                "skos:broader": CATEGORY_PURPOSES.get(slug, "dpv:Purpose"),
                "skos:prefLabel": slug,
                "dct:identifier": f"cookie category {slug}",
            }
            processes.append(
                process(
                    purpose, bool(allowed), [controller], lifetime, ["dpv:Store", "dpv:Access", "dpv:Use"]
                )
            )
        atps = {atp.id: atp.name for atp in GoogleAtp.objects.filter(pk__in=choice.atp_consents)}
        atp_keys = []
        for atp_id, name in sorted(atps.items()):
            key = f"google-atp:{atp_id}"
            entities[key] = {"@type": ["dpv:ThirdParty", "dpv:Organisation"], "dpv:hasName": name}
            atp_keys.append(key)
        purpose = {
            "@type": ["dpv:Purpose"],
            "skos:broader": "dpv:Advertising",
            "skos:prefLabel": "Google Ad Tech Providers (Additional Consent)",
            "dct:identifier": "Google Additional Consent",
        }
        processes.append(
            process(purpose, bool(atp_keys), atp_keys, lifetime, ["dpv:Collect", "dpv:Use", "dpv:Share"])
        )
        self.body: dict[str, Any] = {
            "@context": CONTEXT,
            "@type": ["dpv:ConsentRecord"],
            "dct:conformsTo": RECORD_SCHEMA,
            "dpv:hasIdentifier": _RECORD_ID,
            "dct:created": _CREATED,
            "dct:creator": controller,
            "dct:language": choice.language,
            "dpv:hasDataSubject": {
                "@id": subject,
                "@type": ["dpv:DataSubject"],
                "dpv:hasIdentifier": _SUBJECT,
            },
            "dpv:hasNotice": [
                {
                    "@type": ["dpv:ConsentNotice", "dpv:PrivacyNotice"],
                    "dpv:hasIdentifier": f"{site.key}: policy {choice.policy_version}, "
                    f"GVL {choice.gvl_version}, {choice.language}",
                    "dpv:hasLocation": site.privacy_policy_url or site_iri,
                }
            ],
            "dpv:hasEntity": entities,
            "dpv:hasProcess": processes,
            "dct:source": {"tcf:tcString": choice.tc_string, "tcf:acString": choice.ac_string},
        }


def _fill(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        return values.get(value, value)
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, values) for key, item in value.items()}
    return value


class RecordDocuments:
    """Builds the documents of many records, each choice's part once (an auditor's export)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._choices: dict[tuple[int, str], _ChoiceDocument] = {}
        self._texts: dict[tuple[int, str], str] = {}

    def _part(self, record: ConsentRecord) -> _ChoiceDocument:
        key = (record.choice_id, record.action)
        part = self._choices.get(key)
        if part is None:
            # Bounded: a custom choice of a 900-vendor site is a document of some 150 KB.
            if len(self._choices) > 256:
                self._choices.clear()
                self._texts.clear()
            part = self._choices[key] = _ChoiceDocument(self.site, record.choice, record.action)
        return part

    @staticmethod
    def _values(record: ConsentRecord) -> dict[str, str]:
        return {
            _RECORD_ID: str(record.consent_id),
            _SUBJECT: record.user_id,
            _CREATED: record.created_at.isoformat(),
        }

    def document(self, record: ConsentRecord) -> dict[str, Any]:
        return _fill(self._part(record).body, self._values(record))

    def document_json(self, record: ConsentRecord) -> str:
        """`document(record)` as compact JSON with sorted keys. The choice's part is serialised once
        and the record's three values substituted into the text: serialising a few-KB document per
        record was most of an export's time (bench/export.py)."""
        key = (record.choice_id, record.action)
        part = self._part(record)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = json.dumps(part.body, separators=(",", ":"), sort_keys=True)
        for placeholder, value in self._values(record).items():
            text = text.replace(json.dumps(placeholder), json.dumps(value))
        return text


def record_document(site: Site, record: ConsentRecord) -> dict[str, Any]:
    return RecordDocuments(site).document(record)


def receipt_document(site: Site, record: ConsentRecord) -> dict[str, Any]:
    """The visitor's receipt: a copy of the record under the receipt profile, with its own id."""
    document = copy.deepcopy(record_document(site, record))
    document["dct:conformsTo"] = RECEIPT_SCHEMA
    document["dct:references"] = {"@id": f"urn:uuid:{record.consent_id}"}
    document["dpv:hasIdentifier"] = f"receipt-{record.consent_id}"
    return document

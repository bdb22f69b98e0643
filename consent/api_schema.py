"""OpenAPI descriptions of the consent endpoints (drf-spectacular). Documentation only: the views
validate their input themselves so that every error carries the API's own message shape."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers

from consent.choices import CHOICE_BODY, RECEIPT_BODY, USER_ID_DESCRIPTION, USER_ID_PATTERN
from infra.schema import ERROR, errors  # noqa: F401  (re-exported for the views)
from privacy_signals.consent_mode import SIGNALS as CONSENT_MODE_SIGNALS
from sites.models import CATEGORY_SLUGS

USER_ID = OpenApiParameter(
    "user_id",
    {"type": "string", "pattern": f"^{USER_ID_PATTERN.pattern}$"},
    OpenApiParameter.PATH,
    description=f"The visitor's pseudonymous id: {USER_ID_DESCRIPTION}.",
)


def ids() -> serializers.ListField:
    # One instance per field: a serializer binds each field instance to one name.
    return serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)


CONSENT_MODE = inline_serializer(
    "ConsentModeSignals",
    {name: serializers.CharField(help_text='"granted" or "denied"') for name in CONSENT_MODE_SIGNALS},
)

CATEGORIES = inline_serializer(
    "CategoryChoices", {slug: serializers.BooleanField(required=False) for slug in CATEGORY_SLUGS}
)

# Media type -> schema. text/plain too: the banner sends it so that no CORS preflight is needed.
CONSENT_REQUEST = {media: CHOICE_BODY.openapi_schema() for media in ("application/json", "text/plain")}
# The banner sends text/plain, as for a choice: a cross-origin POST without a CORS preflight.
RECEIPT_REQUEST = {media: RECEIPT_BODY.openapi_schema() for media in ("application/json", "text/plain")}


def jurisdiction_fields() -> dict[str, serializers.Field]:
    """Fresh field instances each time (see record_fields)."""
    return {
        "experience": serializers.ChoiceField(
            choices=["opt_in", "us_opt_out", "notice", "none"],
            help_text="The experience that applied where the visitor was (docs/BANNER.md).",
        ),
        "region": serializers.CharField(
            help_text="ISO 3166-1 country or 3166-2 subdivision (US-CA) from the trusted location headers; "
            "empty when unknown. The IP address is never stored."
        ),
        "gpc": serializers.BooleanField(help_text="Whether the browser sent Global Privacy Control."),
        "us_opt_outs": serializers.ListField(
            child=serializers.ChoiceField(choices=["sale_sharing", "sensitive_data"]),
            help_text="US experience: what the visitor opted out of (GPC counts as sale_sharing).",
        ),
        "gpp_string": serializers.CharField(
            help_text="US experience: the IAB GPP string (usnat and the state's section)."
        ),
    }


CONSENT_CREATED = inline_serializer(
    "ConsentRecorded",
    {
        "consent_id": serializers.UUIDField(),
        "user_id": serializers.CharField(),
        "write_token": serializers.CharField(
            required=False,
            help_text="Only in the answer that issued 'user_id': send it with every later choice "
            "for that id. Keep it in first-party storage; it is answered nowhere else.",
        ),
        "tc_string": serializers.CharField(),
        "ac_string": serializers.CharField(),
        "consent_mode": CONSENT_MODE,
        "categories": CATEGORIES,
        **jurisdiction_fields(),
        "policy_version": serializers.CharField(
            help_text="What the choice was recorded under (the banner keeps these three in its "
            "cookie and asks again when the banner's consent_requirements differ)."
        ),
        "tcf_policy_version": serializers.IntegerField(),
        "vendors_hash": serializers.CharField(),
        "vendors_allowed": serializers.CharField(
            help_text="The vendors whose tags may run under this choice, by the check's vendor-only rule "
            "(docs/API.md): a TC string vendor section (MaxVendorId, IsRangeEncoding, bitfield or "
            "ranges) in base64url. The banner keeps it in its cookie and gates data-vendor scripts on it.",
        ),
        "created_at": serializers.DateTimeField(),
        "expires_at": serializers.DateTimeField(),
    },
)


def one_of(component_name: str, *choices: serializers.Serializer) -> serializers.Field:
    """A field whose value is an object of one of these shapes (`oneOf` in the schema, without a
    discriminator: their required fields tell them apart)."""
    proxy = PolymorphicProxySerializer(
        component_name=component_name, serializers=list(choices), resource_type_field_name=None
    )
    return extend_schema_field(proxy)(type(f"{component_name}Field", (serializers.JSONField,), {}))()


def record_fields() -> dict[str, serializers.Field]:
    """A record's public form (consent/services/current.py `serialise_record`). A fresh dict each
    time: `inline_serializer` builds its class from the dict it is given and takes the fields out
    of it, so a dict shared by two serializers leaves the second one empty."""
    return {
        "consent_id": serializers.UUIDField(),
        "user_id": serializers.CharField(),
        "action": serializers.ChoiceField(
            choices=["accept_all", "reject_all", "custom", "withdraw", "opt_out", "erase"]
        ),
        "language": serializers.CharField(),
        "categories": CATEGORIES,
        "purposes": ids(),
        "purpose_li_objections": ids(),
        "special_features": ids(),
        "vendors": ids(),
        "vendor_li_objections": ids(),
        "atps": ids(),
        "gvl_version": serializers.IntegerField(allow_null=True),
        "tcf_policy_version": serializers.IntegerField(allow_null=True),
        "policy_version": serializers.CharField(),
        "vendors_hash": serializers.CharField(),
        "tc_string": serializers.CharField(),
        "ac_string": serializers.CharField(),
        "consent_mode": CONSENT_MODE,
        **jurisdiction_fields(),
        "created_at": serializers.DateTimeField(),
        "expires_at": serializers.DateTimeField(),
    }


RECORD = inline_serializer("ConsentRecord", record_fields())
#: What a data-subject export holds of a record: everything stored about it.
STORED_RECORD = inline_serializer(
    "StoredConsentRecord",
    {
        **record_fields(),
        "ip_truncated": serializers.CharField(help_text="The network part of the address (/24, /48)."),
        "user_agent_hash": serializers.CharField(help_text="Keyed HMAC of the user agent."),
        "key_id": serializers.CharField(),
        "mac": serializers.CharField(),
    },
)

CURRENT_STATE = inline_serializer(
    "CurrentConsent",
    {
        **record_fields(),
        "reprompt": inline_serializer(
            "Reprompt",
            {
                "required": serializers.BooleanField(),
                "reasons": serializers.ListField(
                    child=serializers.ChoiceField(
                        choices=["policy_version_changed", "tcf_policy_version_changed", "new_vendors"]
                    )
                ),
            },
        ),
    },
)

CHECK = inline_serializer(
    "ConsentCheck",
    {
        "allowed": serializers.BooleanField(),
        "legal_basis": serializers.ChoiceField(
            choices=["consent", "legitimate_interest", "no_opt_out"], allow_null=True
        ),
        "reason": serializers.CharField(),
    },
)


def _document_27560_fields() -> dict[str, serializers.Field]:
    """The top level of an ISO/IEC TS 27560 record document (consent/receipts.py); its parts are
    JSON-LD of the W3C DPV vocabulary, documented there rather than here."""
    names = ("@context", "@type", "dct:conformsTo", "dpv:hasIdentifier", "dct:created", "dct:creator",
             "dct:language", "dpv:hasDataSubject", "dpv:hasNotice", "dpv:hasEntity", "dpv:hasProcess",
             "dct:source")  # fmt: skip
    return {name: serializers.JSONField() for name in names}


DOCUMENT_27560 = inline_serializer("Record27560", _document_27560_fields())
RECEIPT_27560 = inline_serializer(
    "Receipt27560", {**_document_27560_fields(), "dct:references": serializers.JSONField()}
)


ERASURE_ENTRY = inline_serializer(
    "FeedErasure",
    {
        "consent_id": serializers.UUIDField(),
        "user_id": serializers.CharField(),
        "action": serializers.ChoiceField(choices=["erase"]),
        "created_at": serializers.DateTimeField(),
    },
)


EXPORT = inline_serializer(
    "ConsentExport",
    {
        "site": serializers.CharField(),
        "user_id": serializers.CharField(),
        # format=json: everything stored of a record; format=27560: its ISO/IEC TS 27560 document.
        "records": serializers.ListField(child=one_of("ExportedRecord", STORED_RECORD, DOCUMENT_27560)),
    },
)

ERASED = inline_serializer(
    "Erasure",
    {
        "erased": serializers.IntegerField(),
        "erasure_id": serializers.UUIDField(
            allow_null=True, help_text="null: nothing to erase, nothing written"
        ),
        "recorded_at": serializers.DateTimeField(allow_null=True),
    },
)

DECODE_REQUEST = inline_serializer("DecodeRequest", {"tc_string": serializers.CharField()})
DECODE_RESPONSE = inline_serializer(
    "DecodeResult",
    {
        "decoded": serializers.DictField(help_text="Canonical JSON (docs/tcf-canonical-json.md)."),
        "violations": serializers.ListField(child=serializers.CharField()),
    },
)

CHECK_PARAMETERS = [
    OpenApiParameter(
        "vendor",
        {"type": "integer", "minimum": 1},
        description="GVL vendor id, alone (may the vendor process at all and run its tags: purpose 1 "
        "unless purpose-one treatment, and one of its declared purposes; docs/API.md), with purpose, "
        "or with special_feature.",
    ),
    OpenApiParameter("purpose", {"type": "integer", "minimum": 1}, description="TCF purpose id."),
    OpenApiParameter(
        "special_feature",
        {"type": "integer", "minimum": 1},
        description="TCF special feature id: the user's opt-in; with vendor, also that the vendor "
        "declares it and may process at all.",
    ),
    OpenApiParameter("category", str, enum=list(CATEGORY_SLUGS), description="Cookie category slug."),
    OpenApiParameter("atp", {"type": "integer", "minimum": 1}, description="Google Ad Tech Provider id."),
    OpenApiParameter(
        "us",
        str,
        enum=["sale", "sharing", "targeted_advertising", "sensitive_data"],
        description="A US question: may the user's data be sold, shared, used for targeted ads, or "
        "their sensitive data used (legal_basis no_opt_out: notified, no opt-out).",
    ),
]


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "consent.api_keys.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Per-site key, sent as `Authorization: Api-Key <key>`.",
        }


# infra/params.py `datetime_param`: a time with its offset, or a date.
DATE_OR_TIME = {"type": "string", "anyOf": [{"format": "date-time"}, {"format": "date"}]}

FEED_PARAMETERS = [
    OpenApiParameter(
        "since", str, description="The `next` cursor of the previous page; omit to start at the beginning."
    ),
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": 1000},
        description="Records per page (default 100).",
    ),
    OpenApiParameter(
        "action",
        str,
        many=True,
        enum=["accept_all", "reject_all", "custom", "withdraw", "erase"],
        description="Only records of these actions (repeatable).",
    ),
    OpenApiParameter(
        "from",
        DATE_OR_TIME,
        description="Only records created at or after this time (ISO 8601 with offset, or a date).",
    ),
    OpenApiParameter(
        "to",
        DATE_OR_TIME,
        description="Only records created before this time (a date means its midnight UTC).",
    ),
]

FEED = inline_serializer(
    "ConsentFeedPage",
    {
        "records": serializers.ListField(
            child=one_of("FeedRecord", RECORD, ERASURE_ENTRY),
            help_text="Records in the order written: a record's public form (as in the export), or for an "
            "erasure only consent_id, user_id, action ('erase') and created_at.",
        ),
        "next": serializers.CharField(
            help_text="Pass as `since` for the next page (also when has_more is false, later)."
        ),
        "has_more": serializers.BooleanField(),
    },
)


CHECK_BATCH = inline_serializer(
    "ConsentCheckBatch",
    {
        "answers": serializers.ListField(
            child=one_of("CheckAnswer", CHECK, ERROR),
            help_text='One per question, in order: a check answer, or {"error": {...}} for a malformed '
            "question.",
        )
    },
)

EXPORT_FORMAT = OpenApiParameter(
    "format",
    str,
    enum=["json", "27560"],
    description="json (default): the records' public form; 27560: ISO/IEC TS 27560 JSON-LD documents (DPV).",
)
RECEIPT = OpenApiResponse(
    RECEIPT_27560,
    description="An ISO/IEC TS 27560 consent receipt (DPV schema dpv-27560:receipt-record) as JSON-LD.",
)

"""OpenAPI descriptions of the consent endpoints (drf-spectacular). Documentation only: the views
validate their input themselves so that every error carries the API's own message shape."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from consent.choices import CHOICE_BODY
from infra.schema import ERROR, errors  # noqa: F401  (re-exported for the views)
from privacy_signals.consent_mode import SIGNALS as CONSENT_MODE_SIGNALS
from sites.models import CATEGORY_SLUGS

IDS = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)

CONSENT_MODE = inline_serializer(
    "ConsentModeSignals",
    {name: serializers.CharField(help_text='"granted" or "denied"') for name in CONSENT_MODE_SIGNALS},
)

CATEGORIES = inline_serializer(
    "CategoryChoices", {slug: serializers.BooleanField(required=False) for slug in CATEGORY_SLUGS}
)

# Media type -> schema. text/plain too: the banner sends it so that no CORS preflight is needed.
CONSENT_REQUEST = {media: CHOICE_BODY.openapi_schema() for media in ("application/json", "text/plain")}

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
        "created_at": serializers.DateTimeField(),
        "expires_at": serializers.DateTimeField(),
    },
)

RECORD_FIELDS = {
    "consent_id": serializers.UUIDField(),
    "user_id": serializers.CharField(),
    "action": serializers.ChoiceField(choices=["accept_all", "reject_all", "custom", "withdraw", "erase"]),
    "language": serializers.CharField(),
    "categories": CATEGORIES,
    "purposes": IDS,
    "purpose_li_objections": IDS,
    "special_features": IDS,
    "vendors": IDS,
    "vendor_li_objections": IDS,
    "atps": IDS,
    "gvl_version": serializers.IntegerField(allow_null=True),
    "tcf_policy_version": serializers.IntegerField(allow_null=True),
    "policy_version": serializers.CharField(),
    "vendors_hash": serializers.CharField(),
    "tc_string": serializers.CharField(),
    "ac_string": serializers.CharField(),
    "consent_mode": CONSENT_MODE,
    "created_at": serializers.DateTimeField(),
    "expires_at": serializers.DateTimeField(),
}
RECORD = inline_serializer("ConsentRecord", RECORD_FIELDS)

CURRENT_STATE = inline_serializer(
    "CurrentConsent",
    {
        **RECORD_FIELDS,
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
        "legal_basis": serializers.ChoiceField(choices=["consent", "legitimate_interest"], allow_null=True),
        "reason": serializers.CharField(),
    },
)

EXPORT = inline_serializer(
    "ConsentExport",
    {
        "site": serializers.CharField(),
        "user_id": serializers.CharField(),
        "records": inline_serializer(
            "ExportedRecord",
            {
                **RECORD_FIELDS,
                "ip_truncated": serializers.CharField(
                    help_text="The network part of the address (/24, /48)."
                ),
                "user_agent_hash": serializers.CharField(help_text="Keyed HMAC of the user agent."),
                "key_id": serializers.CharField(),
                "mac": serializers.CharField(),
            },
            many=True,
        ),
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
    OpenApiParameter("vendor", int, description="GVL vendor id (optionally with purpose)."),
    OpenApiParameter("purpose", int, description="TCF purpose id."),
    OpenApiParameter("category", str, enum=list(CATEGORY_SLUGS), description="Cookie category slug."),
    OpenApiParameter("atp", int, description="Google Ad Tech Provider id."),
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
        {"type": "string", "format": "date-time"},
        description="Only records created at or after this time (ISO 8601 with offset, or a date).",
    ),
    OpenApiParameter(
        "to", {"type": "string", "format": "date-time"}, description="Only records created before this time."
    ),
]

FEED = inline_serializer(
    "ConsentFeedPage",
    {
        "records": serializers.ListField(
            child=serializers.DictField(),
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
            child=serializers.DictField(),
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
    OpenApiTypes.OBJECT,
    description="An ISO/IEC TS 27560 consent receipt (DPV schema dpv-27560:receipt-record) as JSON-LD.",
)

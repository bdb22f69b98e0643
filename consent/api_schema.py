"""OpenAPI descriptions of the consent endpoints (drf-spectacular). Documentation only: the views
validate their input themselves so that every error carries the API's own message shape."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from consent.models import CATEGORY_SLUGS

ERROR = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorDetail",
            {
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "field": serializers.CharField(required=False),
            },
        )
    },
)


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    return {status: OpenApiResponse(ERROR) for status in statuses}


IDS = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)

CONSENT_MODE = inline_serializer(
    "ConsentModeSignals",
    {
        name: serializers.CharField(help_text='"granted" or "denied"')
        for name in (
            "ad_storage",
            "ad_user_data",
            "ad_personalization",
            "analytics_storage",
            "functionality_storage",
            "personalization_storage",
            "security_storage",
        )
    },
)

CATEGORIES = inline_serializer(
    "CategoryChoices", {slug: serializers.BooleanField(required=False) for slug in CATEGORY_SLUGS}
)

CONSENT_REQUEST = inline_serializer(
    "ConsentRequest",
    {
        "user_id": serializers.CharField(
            required=False, help_text="From an earlier answer; omit for a new visitor."
        ),
        "action": serializers.ChoiceField(choices=["accept_all", "reject_all", "custom", "withdraw"]),
        "language": serializers.CharField(required=False, min_length=2, max_length=2),
        "categories": CATEGORIES,
        "purposes": IDS,
        "purpose_li_objections": IDS,
        "special_features": IDS,
        "vendors": IDS,
        "vendor_li_objections": IDS,
        "atps": IDS,
    },
)

CONSENT_CREATED = inline_serializer(
    "ConsentRecorded",
    {
        "consent_id": serializers.UUIDField(),
        "user_id": serializers.CharField(),
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
        "records": inline_serializer("ExportedRecord", dict(RECORD_FIELDS), many=True),
    },
)

ERASED = inline_serializer(
    "Erasure",
    {
        "erased": serializers.IntegerField(),
        "erasure_id": serializers.UUIDField(),
        "recorded_at": serializers.DateTimeField(),
    },
)

DECODE_REQUEST = inline_serializer("DecodeRequest", {"tc_string": serializers.CharField()})
DECODE_RESPONSE = inline_serializer(
    "DecodeResult",
    {
        "decoded": serializers.DictField(help_text="Canonical JSON (shared/docs/tcf-canonical-json.md)."),
        "violations": serializers.ListField(child=serializers.CharField()),
    },
)

BANNER = inline_serializer(
    "BannerConfig",
    {
        "site": serializers.DictField(),
        "cmp": serializers.DictField(),
        "consent_requirements": inline_serializer(
            "ConsentRequirements",
            {
                "policy_version": serializers.CharField(),
                "tcf_policy_version": serializers.IntegerField(),
                "vendors_hash": serializers.CharField(),
            },
        ),
        "texts": serializers.DictField(child=serializers.CharField()),
        "categories": serializers.ListField(child=serializers.DictField()),
        "purposes": serializers.ListField(child=serializers.DictField()),
        "special_purposes": serializers.ListField(child=serializers.DictField()),
        "features": serializers.ListField(child=serializers.DictField()),
        "special_features": serializers.ListField(child=serializers.DictField()),
        "stacks": serializers.ListField(child=serializers.DictField()),
        "vendor_count": serializers.IntegerField(),
        "atp_count": serializers.IntegerField(),
        "vendors_url": serializers.CharField(),
        "consents_url": serializers.CharField(),
    },
)

VENDORS = inline_serializer(
    "BannerVendors",
    {
        "vendors": serializers.ListField(child=serializers.DictField()),
        "data_categories": serializers.ListField(child=serializers.DictField()),
        "atps": serializers.ListField(child=serializers.DictField()),
    },
)

LANG = OpenApiParameter("lang", str, description="Two-letter language; the site's default when unsupported.")
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

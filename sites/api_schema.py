"""OpenAPI descriptions of the banner's configuration documents (drf-spectacular)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

REQUIREMENTS = inline_serializer(
    "ConsentRequirements",
    {
        "policy_version": serializers.CharField(),
        "tcf_policy_version": serializers.IntegerField(),
        "vendors_hash": serializers.CharField(),
        "stamp": serializers.CharField(
            help_text="Digest of the three: the banner fetches the banner document with v=<stamp>."
        ),
    },
)

BANNER = inline_serializer(
    "BannerConfig",
    {
        "site": serializers.DictField(),
        "cmp": serializers.DictField(),
        "consent_requirements": REQUIREMENTS,
        "jurisdiction": inline_serializer(
            "Jurisdiction",
            {
                "experience": serializers.ChoiceField(
                    choices=["opt_in", "us_opt_out", "notice", "none"],
                    help_text="Which banner applies where the visitor is (docs/BANNER.md, Experiences).",
                ),
                "gdpr_applies": serializers.BooleanField(help_text="gdprApplies in __tcfapi."),
                "gpp_sections": serializers.ListField(
                    child=serializers.CharField(), help_text="GPP sections of the visitor's US law."
                ),
                "gpc_required": serializers.BooleanField(
                    help_text="Whether the visitor's law makes Global Privacy Control an opt-out."
                ),
                "objection_categories": serializers.ListField(
                    child=serializers.CharField(),
                    help_text="UK notice + objection: categories allowed before a choice.",
                ),
                "gpp_string": serializers.CharField(
                    required=False, help_text="US experience: the GPP string before any choice."
                ),
                "gpp_supported_apis": serializers.ListField(
                    child=serializers.CharField(), help_text="supportedAPIs of __gpp('ping')."
                ),
                "gpp_layouts": serializers.DictField(
                    required=False,
                    help_text="US experience: the field layout of each GPP section, for getField.",
                ),
            },
        ),
        "texts": serializers.DictField(
            child=serializers.CharField(),
            help_text="The first layer's texts; the preferences document has them all.",
        ),
        "categories": serializers.ListField(
            child=serializers.DictField(),
            help_text="{slug, always_active} of each category, in display order.",
        ),
        "purposes": serializers.ListField(
            child=serializers.DictField(),
            help_text="{id, name, lang?} of the purposes the first layer names.",
        ),
        "special_features": serializers.ListField(
            child=serializers.DictField(), help_text="{id, name, lang?} of the special features it names."
        ),
        "stacks": serializers.ListField(
            child=serializers.DictField(), help_text="{id, name, lang?} of the stacks it names (site option)."
        ),
        "first_layer": inline_serializer(
            name="BannerFirstLayer",
            fields={
                "stacks": serializers.ListField(child=serializers.IntegerField()),
                "purposes": serializers.ListField(child=serializers.IntegerField()),
                "special_features": serializers.ListField(child=serializers.IntegerField()),
            },
            help_text="What the first layer names, by id: stacks, then the purposes and special features "
            "no stack covers.",
        ),
        "vendor_count": serializers.IntegerField(),
        "atp_count": serializers.IntegerField(),
        "preferences_url": serializers.CharField(
            help_text="The preferences document of this language and stamp, fetched when they open."
        ),
        "vendors_url": serializers.CharField(),
        "consents_url": serializers.CharField(),
        "theme": inline_serializer(
            "BannerTheme",
            {
                "css": serializers.CharField(help_text="Stylesheet appended after the banner's own."),
                "position": serializers.ChoiceField(choices=["bar", "box", "popup"]),
                "color_scheme": serializers.ChoiceField(choices=["light", "dark", "auto"]),
                "logo_url": serializers.CharField(help_text="Path of the logo on this server; empty: none."),
            },
        ),
        "interim": inline_serializer(
            "InterimStrings",
            {
                "accept_all": serializers.CharField(),
                "reject_all": serializers.CharField(),
                "withdraw": serializers.CharField(),
            },
            required=False,
            help_text=(
                "Where the TCF applies: the TC strings the server pre-issues, dated today, for a "
                "first-layer choice or a withdrawal that the consent API cannot record; a custom "
                'choice uses `withdraw`\'s (docs/BANNER.md, "When the API cannot be reached").'
            ),
        ),
    },
)

PREFERENCES = inline_serializer(
    "BannerPreferences",
    {
        "texts": serializers.DictField(child=serializers.CharField()),
        "categories": serializers.ListField(child=serializers.DictField()),
        "purposes": serializers.ListField(child=serializers.DictField()),
        "special_purposes": serializers.ListField(child=serializers.DictField()),
        "features": serializers.ListField(child=serializers.DictField()),
        "special_features": serializers.ListField(child=serializers.DictField()),
        "standard_texts": serializers.DictField(
            child=serializers.DictField(),
            help_text="TCF v2.4 standardTexts by section (features, ...): {text, lang?}, as in /vendors.",
        ),
        "publisher": inline_serializer(
            "PublisherPurposes",
            {
                "consent_purposes": serializers.ListField(child=serializers.IntegerField()),
                "li_purposes": serializers.ListField(child=serializers.IntegerField()),
                "custom_purposes": serializers.ListField(child=serializers.DictField()),
            },
        ),
    },
)

GPC_SUPPORT = inline_serializer(
    "GpcSupport", {"gpc": serializers.BooleanField(), "lastUpdate": serializers.DateField()}
)

VENDORS = inline_serializer(
    "BannerVendors",
    {
        "vendors": serializers.ListField(child=serializers.DictField()),
        "standard_texts": serializers.DictField(
            child=serializers.DictField(),
            help_text="TCF v2.4 standardTexts by section (features, ...): {text, lang?}; lang en "
            "marks a text shown in English because the translation lacks it.",
        ),
        "data_categories": serializers.ListField(child=serializers.DictField()),
        "atps": serializers.ListField(child=serializers.DictField()),
    },
)

LANG = OpenApiParameter("lang", str, description="Two-letter language; the site's default when unsupported.")
STAMP = OpenApiParameter(
    "v",
    str,
    description="The requirements stamp the banner fetched the document under (a cache key; not read).",
)

"""Admin of the publisher's configuration: sites, cookie categories and declarations, texts."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from sites.jurisdictions import SHIPPED_RULES
from sites.models import CookieCategory, CookieDeclaration, JurisdictionRule, Site, SiteText


class CookieCategoryInline(admin.TabularInline):
    model = CookieCategory
    extra = 0
    fields = ("slug", "name", "description", "position")
    show_change_link = True


class JurisdictionRuleInline(admin.TabularInline):
    model = JurisdictionRule
    extra = 0
    fields = ("position", "region", "experience")
    verbose_name_plural = (
        "jurisdiction rules (tried in order, before the shipped rules: "
        + "; ".join(f"{rule.region} -> {rule.experience.label} ({rule.source})" for rule in SHIPPED_RULES)
        + ")"
    )


class SiteTextInline(admin.StackedInline):
    model = SiteText
    extra = 0


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = (
        "key",
        "name",
        "cookie_domain",
        "publisher_country_code",
        "policy_version",
        "enable_all_vendors",
    )
    search_fields = ("key", "name")
    filter_horizontal = ("vendors", "google_atps")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [CookieCategoryInline, JurisdictionRuleInline, SiteTextInline]
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("key", "name", "domains", "allowed_origins", "cookie_domain", "languages")}),
        (
            "Policy",
            {
                "fields": (
                    "privacy_policy_url",
                    "policy_version",
                    "consent_lifetime_days",
                    "block_page_until_choice",
                )
            },
        ),
        ("Jurisdictions", {"fields": ("other_regions_experience", "uk_notice_objection")}),
        (
            "Controller (named in consent records and receipts)",
            {"fields": ("controller_name", "controller_address", "controller_email")},
        ),
        (
            "TCF",
            {
                "fields": (
                    "publisher_country_code",
                    "purpose_one_treatment",
                    "enable_all_vendors",
                    "vendors",
                    "enable_all_atps",
                    "google_atps",
                )
            },
        ),
        ("History", {"fields": ("created_at", "updated_at")}),
    )


class CookieDeclarationInline(admin.TabularInline):
    model = CookieDeclaration
    extra = 0
    fields = ("name", "is_pattern", "domain", "duration", "description", "provider", "source")


@admin.register(CookieCategory)
class CookieCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "site", "position")
    list_filter = ("site", "slug")
    inlines = [CookieDeclarationInline]


@admin.register(CookieDeclaration)
class CookieDeclarationAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "domain", "duration", "provider")
    list_filter = ("category__site", "category__slug")
    search_fields = ("name", "domain", "provider")


@admin.register(SiteText)
class SiteTextAdmin(admin.ModelAdmin):
    list_display = ("site", "language", "title")
    list_filter = ("site", "language")

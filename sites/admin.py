"""Admin of the publisher's configuration: sites, cookie categories and declarations, texts. Staff
see and change only their own sites (sites/admin_access.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from sites.access import has_right, visible_sites
from sites.admin_access import SiteChildInline, SiteScopedAdmin
from sites.models import CookieCategory, CookieDeclaration, Site, SiteMember, SiteRole, SiteText


class CookieCategoryInline(SiteChildInline, admin.TabularInline):
    model = CookieCategory
    extra = 0
    fields = ("slug", "name", "description", "position")
    show_change_link = True


class SiteTextInline(SiteChildInline, admin.StackedInline):
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
    inlines = [CookieCategoryInline, SiteTextInline]
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Site]:
        return super().get_queryset(request).filter(pk__in=visible_sites(request.user))

    def has_change_permission(self, request: HttpRequest, obj: Site | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or has_right(request.user, obj, "edit"))

    def has_delete_permission(self, request: HttpRequest, obj: Site | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or has_right(request.user, obj, "manage"))

    def save_model(self, request: HttpRequest, obj: Site, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change and not request.user.is_superuser:
            # Whoever creates a site owns it; otherwise they could not see what they made.
            SiteMember.objects.get_or_create(site=obj, user=request.user, defaults={"role": SiteRole.OWNER})


class CookieDeclarationInline(SiteChildInline, admin.TabularInline):
    model = CookieDeclaration
    extra = 0
    fields = ("name", "is_pattern", "domain", "duration", "description", "provider", "source")


@admin.register(CookieCategory)
class CookieCategoryAdmin(SiteScopedAdmin):
    list_display = ("name", "slug", "site", "position")
    list_filter = ("site", "slug")
    inlines = [CookieDeclarationInline]


@admin.register(CookieDeclaration)
class CookieDeclarationAdmin(SiteScopedAdmin):
    site_path = "category__site"
    list_display = ("name", "category", "domain", "duration", "provider")
    list_filter = ("category__site", "category__slug")
    search_fields = ("name", "domain", "provider")


@admin.register(SiteText)
class SiteTextAdmin(SiteScopedAdmin):
    list_display = ("site", "language", "title")
    list_filter = ("site", "language")

"""Admin of the publisher's configuration: sites, cookie categories and declarations, texts. Staff
see and change only their own sites (sites/admin_access.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from sites.access import has_right, visible_sites
from sites.admin_access import SiteChildInline, SiteScopedAdmin
from sites.banner import choose_language
from sites.disclosure import iab_languages
from sites.forms import SiteForm
from sites.jurisdictions import SHIPPED_RULES
from sites.languages import DEFAULT_LANGUAGE, iab_code
from sites.models import (
    BannerTheme,
    CookieCategory,
    CookieCategoryText,
    CookieDeclaration,
    CookieDeclarationText,
    JurisdictionRule,
    Site,
    SiteMember,
    SiteRole,
    SiteText,
)
from sites.texts import shipped_languages


def language_report(site: Site) -> list[str]:
    """One line per listed language: whether the IAB's texts and the project's strings exist for it,
    and which language visitors asking for it are shown instead when the IAB's are missing."""
    imported = iab_languages()
    lines = []
    for code in site.languages:
        if code != DEFAULT_LANGUAGE and iab_code(code) not in imported:
            shown = choose_language(site, code)
            lines.append(
                str(_("%(code)s: no IAB translation imported (purposes-%(iab)s.json); shown in %(shown)s."))
                % {"code": code, "iab": iab_code(code), "shown": shown}
            )
        elif code != DEFAULT_LANGUAGE and code not in shipped_languages():
            lines.append(
                str(_("%(code)s: no project translation of the banner's own strings; add a site text."))
                % {"code": code}
            )
        else:
            lines.append(str(_("%(code)s: IAB texts and the banner's strings available.")) % {"code": code})
    return lines


class CookieCategoryInline(SiteChildInline, admin.TabularInline):
    model = CookieCategory
    extra = 0
    fields = ("slug", "name", "description", "position")
    show_change_link = True


class JurisdictionRuleInline(SiteChildInline, admin.TabularInline):
    model = JurisdictionRule
    extra = 0
    fields = ("position", "region", "experience")
    verbose_name_plural = (
        "jurisdiction rules (tried in order, before the shipped rules: "
        + "; ".join(f"{rule.region} -> {rule.experience.label} ({rule.source})" for rule in SHIPPED_RULES)
        + ")"
    )


class BannerThemeInline(SiteChildInline, admin.StackedInline):
    """The theme's colours and layout (contrast checked by the model); the logo and the preview are
    on the console's Appearance page."""

    model = BannerTheme
    extra = 0
    max_num = 1
    can_delete = True
    verbose_name = "banner theme"


class SiteTextInline(SiteChildInline, admin.StackedInline):
    model = SiteText
    extra = 0


class CookieCategoryTextInline(admin.TabularInline):
    model = CookieCategoryText
    extra = 0
    verbose_name = _("name and description in another language")
    verbose_name_plural = _("names and descriptions in other languages (empty: the category's own)")


class CookieDeclarationTextInline(admin.TabularInline):
    model = CookieDeclarationText
    extra = 0
    verbose_name = _("description in another language")
    verbose_name_plural = _("descriptions in other languages (empty: the declaration's own)")


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    form = SiteForm
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
    inlines = [CookieCategoryInline, JurisdictionRuleInline, SiteTextInline, BannerThemeInline]
    readonly_fields = ("created_at", "updated_at", "language_status")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "key",
                    "name",
                    "domains",
                    "allowed_origins",
                    "cookie_domain",
                    "default_language",
                    "languages",
                    "language_status",
                )
            },
        ),
        (
            _("Policy"),
            {
                "fields": (
                    "privacy_policy_url",
                    "policy_version",
                    "consent_lifetime_days",
                    "block_page_until_choice",
                    "first_layer_stacks",
                )
            },
        ),
        ("Jurisdictions", {"fields": ("other_regions_experience", "uk_notice_objection")}),
        (
            _("Controller (named in consent records and receipts)"),
            {"fields": ("controller_name", "controller_address", "controller_email")},
        ),
        (
            _("TCF"),
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
        (_("History"), {"fields": ("created_at", "updated_at")}),
    )

    # Staff see and change only their sites (sites/access.py); Django's model permissions still
    # decide whether they may use this page at all.
    def get_queryset(self, request: HttpRequest) -> QuerySet[Site]:
        return super().get_queryset(request).filter(pk__in=visible_sites(request.user).values("pk"))

    def has_change_permission(self, request: HttpRequest, obj: Site | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or has_right(request.user, obj, "edit"))

    def has_delete_permission(self, request: HttpRequest, obj: Site | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or has_right(request.user, obj, "manage"))

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Site, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change and not request.user.is_superuser:
            # Whoever creates a site owns it; otherwise they could not see what they just made.
            SiteMember.objects.get_or_create(site=obj, user=request.user, defaults={"role": SiteRole.OWNER})

    @admin.display(description=_("Languages"))
    def language_status(self, site: Site) -> str:
        if site.pk is None:
            return ""
        return format_html_join("", "<div>{}</div>", ((line,) for line in language_report(site)))


class CookieDeclarationInline(SiteChildInline, admin.TabularInline):
    model = CookieDeclaration
    extra = 0
    fields = ("name", "is_pattern", "domain", "duration", "description", "provider", "source")


@admin.register(CookieCategory)
class CookieCategoryAdmin(SiteScopedAdmin):
    list_display = ("name", "slug", "site", "position")
    list_filter = ("site", "slug")
    inlines = [CookieCategoryTextInline, CookieDeclarationInline]


@admin.register(CookieDeclaration)
class CookieDeclarationAdmin(SiteScopedAdmin):
    site_path = "category__site"
    list_display = ("name", "category", "domain", "duration", "provider")
    list_filter = ("category__site", "category__slug")
    search_fields = ("name", "domain", "provider")
    inlines = [CookieDeclarationTextInline]


@admin.register(SiteText)
class SiteTextAdmin(SiteScopedAdmin):
    list_display = ("site", "language", "title")
    list_filter = ("site", "language")

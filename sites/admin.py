"""Admin of the publisher's configuration: sites, cookie categories and declarations, texts."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from sites.banner import choose_language
from sites.disclosure import iab_languages
from sites.languages import DEFAULT_LANGUAGE, iab_code
from sites.models import (
    CookieCategory,
    CookieCategoryText,
    CookieDeclaration,
    CookieDeclarationText,
    Site,
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


class CookieCategoryInline(admin.TabularInline):
    model = CookieCategory
    extra = 0
    fields = ("slug", "name", "description", "position")
    show_change_link = True


class SiteTextInline(admin.StackedInline):
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
                )
            },
        ),
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

    @admin.display(description=_("Languages"))
    def language_status(self, site: Site) -> str:
        if site.pk is None:
            return ""
        return format_html_join("", "<div>{}</div>", ((line,) for line in language_report(site)))


class CookieDeclarationInline(admin.TabularInline):
    model = CookieDeclaration
    extra = 0
    fields = ("name", "is_pattern", "domain", "duration", "description", "provider", "source")


@admin.register(CookieCategory)
class CookieCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "site", "position")
    list_filter = ("site", "slug")
    inlines = [CookieCategoryTextInline, CookieDeclarationInline]


@admin.register(CookieDeclaration)
class CookieDeclarationAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "domain", "duration", "provider")
    list_filter = ("category__site", "category__slug")
    search_fields = ("name", "domain", "provider")
    inlines = [CookieDeclarationTextInline]


@admin.register(SiteText)
class SiteTextAdmin(admin.ModelAdmin):
    list_display = ("site", "language", "title")
    list_filter = ("site", "language")

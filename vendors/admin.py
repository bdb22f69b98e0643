"""Django admin for the catalogue.

IAB and Google data is read-only here: it changes only through imports (the "Import" view on the
GVL versions page, the management commands, or the weekly refresh). Admins edit `enabled` and
`notes` on vendors and Ad Tech Providers, nothing else.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from infra import outbound
from vendors.catalogue import current_gvl, gvl_snapshot
from vendors.fetching import MAX_DOWNLOAD_BYTES, FetchError
from vendors.gvl_format import GvlFormatError, GvlVendor
from vendors.importing import (
    GvlImportError,
    compare_vendors,
    import_google_atps,
    import_gvl,
    import_translation,
)
from vendors.models import (
    DataCategory,
    DeviceStorageDisclosure,
    Feature,
    GoogleAtp,
    GvlTranslation,
    GvlVersion,
    Purpose,
    SpecialFeature,
    SpecialPurpose,
    Stack,
    Vendor,
)

IMPORTED_VENDOR_READONLY = [
    "id",
    "name",
    "status",
    "purposes_detail",
    "leg_int_purposes_detail",
    "flexible_purposes_detail",
    "special_purposes_detail",
    "features_detail",
    "special_features_detail",
    "data_declaration_detail",
    "retention_detail",
    "urls_detail",
    "uses_cookies",
    "cookie_max_age_seconds",
    "cookie_refresh",
    "uses_non_cookie_access",
    "device_storage_disclosure_url",
    "overflow",
    "deleted_date",
    "first_version",
    "last_version",
    "updated_at",
]


def _names(model: type[Any]) -> dict[int, str]:
    return dict(model.objects.filter(language="en").values_list("iab_id", "name"))


def _newest_version() -> int | None:
    return (
        GvlVersion.objects.order_by("-vendor_list_version")
        .values_list("vendor_list_version", flat=True)
        .first()
    )


class _IdListFilter(admin.SimpleListFilter):
    """Filters vendors whose JSON id list (`field`) contains the chosen taxonomy id. The catalogue
    is about a thousand rows, so matching in Python works on every database backend."""

    field = "purposes"
    taxonomy: type[Any] = Purpose

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(iab_id), f"{iab_id}. {name}") for iab_id, name in sorted(_names(self.taxonomy).items())]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Vendor]) -> QuerySet[Vendor]:
        if not self.value() or not self.value().isdigit():
            return queryset
        wanted = int(self.value())
        ids = [vid for vid, values in queryset.values_list("id", self.field) if wanted in (values or [])]
        return queryset.filter(id__in=ids)


class ConsentPurposeFilter(_IdListFilter):
    title = "purpose (consent)"
    parameter_name = "purpose"


class LegIntPurposeFilter(_IdListFilter):
    title = "purpose (legitimate interest)"
    parameter_name = "li_purpose"
    field = "leg_int_purposes"


class SpecialFeatureFilter(_IdListFilter):
    title = "special feature"
    parameter_name = "special_feature"
    field = "special_features"
    taxonomy = SpecialFeature


class VendorStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("active", "Active"), ("deleted", "Has a deletedDate"), ("dropped", "Not in the newest GVL")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Vendor]) -> QuerySet[Vendor]:
        newest = _newest_version()
        if self.value() == "active":
            return queryset.filter(deleted_date__isnull=True, last_version=newest)
        if self.value() == "deleted":
            return queryset.filter(deleted_date__isnull=False)
        if self.value() == "dropped":
            return queryset.filter(last_version__lt=newest or 0)
        return queryset


@admin.action(description="Enable the selected entries", permissions=["change"])
def enable_selected(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    queryset.update(enabled=True)


@admin.action(description="Disable the selected entries", permissions=["change"])
def disable_selected(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    queryset.update(enabled=False)


class ImportedOnlyAdmin(admin.ModelAdmin):
    """Rows are created and deleted only by imports. The catalogue is shared by every site, so only
    superusers change it (enabling a vendor here changes what every publisher discloses); a
    site's staff choose their site's vendors on the site's page."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Vendor)
class VendorAdmin(ImportedOnlyAdmin):
    list_display = ["id", "name", "enabled", "status", "consent_purposes", "li_purposes", "last_version"]
    list_display_links = ["id", "name"]
    list_filter = [
        "enabled",
        VendorStatusFilter,
        ConsentPurposeFilter,
        LegIntPurposeFilter,
        SpecialFeatureFilter,
        "uses_cookies",
    ]
    search_fields = ["name"]
    search_help_text = 'Name, vendor id (e.g. 755), or "purpose:3" for vendors using purpose 3.'
    actions = [enable_selected, disable_selected]
    list_per_page = 100
    readonly_fields = IMPORTED_VENDOR_READONLY
    fieldsets = [
        ("Local settings", {"fields": ["enabled", "notes"]}),
        ("IAB Global Vendor List (read-only)", {"fields": IMPORTED_VENDOR_READONLY}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Vendor]:
        # The status column compares each row with the newest version: one subquery, not one per row.
        newest = GvlVersion.objects.order_by("-vendor_list_version").values("vendor_list_version")[:1]
        return super().get_queryset(request).annotate(newest_version=Subquery(newest))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Vendor], search_term: str
    ) -> tuple[QuerySet[Vendor], bool]:
        term = search_term.strip().lower()
        if term.startswith("purpose:") and term[8:].strip().isdigit():
            wanted = int(term[8:])
            ids = [
                vid
                for vid, consent, li in queryset.values_list("id", "purposes", "leg_int_purposes")
                if wanted in consent or wanted in li
            ]
            return queryset.filter(id__in=ids), False
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if term.isdigit():
            results = results | queryset.filter(id=int(term))
        return results, may_have_duplicates

    @admin.display(description="status")
    def status(self, vendor: Vendor) -> str:
        if vendor.deleted_date:
            return f"deleted {vendor.deleted_date:%Y-%m-%d}"
        newest = getattr(vendor, "newest_version", None)
        if newest is not None and vendor.last_version < newest:
            return f"not in GVL v{newest} (last seen in v{vendor.last_version})"
        return "active"

    @admin.display(description="consent purposes")
    def consent_purposes(self, vendor: Vendor) -> str:
        return ", ".join(map(str, vendor.purposes))

    @admin.display(description="LI purposes")
    def li_purposes(self, vendor: Vendor) -> str:
        return ", ".join(map(str, vendor.leg_int_purposes))

    def _detail(self, ids: list[int], model: type[Any]) -> str:
        if not ids:
            return "—"
        names = _names(model)
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}. {}</li>", ((i, names.get(i, "?")) for i in ids))
        )

    @admin.display(description="purposes (consent)")
    def purposes_detail(self, vendor: Vendor) -> str:
        return self._detail(vendor.purposes, Purpose)

    @admin.display(description="purposes (legitimate interest)")
    def leg_int_purposes_detail(self, vendor: Vendor) -> str:
        return self._detail(vendor.leg_int_purposes, Purpose)

    @admin.display(description="flexible purposes")
    def flexible_purposes_detail(self, vendor: Vendor) -> str:
        return self._detail(vendor.flexible_purposes, Purpose)

    @admin.display(description="special purposes")
    def special_purposes_detail(self, vendor: Vendor) -> str:
        return self._detail(vendor.special_purposes, SpecialPurpose)

    @admin.display(description="features")
    def features_detail(self, vendor: Vendor) -> str:
        return self._detail(vendor.features, Feature)

    @admin.display(description="special features")
    def special_features_detail(self, vendor: Vendor) -> str:
        return self._detail(vendor.special_features, SpecialFeature)

    @admin.display(description="data declaration")
    def data_declaration_detail(self, vendor: Vendor) -> str:
        return self._detail(vendor.data_declaration, DataCategory)

    @admin.display(description="data retention (days)")
    def retention_detail(self, vendor: Vendor) -> str:
        retention = vendor.data_retention or {}
        rows: list[tuple[str, Any]] = []
        if retention.get("stdRetention") is not None:
            rows.append(("Standard retention", retention["stdRetention"]))
        purpose_names, special_names = _names(Purpose), _names(SpecialPurpose)
        for key, days in sorted((retention.get("purposes") or {}).items(), key=lambda kv: int(kv[0])):
            rows.append((f"Purpose {key}. {purpose_names.get(int(key), '?')}", days))
        for key, days in sorted((retention.get("specialPurposes") or {}).items(), key=lambda kv: int(kv[0])):
            rows.append((f"Special purpose {key}. {special_names.get(int(key), '?')}", days))
        if not rows:
            return "—"
        return format_html("<table>{}</table>", format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", rows))

    @admin.display(description="privacy URLs")
    def urls_detail(self, vendor: Vendor) -> str:
        if not vendor.urls:
            return "—"
        return format_html(
            "<table>{}</table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((u.get("langId", ""), u.get("privacy", ""), u.get("legIntClaim", "")) for u in vendor.urls),
            ),
        )


@admin.register(GoogleAtp)
class GoogleAtpAdmin(ImportedOnlyAdmin):
    list_display = ["id", "name", "policy_url", "enabled", "removed_at"]
    list_display_links = ["id", "name"]
    list_filter = ["enabled", ("removed_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "domains"]
    search_help_text = "Name, domain, or provider id."
    actions = [enable_selected, disable_selected]
    list_per_page = 100
    readonly_fields = ["id", "name", "policy_url", "domains", "first_seen_at", "updated_at", "removed_at"]
    fieldsets = [
        ("Local settings", {"fields": ["enabled", "notes"]}),
        ("Google's Ad Tech Provider list (read-only)", {"fields": readonly_fields}),
    ]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[GoogleAtp], search_term: str
    ) -> tuple[QuerySet[GoogleAtp], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip().isdigit():
            results = results | queryset.filter(id=int(search_term))
        return results, may_have_duplicates


class ReadOnlyAdmin(ImportedOnlyAdmin):
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TaxonAdmin(ReadOnlyAdmin):
    list_display = ["iab_id", "name", "language", "source_version"]
    list_display_links = ["iab_id", "name"]
    list_filter = ["language"]
    search_fields = ["name", "description"]
    ordering = ["language", "iab_id"]


for _model in (Purpose, SpecialPurpose, Feature, SpecialFeature, DataCategory):
    admin.site.register(_model, TaxonAdmin)


@admin.register(Stack)
class StackAdmin(TaxonAdmin):
    list_display = ["iab_id", "name", "purposes", "special_features", "language"]


@admin.register(DeviceStorageDisclosure)
class DeviceStorageDisclosureAdmin(ReadOnlyAdmin):
    """What the daily fetch (vendors/device_storage.py) found per vendor, errors included."""

    list_display = ["vendor", "url", "fetched_at", "checked_at", "fresh_until", "error"]
    list_select_related = ["vendor"]
    search_fields = ["vendor__name", "url", "error"]


SECTION_LABELS = {
    "purposes": _("purposes"),
    "special_purposes": _("special purposes"),
    "features": _("features"),
    "special_features": _("special features"),
    "stacks": _("stacks"),
    "data_categories": _("data categories"),
}


@admin.register(GvlTranslation)
class GvlTranslationAdmin(ReadOnlyAdmin):
    list_display = [
        "language",
        "vendor_list_version",
        "last_updated",
        "imported_at",
        "english_only",
        "source",
    ]
    exclude = ["document"]
    readonly_fields = ["english_only"]

    @admin.display(description=_("Shown in English (the IAB has no text for them)"))
    def english_only(self, obj: GvlTranslation) -> str:
        """The entries of the newest GVL this translation lacks: the banner shows them in the GVL's
        English and marks them so, never as a translation."""
        snapshot = current_gvl(obj.language)
        if snapshot is None:
            return "-"
        ids: dict[str, list[int]] = {}
        for section, item_id in sorted(e for e in snapshot.untranslated if isinstance(e[1], int)):
            ids.setdefault(section, []).append(int(item_id))
        explanations = sorted(str(e[1]) for e in snapshot.untranslated if isinstance(e[1], str))
        parts = [f"{SECTION_LABELS[section]} {_ranges(found)}" for section, found in ids.items()]
        if explanations:
            # The GVL's own key names: they name data, they are not prose to translate.
            parts.append("standardTexts " + ", ".join(explanations))
        return "; ".join(parts) or str(_("none"))


def _ranges(ids: list[int]) -> str:
    """[1, 2, 3, 7] -> "1-3, 7"."""
    runs: list[list[int]] = []
    for item_id in ids:
        if runs and item_id == runs[-1][-1] + 1:
            runs[-1].append(item_id)
        else:
            runs.append([item_id])
    return ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


class ImportForm(forms.Form):
    KINDS = [
        ("gvl", "Global Vendor List (vendor-list.json, GVL v3)"),
        ("translation", "Purposes translation (purposes-xx.json)"),
        ("atp", "Google Ad Tech Providers (additional-consent-providers.csv)"),
    ]
    kind = forms.ChoiceField(choices=KINDS)
    language = forms.CharField(required=False, max_length=16, help_text="For a translation, e.g. fr.")
    file = forms.FileField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError("Give either a file or a URL.")
        if data.get("kind") == "translation" and not data.get("language"):
            self.add_error("language", "A translation needs its language code.")
        upload = data.get("file")
        if upload and upload.size > MAX_DOWNLOAD_BYTES:
            self.add_error(
                "file", f"The file is over {MAX_DOWNLOAD_BYTES} bytes; no catalogue list is that large."
            )
        return data


def fetch_chosen_url(url: str) -> bytes:
    """An import URL typed by an admin: fetched under the outbound rule (infra/outbound.py: public
    hosts only, every redirect checked again, no internal address or port in the errors)."""
    try:
        answer = outbound.fetch(url, schemes=("https", "http"), max_bytes=MAX_DOWNLOAD_BYTES, timeout=60)
    except (outbound.OutboundRefused, outbound.OutboundFailed) as exc:
        raise FetchError(str(exc)) from None
    if answer.status != 200:
        raise FetchError(f"{url[:200]!r} answered HTTP {answer.status}.")
    return answer.body


class CompareForm(forms.Form):
    a = forms.TypedChoiceField(label="Older version", coerce=int)
    b = forms.TypedChoiceField(label="Newer version", coerce=int)

    def __init__(self, *args: Any, versions: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(v, f"v{v}") for v in versions]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices


VENDOR_FIELDS_COMPARED = [f.name for f in dataclasses.fields(GvlVendor) if f.name != "id"]


@admin.register(GvlVersion)
class GvlVersionAdmin(ReadOnlyAdmin):
    list_display = [
        "vendor_list_version",
        "tcf_policy_version",
        "gvl_specification_version",
        "last_updated",
        "vendor_count",
        "active_vendor_count",
        "imported_at",
        "source",
    ]
    exclude = ["document"]
    change_list_template = "admin/vendors/gvlversion/change_list.html"

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("compare/", wrap(self.compare_view), name="vendors_gvlversion_compare"),
            path("import/", wrap(self.import_view), name="vendors_gvlversion_import"),
            *super().get_urls(),
        ]

    def compare_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        versions = list(GvlVersion.objects.values_list("vendor_list_version", flat=True))
        initial = {"a": versions[1] if len(versions) > 1 else None, "b": versions[0] if versions else None}
        form = CompareForm(request.GET or None, versions=versions, initial=initial)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": "Compare two GVL versions",
            "opts": self.model._meta,
            "form": form,
        }
        if form.is_valid():
            older, newer = gvl_snapshot(form.cleaned_data["a"]), gvl_snapshot(form.cleaned_data["b"])
            difference = compare_vendors(older.vendors, newer.vendors)
            changed_rows = []
            for vid in difference["changed"]:
                before, after = older.vendors[vid], newer.vendors[vid]
                fields = [
                    name for name in VENDOR_FIELDS_COMPARED if getattr(before, name) != getattr(after, name)
                ]
                changed_rows.append((vid, after.name, ", ".join(fields)))
            context.update(
                older=older,
                newer=newer,
                added=[(vid, newer.vendors[vid].name) for vid in difference["added"]],
                removed=[(vid, older.vendors[vid].name) for vid in difference["removed"]],
                newly_deleted=[(vid, newer.vendors[vid].name) for vid in difference["newly_deleted"]],
                changed=changed_rows,
                taxonomy_counts=[
                    (label, len(getattr(older, attr)), len(getattr(newer, attr)))
                    for label, attr in [
                        ("Purposes", "purposes"),
                        ("Special purposes", "special_purposes"),
                        ("Features", "features"),
                        ("Special features", "special_features"),
                        ("Stacks", "stacks"),
                        ("Data categories", "data_categories"),
                        ("Vendors", "vendors"),
                    ]
                ],
            )
        return TemplateResponse(request, "admin/vendors/gvlversion/compare.html", context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (request.user.is_superuser and request.user.has_perm("vendors.add_gvlversion")):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if data["file"]:
                    content, source = data["file"].read(), f"admin upload {data['file'].name}"
                else:
                    content, source = fetch_chosen_url(data["url"]), data["url"]
                if data["kind"] == "gvl":
                    summary = import_gvl(content, source=source).summary()
                elif data["kind"] == "translation":
                    summary = import_translation(content, data["language"], source=source).summary()
                else:
                    summary = import_google_atps(content, source=source).summary()
            except (GvlFormatError, GvlImportError, FetchError) as exc:
                form.add_error(None, f"{exc} Nothing was imported.")
            else:
                messages.success(request, summary)
                return HttpResponseRedirect(reverse("admin:vendors_gvlversion_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import catalogue data",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/vendors/gvlversion/import.html", context)

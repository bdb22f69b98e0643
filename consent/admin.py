"""Admin of the consent log: API keys are editable; records, seals and deletions are view-only."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from consent.admin_scoping import ReadOnly as ReadOnlyAdmin
from consent.api_keys import fill_new_key
from consent.forms import AuditExportForm
from consent.models import (
    CHOICE_FIELDS,
    ApiKey,
    ApiScope,
    ConsentDeletion,
    ConsentRecord,
    ConsentSeal,
    RecordedChoice,
    default_scopes,
)
from consent.services import export
from consent.services.export import RECORD_FIELDS
from sites.admin_access import SiteScopedAdmin


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=default_scopes,
        help_text="Give a key only what its service needs; 'record' is for servers that post choices.",
    )

    class Meta:
        model = ApiKey
        fields = ("site", "name", "scopes", "expires_at", "revoked")


@admin.register(ApiKey)
class ApiKeyAdmin(SiteScopedAdmin):
    # Minting or revoking a key of a site is its owner's decision.
    change_right = "manage"
    form = ApiKeyForm
    list_display = (
        "name",
        "site",
        "prefix",
        "scope_list",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked",
    )
    list_filter = ("site", "revoked")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")

    @admin.display(description="scopes")
    def scope_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.scopes)

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        if obj is None:
            return ["site", "name", "scopes", "expires_at"]
        return [
            "site",
            "name",
            "prefix",
            "scopes",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked",
            "revoked_at",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple[str, ...]:
        if obj is None:
            return self.readonly_fields
        if obj.revoked:  # final: nothing about a revoked key changes again
            return (*self.readonly_fields, "site", "name", "scopes", "expires_at", "revoked")
        return (*self.readonly_fields, "site")

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if not change:
            # Shown by response_add on the answer to this very request: never in the messages
            # cookie (signed, not encrypted) or the session, never in a redirect.
            request._new_api_key = fill_new_key(obj)  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def response_add(self, request: HttpRequest, obj: ApiKey, post_url_continue: str | None = None) -> Any:
        raw_key = getattr(request, "_new_api_key", None)
        if raw_key is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "API key created",
            "api_key": obj,
            "raw_key": raw_key,
        }
        response = TemplateResponse(request, "admin/consent/apikey/created.html", context)
        response["Cache-Control"] = "no-store"
        return response


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ("consent_id", "site", "user_id", "action", "created_at", "expires_at")
    list_filter = ("site", "action", "created_at", ("choice__policy_version", admin.AllValuesFieldListFilter))
    date_hierarchy = "created_at"
    search_fields = ("=user_id", "=consent_id")
    search_help_text = "Exact user id or consent id."
    list_select_related = ("site",)
    # The record's own fields, then what its recorded choice says, as one record reads.
    fields = readonly_fields = (*RECORD_FIELDS, "choice", *CHOICE_FIELDS)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConsentRecord]:
        return super().get_queryset(request).select_related("choice")

    actions = ["export_csv"]
    show_full_result_count = False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            consent_id = uuid.UUID(term)
        except ValueError:
            return queryset.filter(user_id=term), False
        return queryset.filter(consent_id=consent_id) | queryset.filter(user_id=term), False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    change_list_template = "admin/consent/consentrecord/change_list.html"

    def get_urls(self) -> list[Any]:
        export_view = self.admin_site.admin_view(self.auditor_export_view)
        return [path("export/", export_view, name="consent_consentrecord_export"), *super().get_urls()]

    def auditor_export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = AuditExportForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            selection, kind = form.selection(), form.cleaned_data["format"]
            response = StreamingHttpResponse(
                export.stream(selection, kind), content_type=export.FORMATS[kind][0]
            )
            response["Content-Disposition"] = f'attachment; filename="{selection.filename(kind)}"'
            return response
        context = {**self.admin_site.each_context(request), "opts": self.model._meta}
        context.update(title="Export for an auditor", form=form)
        return TemplateResponse(request, "admin/consent/consentrecord/export.html", context)

    @admin.action(description="Export selected records as CSV", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[ConsentRecord]) -> StreamingHttpResponse:
        records = queryset.select_related("site", "choice").order_by("id").iterator(chunk_size=2000)
        response = StreamingHttpResponse(export.csv_rows(records), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="consent-records.csv"'
        return response


@admin.register(RecordedChoice)
class RecordedChoiceAdmin(ReadOnlyAdmin):
    list_display = ("id", "site", "day", "language", "gvl_version", "policy_version")
    list_filter = ("site", "day")
    date_hierarchy = "day"
    list_select_related = ("site",)
    show_full_result_count = False


@admin.register(ConsentSeal)
class ConsentSealAdmin(ReadOnlyAdmin):
    list_display = ("site", "sequence", "after_record_id", "through_record_id", "record_count", "created_at")
    list_filter = ("site",)


@admin.register(ConsentDeletion)
class ConsentDeletionAdmin(ReadOnlyAdmin):
    list_display = ("site", "reason", "seal", "record_count", "reference", "created_at")
    list_filter = ("site", "reason")


from consent.subject_requests import admin as _subject_requests_admin  # noqa: E402, F401
from consent.webhooks import admin as _webhooks_admin  # noqa: E402, F401  (registers the webhook admins)

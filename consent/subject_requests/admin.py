"""Data-subject requests in the console: look a visitor up, see their history, export or erase it
with a reason. Every action goes through consent.subject_requests.service and is logged there."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from consent.admin_scoping import ReadOnly
from consent.forms import SubjectRequestForm, VisitorForm
from consent.services import live_records
from consent.subject_requests import service
from consent.subject_requests.models import DataSubjectRequest
from sites.access import has_right


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(ReadOnly):
    list_display = ("created_at", "site", "user_id", "kind", "channel", "handled_by_name", "records_found")
    list_filter = ("site", "kind", "channel")
    search_fields = ("=user_id",)
    search_help_text = "Exact visitor id."
    list_select_related = ("site",)
    change_list_template = "admin/consent/datasubjectrequest/change_list.html"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    # Requests are made on the lookup page (which performs them); the log itself is never edited.
    def get_urls(self) -> list[Any]:
        lookup = self.admin_site.admin_view(self.lookup_view)
        return [path("lookup/", lookup, name="consent_datasubjectrequest_lookup"), *super().get_urls()]

    def lookup_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        context: dict[str, Any] = {**self.admin_site.each_context(request), "opts": self.model._meta}
        context["title"] = "Look up a visitor"
        if request.method == "POST":
            return self._act(request, context)
        form = VisitorForm(request.GET or None, user=request.user)
        context["form"] = form
        if form.is_valid():
            site, user_id = form.cleaned_data["site"], form.cleaned_data["user_id"]
            context.update(
                site=site,
                user_id=user_id,
                records=live_records(site, user_id),
                requests=DataSubjectRequest.objects.filter(site=site, user_id=user_id),
                may_erase=has_right(request.user, site, "manage"),
                action_form=SubjectRequestForm(initial={"site": site, "user_id": user_id}, user=request.user),
            )
        return TemplateResponse(request, "admin/consent/datasubjectrequest/lookup.html", context)

    def _act(self, request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
        form = SubjectRequestForm(request.POST, user=request.user)
        lookup_url = reverse("admin:consent_datasubjectrequest_lookup")
        if not form.is_valid():
            messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
            return HttpResponseRedirect(lookup_url)
        site, user_id, reason = (form.cleaned_data[name] for name in ("site", "user_id", "reason"))
        again = f"{lookup_url}?site={site.pk}&user_id={user_id}"
        if request.POST.get("do") == "erase":
            if not has_right(request.user, site, "manage"):
                raise PermissionDenied("Erasing a visitor's records needs the owner role on the site.")
            if not form.cleaned_data["confirm"]:
                messages.error(request, "Tick the confirmation to erase the visitor's records.")
                return HttpResponseRedirect(again)
            logged, _ = service.answer_erasure(site, user_id, actor=request.user, reason=reason)
            messages.success(
                request, f"Erased {logged.records_found} record(s) of {user_id}; the erasure is recorded."
            )
            return HttpResponseRedirect(again)
        kind = form.cleaned_data["format"] or "json"
        _, body = service.answer_access(site, user_id, actor=request.user, reason=reason, kind=kind)
        response = HttpResponse(
            json.dumps(body, indent=2, sort_keys=True),
            content_type="application/ld+json" if kind == "27560" else "application/json",
        )
        suffix = "jsonld" if kind == "27560" else "json"
        response["Content-Disposition"] = f'attachment; filename="visitor-{site.key}-{user_id}.{suffix}"'
        return response

"""The scanner in the admin: scans with their progress, the report of a scan (findings first, then
runs, pages, cookies, storage and requests, with filters), scanning on demand, the one-click
"add to declarations" of an undeclared finding, CSV and JSON export, and the per-site settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from infra.errors import ApiError
from scanner import export, service, tasks
from scanner.models import (
    FINDING_ORDER,
    Finding,
    FindingKind,
    FoundCookie,
    FoundRequest,
    FoundStorage,
    PageStatus,
    RunKind,
    Scan,
    SiteScanSettings,
)
from sites.access import has_right, visible_sites


def _start(request: HttpRequest, site: Any, **options: Any) -> Scan | None:
    try:
        scan = service.request_scan(site, trigger="admin", **options)
    except ApiError as exc:
        messages.error(request, exc.message)
        return None
    tasks.run_scan.delay(scan.pk)
    messages.success(request, f"Scan {scan.pk} of {site.key} started.")
    return scan


class ScanForm(forms.Form):
    site = forms.ModelChoiceField(queryset=None)  # type: ignore[arg-type]
    urls = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Extra start URLs, one per line."
    )
    max_pages = forms.IntegerField(required=False, min_value=1, max_value=1000)


@admin.register(Scan)
class ScanAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "site",
        "status",
        "progress",
        "violation_count",
        "trigger",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "trigger", "site")
    list_select_related = ("site",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(site__in=visible_sites(request.user))

    @admin.display(description="pages")
    def progress(self, scan: Scan) -> str:
        return f"{scan.pages_done} / {scan.pages_planned}"

    @admin.display(description="violations")
    def violation_count(self, scan: Scan) -> int:
        return int(scan.summary.get("findings", {}).get("violation", 0)) if scan.summary else 0

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or has_right(request.user, obj.site, "edit"))

    def get_urls(self) -> list[Any]:
        own = [
            path(
                "<int:scan_id>/report/",
                self.admin_site.admin_view(self.report_view),
                name="scanner_scan_report",
            ),
            path(
                "<int:scan_id>/export.<str:fmt>",
                self.admin_site.admin_view(self.export_view),
                name="scanner_scan_export",
            ),
            path(
                "finding/<int:finding_id>/declare/",
                self.admin_site.admin_view(self.declare_view),
                name="scanner_finding_declare",
            ),
        ]
        return own + super().get_urls()

    def _scan(self, request: HttpRequest, scan_id: int, right: str = "view") -> Scan:
        scan = get_object_or_404(Scan.objects.select_related("site"), pk=scan_id)
        if not has_right(request.user, scan.site, right):
            raise PermissionDenied
        return scan

    def change_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:scanner_scan_report", args=[int(object_id)]))

    def add_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Scan on demand: pick a site (and optional start URLs and page limit)."""
        form = ScanForm(request.POST or None)
        form.fields["site"].queryset = visible_sites(request.user, "edit")  # type: ignore[attr-defined]
        if request.method == "POST" and form.is_valid():
            urls = [u.strip() for u in form.cleaned_data["urls"].splitlines() if u.strip()]
            scan = _start(
                request, form.cleaned_data["site"], urls=urls, max_pages=form.cleaned_data["max_pages"]
            )
            if scan is not None:
                return HttpResponseRedirect(reverse("admin:scanner_scan_report", args=[scan.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Scan a site",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/scanner/scan_new.html", context)

    def report_view(self, request: HttpRequest, scan_id: int) -> HttpResponse:
        scan = self._scan(request, scan_id)
        selected = {key: request.GET.get(key, "") for key in ("run", "party", "category", "finding")}
        cookies = FoundCookie.objects.filter(run__scan=scan).select_related("run", "first_page", "vendor")
        storage = FoundStorage.objects.filter(run__scan=scan).select_related("run", "first_page")
        requests = FoundRequest.objects.filter(run__scan=scan).select_related("run", "vendor", "google_atp")
        if selected["run"]:
            cookies, storage, requests = (
                q.filter(run__kind=selected["run"]) for q in (cookies, storage, requests)
            )
        if selected["party"]:
            cookies, storage = (
                cookies.filter(party=selected["party"]),
                storage.filter(party=selected["party"]),
            )
        if selected["category"]:
            wanted = "" if selected["category"] == "unclassified" else selected["category"]
            cookies, storage = cookies.filter(category=wanted), storage.filter(category=wanted)
        findings = sorted(
            Finding.objects.filter(scan=scan).select_related("declaration"),
            key=lambda f: (FINDING_ORDER.index(FindingKind(f.kind)), f.pk),
        )
        if selected["finding"]:
            findings = [f for f in findings if f.kind == selected["finding"]]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Scan {scan.pk} of {scan.site.name}",
            "opts": self.model._meta,
            "scan": scan,
            "findings": findings,
            "runs": scan.runs.all(),
            "pages": scan.pages.all(),
            "failed_pages": scan.pages.exclude(status=PageStatus.DONE),
            "cookies": cookies,
            "storage": storage,
            "requests": requests,
            "selected": selected,
            "filters": {
                "run": RunKind.choices,
                "party": [("first", "First party"), ("third", "Third party")],
                "category": [
                    (c, c) for c in ("necessary", "functional", "analytics", "performance", "advertisement")
                ]
                + [("unclassified", "unclassified")],
                "finding": FindingKind.choices,
            },
            "can_edit": has_right(request.user, scan.site, "edit"),
            "running": scan.status in ("queued", "running"),
        }
        return TemplateResponse(request, "admin/scanner/scan_report.html", context)

    def export_view(self, request: HttpRequest, scan_id: int, fmt: str) -> HttpResponse:
        scan = self._scan(request, scan_id)
        if fmt == "json":
            return export.as_json(scan)
        if fmt == "csv":
            return export.as_csv(scan)
        raise ApiError(404, "unknown_format", "Export formats: csv, json.")

    def declare_view(self, request: HttpRequest, finding_id: int) -> HttpResponse:
        finding = get_object_or_404(Finding.objects.select_related("scan__site"), pk=finding_id)
        if request.method != "POST" or not has_right(request.user, finding.scan.site, "edit"):
            raise PermissionDenied
        try:
            declaration = service.declare(finding.pk)
        except (ApiError, Finding.DoesNotExist) as exc:
            messages.error(request, getattr(exc, "message", "Only an undeclared finding can be declared."))
        else:
            messages.success(request, f"{declaration.name} added to {declaration.category.name}.")
        return HttpResponseRedirect(reverse("admin:scanner_scan_report", args=[finding.scan_id]))


@admin.register(SiteScanSettings)
class SiteScanSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "site",
        "max_pages",
        "max_depth",
        "respect_robots_txt",
        "schedule_days",
        "keep_scans",
        "last",
    )
    actions = ["scan_now"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(site__in=visible_sites(request.user))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "site":
            kwargs["queryset"] = visible_sites(request.user, "edit")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or has_right(request.user, obj.site, "edit"))

    @admin.display(description="last scan")
    def last(self, item: SiteScanSettings) -> str:
        scan = item.site.scans.first()
        if scan is None:
            return "-"
        url = reverse("admin:scanner_scan_report", args=[scan.pk])
        return format_html('<a href="{}">{} ({})</a>', url, scan.created_at.strftime("%Y-%m-%d"), scan.status)

    @admin.action(description="Scan the selected sites now")
    def scan_now(self, request: HttpRequest, queryset: Any) -> None:
        for item in queryset.select_related("site"):
            if has_right(request.user, item.site, "edit"):
                _start(request, item.site)

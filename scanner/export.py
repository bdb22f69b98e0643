"""A scan's results as CSV (one row per cookie, storage key and request, run by run) or JSON (the
whole report)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponse, JsonResponse

from scanner.models import Finding, FoundCookie, FoundRequest, FoundStorage, Scan

CSV_COLUMNS = [
    "run",
    "type",
    "name",
    "domain_or_origin",
    "party",
    "category",
    "match_source",
    "match_detail",
    "set_by",
    "set_by_url",
    "expires_at",
    "http_only",
    "secure",
    "same_site",
    "before_choice",
    "first_page",
    "pages",
]


def _row(found: FoundCookie | FoundStorage | FoundRequest, **columns: Any) -> dict[str, Any]:
    """The columns every kind of finding has (its run, when it was first seen and where), then its own."""
    return {
        "run": found.run.kind,
        **columns,
        "before_choice": found.before_choice,
        "first_page": found.first_page.url if found.first_page else "",
    }


def _cookie(c: FoundCookie) -> dict[str, Any]:
    return _row(
        c,
        type="cookie",
        name=c.name,
        domain_or_origin=c.domain,
        party=c.party,
        category=c.category,
        match_source=c.match_source,
        match_detail=c.match_detail,
        set_by=c.set_by,
        set_by_url=c.set_by_url,
        expires_at=c.expires_at.isoformat() if c.expires_at else "session",
        http_only=c.http_only,
        secure=c.secure,
        same_site=c.same_site,
        pages=c.page_count,
    )


def _storage(s: FoundStorage) -> dict[str, Any]:
    return _row(
        s,
        type=f"{s.area}Storage",
        name=s.key,
        domain_or_origin=s.origin,
        party=s.party,
        category=s.category,
        match_source=s.match_source,
        match_detail=s.match_detail,
        set_by="script" if s.set_by_url else "",
        set_by_url=s.set_by_url,
        pages=s.page_count,
    )


def _request(r: FoundRequest) -> dict[str, Any]:
    return _row(
        r,
        type=f"request:{r.resource_type}",
        name=r.example_url,
        domain_or_origin=r.host,
        party="third",
        match_detail=r.match_detail,
        set_by_url=r.initiator,
        pages=r.count,
    )


def rows(scan: Scan) -> list[dict[str, Any]]:
    related = ("run", "first_page")
    return (
        [_cookie(c) for c in FoundCookie.objects.filter(run__scan=scan).select_related(*related)]
        + [_storage(s) for s in FoundStorage.objects.filter(run__scan=scan).select_related(*related)]
        + [_request(r) for r in FoundRequest.objects.filter(run__scan=scan).select_related(*related)]
    )


def report(scan: Scan) -> dict[str, Any]:
    return {
        "scan": scan.pk,
        "site": scan.site.key,
        "status": scan.status,
        "error": scan.error,
        "created_at": scan.created_at.isoformat(),
        "finished_at": scan.finished_at.isoformat() if scan.finished_at else None,
        "summary": scan.summary,
        "findings": [
            {
                "kind": f.kind,
                "subject": f.subject,
                "name": f.name,
                "domain": f.domain,
                "runs": f.runs,
                "category": f.category,
                "detail": f.detail,
            }
            for f in Finding.objects.filter(scan=scan)
        ],
        "pages": [
            {
                "url": p.url,
                "depth": p.depth,
                "source": p.source,
                "status": p.status,
                "http_status": p.http_status,
                "error": p.error,
            }
            for p in scan.pages.all()
        ],
        "items": rows(scan),
    }


def _filename(scan: Scan, ext: str) -> str:
    return f'attachment; filename="scan-{scan.site.key}-{scan.pk}.{ext}"'


def as_json(scan: Scan) -> HttpResponse:
    response = JsonResponse(report(scan), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = _filename(scan, "json")
    return response


def as_csv(scan: Scan) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows(scan))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename(scan, "csv")
    return response

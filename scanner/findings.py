"""Findings a publisher acts on, built from what a scan's runs found:

- violation: a cookie or storage key present with no choice made or after Reject All that is not in
  the Necessary category (unclassified counts: nothing proves it necessary), or a request made then
  to a host a GVL vendor or Google ATP declares;
- undeclared: found, matching none of the site's declarations (this CMP's own cookies excepted);
- not seen: declared, and matched by nothing the scan found;
- new / gone: cookies and storage keys present in this scan and not in the site's previous finished
  scan, or the other way round.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from typing import Any

from django.db.models import Count

from scanner.classify import Classifier
from scanner.models import (
    Finding,
    FindingKind,
    FoundCookie,
    FoundRequest,
    FoundStorage,
    MatchSource,
    PageStatus,
    RunKind,
    Scan,
    ScanStatus,
)
from sites.models import CookieDeclaration

CHOICELESS = (RunKind.NO_CHOICE, RunKind.REJECT_ALL)


def _items(scan: Scan) -> list[tuple[str, str, str, Any]]:
    """(subject, name, domain, row) for every cookie and storage key of the scan, run by run."""
    items: list[tuple[str, str, str, Any]] = []
    for cookie in FoundCookie.objects.filter(run__scan=scan).select_related("run"):
        items.append(("cookie", cookie.name, cookie.domain.lstrip("."), cookie))
    for storage in FoundStorage.objects.filter(run__scan=scan).select_related("run"):
        items.append((f"{storage.area}Storage", storage.key, storage.origin, storage))
    return items


def _identities(scan: Scan) -> set[tuple[str, str, str]]:
    return {(subject, name, domain) for subject, name, domain, _ in _items(scan)}


def build(scan: Scan, classifier: Classifier) -> list[Finding]:
    Finding.objects.filter(scan=scan).delete()
    grouped: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for subject, name, domain, row in _items(scan):
        grouped[(subject, name, domain)].append(row)
    made: list[Finding] = []
    violations, undeclared = [], []
    matched_declarations: set[int] = set()
    for (subject, name, domain), rows in grouped.items():
        first = rows[0]
        runs = sorted({r.run.kind for r in rows}, key=[k for k, _ in RunKind.choices].index)
        offending = [k for k in runs if k in CHOICELESS]
        if subject == "cookie":
            match = classifier.cookie(name, domain, first.party == "first")
        else:
            match = classifier.storage(
                name, first.origin.split("://")[-1].split(":")[0], first.party == "first"
            )
        if match.declaration_id:
            matched_declarations.add(match.declaration_id)
        label = first.get_category_display() if first.category else "unclassified"
        about = partial(
            Finding, scan=scan, subject=subject, name=name, domain=domain, category=first.category
        )
        if offending and first.category != "necessary":
            where = " and ".join(RunKind(k).label.lower() for k in offending)
            violations.append(
                about(
                    kind=FindingKind.VIOLATION,
                    runs=offending,
                    detail=f"Present {where} ({label}, {first.get_party_display().lower()}, "
                    f"first on {first.first_page.url if first.first_page else '?'}).",
                )
            )
        if not first.declared and first.match_source != MatchSource.CMP:
            source = (
                f"{first.get_match_source_display()}: {first.match_detail}"
                if first.match_source
                else "nothing matched it"
            )
            proposal = f"Proposed category: {label} ({source})."
            undeclared.append(about(kind=FindingKind.UNDECLARED, runs=runs, detail=proposal))
    requests: dict[tuple[str, str], list[FoundRequest]] = defaultdict(list)
    for request in FoundRequest.objects.filter(run__scan=scan, run__kind__in=CHOICELESS).select_related(
        "run"
    ):
        if request.vendor_id or request.google_atp_id:
            requests[(request.host, request.match_detail)].append(request)
    for (host, detail), rows in requests.items():
        runs = sorted({r.run.kind for r in rows}, key=[k for k, _ in RunKind.choices].index)
        violations.append(
            Finding(
                scan=scan,
                kind=FindingKind.VIOLATION,
                subject="request",
                name=host,
                domain=host,
                runs=runs,
                detail=f"Requests to a declared tracker host before consent: {detail}.",
            )
        )
    made.extend(violations)
    made.extend(undeclared)
    for declaration in CookieDeclaration.objects.filter(category__site=scan.site_id).select_related(
        "category"
    ):
        if declaration.pk not in matched_declarations:
            made.append(
                Finding(
                    scan=scan,
                    kind=FindingKind.NOT_SEEN,
                    subject="declaration",
                    name=declaration.name,
                    domain=declaration.domain,
                    category=declaration.category.slug,
                    declaration=declaration,
                    detail=f"Declared in {declaration.category.name}; no page of this scan set it.",
                )
            )
    previous = (
        Scan.objects.filter(site=scan.site_id, status=ScanStatus.FINISHED, created_at__lt=scan.created_at)
        .exclude(pk=scan.pk)
        .order_by("-created_at")
        .first()
    )
    if previous is not None:
        now, before = set(grouped), _identities(previous)
        for kind, items in ((FindingKind.NEW, now - before), (FindingKind.GONE, before - now)):
            for subject, name, domain in sorted(items):
                made.append(
                    Finding(
                        scan=scan,
                        kind=kind,
                        subject=subject,
                        name=name,
                        domain=domain,
                        detail=f"Compared with scan {previous.pk} of {previous.created_at:%Y-%m-%d}.",
                    )
                )
    return Finding.objects.bulk_create(made)


def summarise(scan: Scan) -> dict[str, Any]:
    pages = dict(scan.pages.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {
        "status": scan.status,
        "pages": {status: pages.get(status, 0) for status in PageStatus.values},
        "runs": {
            run.kind: {
                "pages": run.pages_loaded,
                "seconds": run.seconds,
                "cookies": run.cookies.count(),
                "storage": run.storage.count(),
                "third_party_requests": run.requests.count(),
                "error": run.error,
            }
            for run in scan.runs.all()
        },
        "findings": {kind: scan.findings.filter(kind=kind).count() for kind in FindingKind.values},
    }

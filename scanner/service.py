"""The scanner's one service layer: the admin, the Celery task and `manage.py scan_site` all call
these functions.

A scan: recover scans whose worker died -> plan the start pages (publisher URLs, the domains, the
sitemap) -> get the consent cookies of Reject All and Accept All from our banner -> load the pages
a batch at a time, each in its three runs, following same-site links to the depth limit -> classify
what each run found -> findings -> the summary, the signal, and the oldest scans deleted past the
number kept.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from infra.errors import ApiError
from scanner import findings
from scanner.browser import Browser, Visit, is_our_browser, kill_group, remove_stale_profiles
from scanner.classify import Classifier, Match
from scanner.crawl import PlannedPage, Robots, SiteScope, normalise, start_pages
from scanner.models import (
    ACTIVE_STATUSES,
    Finding,
    FindingKind,
    FoundCookie,
    FoundRequest,
    FoundStorage,
    PageStatus,
    Party,
    RunKind,
    Scan,
    ScanPage,
    ScanRun,
    ScanStatus,
    SiteScanSettings,
)
from scanner.signals import scan_finished
from sites.models import CookieCategory, CookieDeclaration, Site

RUNS = (RunKind.NO_CHOICE, RunKind.REJECT_ALL, RunKind.ACCEPT_ALL)
BUTTONS = {RunKind.REJECT_ALL: "reject", RunKind.ACCEPT_ALL: "accept"}


def settings_for(site: Site) -> SiteScanSettings:
    found = SiteScanSettings.objects.filter(site=site).first()
    return found or SiteScanSettings(site=site)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def request_scan(
    site: Site,
    *,
    trigger: str = "admin",
    urls: list[str] | None = None,
    max_pages: int | None = None,
    max_depth: int | None = None,
) -> Scan:
    """A queued scan of `site`; ApiError 409 while another scan of it is queued or running."""
    recover_abandoned()
    chosen = settings_for(site)
    options = {
        "urls": [*chosen.extra_urls, *(urls or [])],
        "max_pages": max_pages or chosen.max_pages,
        "max_depth": chosen.max_depth if max_depth is None else max_depth,
        "respect_robots_txt": chosen.respect_robots_txt,
    }
    try:
        with transaction.atomic():
            return Scan.objects.create(site=site, trigger=trigger, options=options)
    except IntegrityError:
        raise ApiError(409, "scan_running", f"A scan of {site.key} is already queued or running.") from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_abandoned() -> list[int]:
    """Marks failed the running scans whose worker is gone (same host, no such process; or no
    heartbeat for longer than a page may take, on another host), and kills their browser if it is
    still there. Returns their ids."""
    host = socket.gethostname()
    stale_after = timedelta(seconds=settings.CMP_SCAN_PAGE_TIMEOUT_SECONDS * 3 + 60)
    recovered = []
    for scan in Scan.objects.filter(status=ScanStatus.RUNNING):
        scan_host, _, pid = scan.worker.rpartition(":")
        if scan_host == host and pid.isdigit():
            gone = not _alive(int(pid))
        else:
            gone = scan.heartbeat_at is None or timezone.now() - scan.heartbeat_at > stale_after
        if not gone:
            continue
        if scan_host == host and scan.browser_pid and is_our_browser(scan.browser_pid):
            kill_group(scan.browser_pid)
        updated = Scan.objects.filter(pk=scan.pk, status=ScanStatus.RUNNING).update(
            status=ScanStatus.FAILED,
            finished_at=timezone.now(),
            error=(scan.error + "\n" if scan.error else "")
            + f"The worker running this scan ({scan.worker}) stopped before it finished.",
        )
        if updated:
            recovered.append(scan.pk)
    remove_stale_profiles()
    return recovered


# --- what the runs found, gathered over the pages ---------------------------------------------------


@dataclass
class Seen:
    data: dict[str, Any]
    first_page: ScanPage
    pages: set[int] = field(default_factory=set)
    count: int = 0


@dataclass
class RunResults:
    cookies: dict[tuple[str, str, str], Seen] = field(default_factory=dict)
    storage: dict[tuple[str, str, str], Seen] = field(default_factory=dict)
    requests: dict[tuple[str, str], Seen] = field(default_factory=dict)
    pages_loaded: int = 0
    seconds: float = 0.0


def _expiry(seconds: float) -> datetime | None:
    return None if seconds is None or seconds < 0 else datetime.fromtimestamp(seconds, tz=UTC)


def _gather(
    results: RunResults, visit: Visit, page: ScanPage, scope: SiteScope, kind: str, seeded: set[str]
) -> None:
    results.pages_loaded += 1
    results.seconds += visit.seconds
    before = kind == RunKind.NO_CHOICE

    def note(bucket: dict[Any, Seen], key: Any, data: dict[str, Any]) -> None:
        seen = bucket.get(key)
        if seen is None:
            seen = bucket[key] = Seen(data, page)
        seen.pages.add(page.pk)
        seen.count += 1

    for cookie in visit.cookies:
        name, domain = cookie["name"], cookie["domain"]
        script = visit.script_writes.get(("cookie", name))
        header = visit.header_cookies.get(name)
        if script:
            set_by, by_url = "script", script
        elif header:
            set_by, by_url = "header", header
        elif name in seeded:
            set_by, by_url = "choice", ""
        else:
            set_by, by_url = "header", ""
        note(
            results.cookies,
            (name, domain, cookie.get("path") or "/"),
            {
                "expires_at": _expiry(cookie.get("expires", -1)),
                "http_only": bool(cookie.get("httpOnly")),
                "secure": bool(cookie.get("secure")),
                "same_site": cookie.get("sameSite") or "",
                "party": Party.FIRST if scope.is_first_party(domain) else Party.THIRD,
                "set_by": set_by,
                "set_by_url": by_url[:2000],
                "before_choice": before,
            },
        )
    for storage_origin, area, key in visit.storage:
        host = urlsplit(storage_origin).hostname or ""
        note(
            results.storage,
            (area, storage_origin, key),
            {
                "party": Party.FIRST if scope.is_first_party(host) else Party.THIRD,
                "set_by_url": visit.script_writes.get((area, key), "")[:2000],
                "before_choice": before,
            },
        )
    for url, resource_type, frame in visit.requests:
        host = urlsplit(url).hostname or ""
        if not host or scope.is_first_party(host):
            continue
        note(
            results.requests,
            (host, resource_type),
            {"example_url": url[:2000], "initiator": frame[:2000], "before_choice": before},
        )


def _common(seen: Seen, match: Match) -> dict[str, Any]:
    """The fields a found cookie and a found storage key share: where it was seen, what it matched."""
    return {
        "first_page": seen.first_page,
        "page_count": len(seen.pages),
        "category": match.category,
        "match_source": match.source,
        "match_detail": match.detail[:500],
        "declared": match.declared,
        "vendor_id": match.vendor_id,
        **seen.data,
    }


def _save_run(run: ScanRun, results: RunResults, classifier: Classifier) -> None:
    run.pages_loaded = results.pages_loaded
    run.seconds = round(results.seconds, 3)
    run.save(update_fields=["pages_loaded", "seconds", "error"])
    cookies = []
    for (name, domain, path), seen in results.cookies.items():
        match = classifier.cookie(name, domain, seen.data["party"] == Party.FIRST)
        cookies.append(
            FoundCookie(
                run=run,
                name=name[:500],
                domain=domain[:253],
                path=path[:500],
                **_common(seen, match),
            )
        )
    FoundCookie.objects.bulk_create(cookies)
    storage = []
    for (area, storage_origin, key), seen in results.storage.items():
        host = urlsplit(storage_origin).hostname or ""
        match = classifier.storage(key, host, seen.data["party"] == Party.FIRST)
        storage.append(
            FoundStorage(
                run=run,
                area=area,
                origin=storage_origin[:300],
                key=key[:500],
                **_common(seen, match),
            )
        )
    FoundStorage.objects.bulk_create(storage)
    requests = []
    for (host, resource_type), seen in results.requests.items():
        vendor_id, atp_id, detail = classifier.host(host)
        requests.append(
            FoundRequest(
                run=run,
                host=host[:253],
                resource_type=resource_type[:20],
                count=seen.count,
                first_page=seen.first_page,
                vendor_id=vendor_id,
                google_atp_id=atp_id,
                match_detail=detail[:500],
                **seen.data,
            )
        )
    FoundRequest.objects.bulk_create(requests)


# --- running a scan ---------------------------------------------------------------------------------


class _TimeLimit(Exception):
    pass


def run_scan(scan_id: int) -> Scan:
    """Runs the queued scan `scan_id` to its end (finished or failed) and returns it."""
    recover_abandoned()
    claimed = Scan.objects.filter(pk=scan_id, status=ScanStatus.QUEUED).update(
        status=ScanStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), worker=worker_id()
    )
    scan = Scan.objects.select_related("site").get(pk=scan_id)
    if not claimed:
        return scan  # another worker has it, or it ran already (a redelivered task)
    try:
        _crawl(scan)
        scan.status = ScanStatus.FINISHED
    except _TimeLimit as exc:
        scan.status, scan.error = ScanStatus.FAILED, str(exc)
    except Exception as exc:
        scan.status = ScanStatus.FAILED
        scan.error = "\n".join(filter(None, [scan.error, f"{type(exc).__name__}: {str(exc)[:500]}"]))
    scan.finished_at = timezone.now()
    scan.summary = findings.summarise(scan)
    scan.save(update_fields=["status", "error", "finished_at", "summary", "pages_done", "pages_planned"])
    scan_finished.send(sender=Scan, scan=scan, summary=scan.summary)
    prune(scan.site)
    return scan


def _crawl(scan: Scan) -> None:
    site, options = scan.site, scan.options
    # Same-site is the site's domains and their subdomains; publisher URLs elsewhere are refused.
    scope = SiteScope(site.domains)
    robots = Robots()
    planned, problems = start_pages(site.domains, options.get("urls", []), scope, robots)
    max_pages = int(options["max_pages"])
    deadline = time.monotonic() + settings.CMP_SCAN_TIME_LIMIT_SECONDS
    if problems:
        scan.error = "\n".join(problems)[:5000]
    pages: list[ScanPage] = []
    known: set[str] = set()

    def plan(items: list[PlannedPage]) -> list[ScanPage]:
        fresh = []
        for item in items:
            if len(pages) >= max_pages or item.url in known:
                continue
            known.add(item.url)
            page = ScanPage(
                scan=scan, url=item.url[:2000], depth=item.depth, source=item.source, position=len(pages)
            )
            pages.append(page)
            fresh.append(page)
        ScanPage.objects.bulk_create(fresh)
        scan.pages_planned = len(pages)
        Scan.objects.filter(pk=scan.pk).update(pages_planned=scan.pages_planned, error=scan.error)
        return fresh

    frontier = plan(planned)
    if not frontier:
        raise ValueError("No page to scan: the site has no domains and no start URL.")
    runs = {kind: ScanRun.objects.create(scan=scan, kind=kind) for kind in RUNS}
    results = {kind: RunResults() for kind in RUNS}
    browser = Browser(scope)
    try:
        Scan.objects.filter(pk=scan.pk).update(browser_pid=browser.pid)
        _load_pages(scan, browser, scope, robots, frontier, plan, runs, results, deadline)
    finally:
        browser.close()
        classifier = Classifier(site)
        with transaction.atomic():
            for kind in RUNS:
                _save_run(runs[kind], results[kind], classifier)
            findings.build(scan, classifier)


def _load_pages(
    scan: Scan,
    browser: Browser,
    scope: SiteScope,
    robots: Robots,
    frontier: list[ScanPage],
    plan: Any,
    runs: dict[str, ScanRun],
    results: dict[str, RunResults],
    deadline: float,
) -> None:
    options = scan.options
    max_depth = int(options["max_depth"])
    respect = bool(options.get("respect_robots_txt", True))
    states: dict[str, dict[str, Any] | None] = {RunKind.NO_CHOICE: None}
    for kind, action in BUTTONS.items():
        states[kind], why = browser.choice_state(frontier[0].url, action)
        runs[kind].error = why
    seeded = {kind: {c["name"] for c in (state or {}).get("cookies", [])} for kind, state in states.items()}
    batch_size = settings.CMP_SCAN_CONCURRENCY * 2
    queue = list(frontier)
    while queue:
        if time.monotonic() > deadline:
            raise _TimeLimit(
                f"The scan time limit ({settings.CMP_SCAN_TIME_LIMIT_SECONDS} s) was reached after "
                f"{scan.pages_done} of {scan.pages_planned} pages."
            )
        batch, queue = queue[:batch_size], queue[batch_size:]
        loadable = []
        for page in batch:
            if respect and not robots.allowed(page.url):
                page.status, page.error = PageStatus.BLOCKED, "Blocked by robots.txt."
            else:
                loadable.append(page)
        jobs = [
            (page.url, states[kind], kind == RunKind.NO_CHOICE)
            for page in loadable
            for kind in RUNS
            if kind == RunKind.NO_CHOICE or states[kind] is not None
        ]
        visits = iter(browser.visit_all(jobs))
        discovered: list[PlannedPage] = []
        for page in loadable:
            errors = []
            for kind in RUNS:
                if kind != RunKind.NO_CHOICE and states[kind] is None:
                    continue
                visit = next(visits)
                if visit.error:
                    errors.append(f"{RunKind(kind).label}: {visit.error}")
                if visit.http_status:
                    page.http_status = visit.http_status
                if not visit.error or visit.http_status:
                    _gather(results[kind], visit, page, scope, kind, seeded[kind])
                if kind == RunKind.NO_CHOICE and page.depth < max_depth:
                    discovered.extend(
                        PlannedPage(normalise(link), page.depth + 1, "link")
                        for link in visit.links
                        if scope.allows_url(link)
                    )
            page.status = PageStatus.FAILED if errors else PageStatus.DONE
            page.error = "\n".join(dict.fromkeys(errors))
        ScanPage.objects.bulk_update(batch, ["status", "error", "http_status"])
        queue.extend(plan(discovered))
        scan.pages_done += len(batch)
        Scan.objects.filter(pk=scan.pk).update(pages_done=scan.pages_done, heartbeat_at=timezone.now())


def prune(site: Site) -> int:
    """Deletes the site's finished or failed scans beyond the number its settings keep."""
    keep = settings_for(site).keep_scans
    old = list(
        Scan.objects.filter(site=site).exclude(status__in=ACTIVE_STATUSES).values_list("pk", flat=True)[keep:]
    )
    if old:
        Scan.objects.filter(pk__in=old).delete()
    return len(old)


def due_sites(now: datetime | None = None) -> list[Site]:
    """Sites whose schedule asks for a scan: none active, and the last one older than their period."""
    now = now or timezone.now()
    due = []
    for site in Site.objects.all():
        period = settings_for(site).schedule_days
        if not period or Scan.objects.filter(site=site, status__in=ACTIVE_STATUSES).exists():
            continue
        last = Scan.objects.filter(site=site).order_by("-created_at").first()
        if last is None or now - last.created_at >= timedelta(days=period):
            due.append(site)
    return due


def declare(finding_id: int) -> CookieDeclaration:
    """Adds an undeclared cookie or storage key of a finding to the site's declarations, in the
    category its classification proposes (uncategorised when it matched nothing)."""
    finding = Finding.objects.select_related("scan").get(pk=finding_id, kind=FindingKind.UNDECLARED)
    slug = finding.category or "uncategorised"
    category = CookieCategory.objects.filter(site=finding.scan.site_id, slug=slug).first()
    if category is None:
        raise ApiError(400, "no_category", f"The site has no {slug} category to declare {finding.name} in.")
    subject = "cookie" if finding.subject == "cookie" else finding.subject
    with transaction.atomic():
        declaration = CookieDeclaration.objects.create(
            category=category,
            name=finding.name[:200],
            domain="" if finding.subject != "cookie" else finding.domain[:253],
            description=f"{subject} found by cookie scan {finding.scan_id}. {finding.detail}"[:2000],
            source=f"Cookie scan {finding.scan_id}",
        )
        finding.declaration = declaration
        finding.save(update_fields=["declaration"])
    return declaration

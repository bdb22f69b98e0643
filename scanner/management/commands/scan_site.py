"""manage.py scan_site SITE_KEY [--url URL ...] [--max-pages N] [--max-depth N]

Runs a scan in this process and prints its findings; exits 1 when the scan found consent
violations and 2 when it failed, so a publisher can run it in their CI."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from infra.errors import ApiError
from scanner import service
from scanner.models import FINDING_ORDER, FindingKind, ScanStatus
from sites.models import Site


class Command(BaseCommand):
    help = "Scans a site's pages in headless Chromium and prints the findings (exit 1: violations)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("site_key")
        parser.add_argument("--url", action="append", default=[], help="A start URL (repeatable).")
        parser.add_argument("--max-pages", type=int, default=None)
        parser.add_argument("--max-depth", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        site = Site.objects.filter(key=options["site_key"]).first()
        if site is None:
            raise CommandError(f"No site {options['site_key']!r}.")
        if options["max_pages"] is not None and options["max_pages"] < 1:
            raise CommandError("--max-pages must be at least 1.")
        try:
            queued = service.request_scan(
                site,
                trigger="command",
                urls=options["url"],
                max_pages=options["max_pages"],
                max_depth=options["max_depth"],
            )
        except ApiError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Scan {queued.pk} of {site.key} started.")
        self.stdout.flush()
        scan = service.run_scan(queued.pk)
        pages = scan.summary.get("pages", {})
        self.stdout.write(
            f"Scan {scan.pk}: {scan.status}; pages scanned {pages.get('done', 0)}, "
            f"failed {pages.get('failed', 0)}, "
            f"blocked by robots.txt {pages.get('blocked', 0)}."
        )
        for kind, run in scan.summary.get("runs", {}).items():
            note = f" ({run['error']})" if run.get("error") else ""
            self.stdout.write(
                f"  {kind}: {run['pages']} pages, {run['cookies']} cookies, {run['storage']} storage keys, "
                f"{run['third_party_requests']} third-party hosts{note}"
            )
        if scan.error:
            self.stdout.write(scan.error)
        findings = sorted(scan.findings.all(), key=lambda f: (FINDING_ORDER.index(FindingKind(f.kind)), f.pk))
        for finding in findings:
            where = f" [{', '.join(finding.runs)}]" if finding.runs else ""
            self.stdout.write(
                f"{finding.get_kind_display()}: {finding.subject} {finding.name} {finding.domain}{where}"
            )
        if scan.status != ScanStatus.FINISHED:
            raise SystemExit(2)
        if any(f.kind == FindingKind.VIOLATION for f in findings):
            raise SystemExit(1)

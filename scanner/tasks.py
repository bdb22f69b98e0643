"""Celery tasks of the scanner: thin wrappers over `scanner.service`. They run on the `scans` queue
(CELERY_TASK_ROUTES), so a crawl never delays retention, seals or webhooks."""

from celery import shared_task

from infra.errors import ApiError
from scanner import service


@shared_task(name="scanner.tasks.run_scan", acks_late=False)
def run_scan(scan_id: int) -> dict[str, object]:
    # acks_late off: a scan whose worker died is marked failed by the next scan, not run again.
    scan = service.run_scan(scan_id)
    return {"scan": scan.pk, "status": scan.status, "summary": scan.summary}


@shared_task(name="scanner.tasks.scan_due_sites")
def scan_due_sites() -> list[int]:
    queued = []
    for site in service.due_sites():
        try:
            scan = service.request_scan(site, trigger="schedule")
        except ApiError:
            continue  # a scan of it started meanwhile
        run_scan.delay(scan.pk)
        queued.append(scan.pk)
    return queued

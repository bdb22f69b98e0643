"""Where scans run: one scan per site at a time (a second request is refused with 409), a failed
scan records why, every scan that ends tells the webhooks (scan.finished), the schedule picks the
sites that are due, and only the configured number of scans is kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from consent.webhooks.models import WebhookEndpoint, WebhookEvent
from infra.errors import ApiError
from scanner import service
from scanner.models import Scan, ScanStatus, SiteScanSettings


def test_one_scan_per_site_at_a_time(site, other_site):
    first = service.request_scan(site)
    with pytest.raises(ApiError) as refused:
        service.request_scan(site)
    assert refused.value.status == 409
    service.request_scan(other_site)
    # The database holds the rule too, whoever writes the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        Scan.objects.create(site=site, status=ScanStatus.RUNNING)
    Scan.objects.filter(pk=first.pk).update(status=ScanStatus.FINISHED)
    service.request_scan(site)


def test_a_failed_scan_says_why_and_tells_the_webhooks(site):
    WebhookEndpoint.objects.create(site=site, url="https://hooks.example.com/cmp", events=["scan.finished"])
    site.domains = []
    site.save()
    scan = service.run_scan(service.request_scan(site).pk)
    assert scan.status == ScanStatus.FAILED
    assert "No page to scan" in scan.error
    event = WebhookEvent.objects.get(site=site, type="scan.finished")
    assert event.payload["data"]["scan"] == scan.pk
    assert event.payload["data"]["status"] == "failed"


def test_schedule_and_retention(site, other_site):
    SiteScanSettings.objects.create(site=other_site, schedule_days=0)
    assert service.due_sites() == [site]
    old = Scan.objects.create(
        site=site, status=ScanStatus.FINISHED, created_at=timezone.now() - timedelta(days=31)
    )
    assert service.due_sites() == [site]
    Scan.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    assert service.due_sites() == []
    SiteScanSettings.objects.create(site=site, keep_scans=2)
    for days in (2, 1):
        Scan.objects.create(
            site=site, status=ScanStatus.FINISHED, created_at=timezone.now() - timedelta(days=days)
        )
    assert service.prune(site) == 1
    assert not Scan.objects.filter(pk=old.pk).exists()

"""Events that are not consent records: the retention purge, a GVL import and a finished cookie
scan tell the webhooks."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from consent.signals import records_purged
from consent.webhooks.events import emit, expired_users, gvl_updated
from consent.webhooks.models import EventType
from scanner.signals import scan_finished
from vendors.signals import gvl_imported


@receiver(records_purged, dispatch_uid="consent.webhooks.expired")
def _on_purge(sender: Any, site: Any, user_ids: set[str], **kwargs: Any) -> None:
    expired_users(site, user_ids)


@receiver(gvl_imported, dispatch_uid="consent.webhooks.gvl_updated")
def _on_gvl(sender: Any, report: Any, **kwargs: Any) -> None:
    if not report.is_newest:
        return
    gvl_updated(
        report.vendor_list_version,
        {
            "vendor_list_version": report.vendor_list_version,
            "tcf_policy_version": report.tcf_policy_version,
            "previous_version": report.previous_version,
            "added": report.added,
            "removed": report.removed,
            "changed": report.changed,
            "newly_deleted": report.newly_deleted,
        },
    )


@receiver(scan_finished, dispatch_uid="consent.webhooks.scan_finished")
def _on_scan(sender: Any, scan: Any, summary: dict[str, Any], **kwargs: Any) -> None:
    emit(scan.site, EventType.SCAN_FINISHED, f"scan:{scan.pk}", {"scan": scan.pk, **summary})

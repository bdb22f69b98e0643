"""One webhook run: new records become events, then every due delivery is sent. The Celery beat
task `consent.tasks.dispatch_webhooks` and `manage.py dispatch_webhooks` both call `dispatch`."""

from __future__ import annotations

from dataclasses import dataclass

from consent.webhooks.delivery import DeliveryReport, deliver_due
from consent.webhooks.events import events_from_records
from consent.webhooks.models import WebhookEndpoint
from sites.models import Site


@dataclass
class DispatchReport:
    events: int
    deliveries: DeliveryReport


def dispatch() -> DispatchReport:
    events = 0
    for site in Site.objects.filter(pk__in=WebhookEndpoint.objects.filter(active=True).values("site_id")):
        events += events_from_records(site)
    return DispatchReport(events=events, deliveries=deliver_due())

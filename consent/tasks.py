"""Celery tasks of the consent app: thin wrappers over the service layer (`consent/services/`)."""

from celery import shared_task
from django.conf import settings

from consent import services
from consent.services.stats import aggregate_recent


@shared_task(name="consent.tasks.purge_expired_consents")
def purge_expired_consents() -> dict[str, object]:
    report = services.purge_expired(batch_size=settings.CMP_PURGE_BATCH_SIZE)
    return {
        "deleted": report.deleted,
        "batches": report.batches,
        "per_site": report.per_site,
        "waiting_for_seal": report.waiting_for_seal,
        "choices_deleted": report.choices_deleted,
    }


@shared_task(name="consent.tasks.seal_consent_log")
def seal_consent_log() -> dict[str, int]:
    return services.seal_all_sites()


@shared_task(name="consent.tasks.dispatch_webhooks")
def dispatch_webhooks() -> dict[str, object]:
    from consent.webhooks.service import dispatch

    report = dispatch()
    return {
        "events": report.events,
        "delivered": report.deliveries.delivered,
        "retrying": report.deliveries.retrying,
        "failed": report.deliveries.failed,
        "disabled_endpoints": report.deliveries.disabled_endpoints,
    }


@shared_task(name="consent.tasks.aggregate_consent_stats")
def aggregate_consent_stats() -> dict[str, int]:
    return aggregate_recent()

"""The Celery app, configured from Django settings (the CELERY_* names in cmp/settings.py)."""

import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmp.settings")

app = Celery("cmp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic job of the product, in one place. Each task is a thin wrapper over a plain
# function that the matching management command also calls.
app.conf.beat_schedule = {
    # The IAB publishes a new GVL every Thursday at 17:00 CET; fetch it an hour later.
    "refresh-gvl-weekly": {
        "task": "vendors.tasks.refresh_gvl",
        "schedule": crontab(day_of_week="thu", hour=17, minute=0),
    },
    # Google's Ad Tech Provider list has no fixed publication day; weekly keeps it fresh enough.
    "refresh-google-atps-weekly": {
        "task": "vendors.tasks.refresh_google_atps",
        "schedule": crontab(day_of_week="thu", hour=17, minute=30),
    },
    # Vendors' device storage disclosures that are due (each kept as long as its cache headers
    # allow, a day at least, a month at most): shown by the banner, matched by the scanner.
    "refresh-storage-disclosures-daily": {
        "task": "vendors.tasks.refresh_storage_disclosures",
        "schedule": crontab(hour=2, minute=40),
    },
    # Records past their expiry (created + the site's lifetime, 730 days by default) are deleted.
    "purge-expired-consents-daily": {
        "task": "consent.tasks.purge_expired_consents",
        "schedule": crontab(hour=3, minute=15),
    },
    # Seals the records written since the last seal into a hash chain (tamper evidence).
    # Signed webhook deliveries: new records become events, due deliveries are sent.
    "dispatch-webhooks": {
        "task": "consent.tasks.dispatch_webhooks",
        "schedule": float(settings.CMP_WEBHOOK_DISPATCH_SECONDS),
    },
    # Cookie scans of the sites whose schedule is due (SiteScanSettings.schedule_days, 30 by default).
    "scan-due-sites-daily": {
        "task": "scanner.tasks.scan_due_sites",
        "schedule": crontab(hour=4, minute=30),
    },
    # The dashboard's daily choice counts, recounted from the records for today and yesterday.
    "aggregate-consent-stats": {
        "task": "consent.tasks.aggregate_consent_stats",
        "schedule": crontab(minute="*/15"),
    },
    "seal-consent-log-hourly": {
        "task": "consent.tasks.seal_consent_log",
        "schedule": crontab(minute=5),
    },
}


@app.task(name="cmp.ping")
def ping() -> str:
    """A no-op round trip through the broker, used to prove that a worker is consuming."""
    return "pong"

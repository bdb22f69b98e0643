"""Celery tasks: thin wrappers over `vendors.fetching`, retried with exponential back-off on
network errors. A malformed document is not retried (the next weekly run will try again)."""

from __future__ import annotations

from celery import shared_task

from vendors import device_storage, fetching

RETRY_OPTIONS = {
    "autoretry_for": (fetching.TransientFetchError,),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(name="vendors.tasks.refresh_gvl", **RETRY_OPTIONS)
def refresh_gvl(url: str | None = None) -> str:
    """The vendor list, then the translations of the languages already imported."""
    lines = [fetching.refresh_gvl(url).summary()]
    for result in fetching.refresh_translations(url):
        lines.append(result if isinstance(result, str) else result.summary())
    return "\n".join(lines)


@shared_task(name="vendors.tasks.refresh_google_atps", **RETRY_OPTIONS)
def refresh_google_atps(url: str | None = None) -> str:
    return fetching.refresh_google_atps(url).summary()


@shared_task(name="vendors.tasks.refresh_storage_disclosures")
def refresh_storage_disclosures() -> str:
    """Failures are recorded per vendor and retried at the next daily run, so none is retried here."""
    return device_storage.refresh_disclosures().summary()

"""Fetching the published catalogue lists over HTTP and importing them.

Plain functions, called by the Celery tasks in `vendors.tasks` and by the management commands.
Network trouble (connection errors, timeouts, 408/429/5xx answers) raises `TransientFetchError`,
which the tasks retry with back-off; anything else is permanent and raises `FetchError`. A download
is fully read and parsed before the import transaction starts, so a failed or cut-off download
never leaves a half-imported version.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from urllib.parse import urljoin

import requests
from django.conf import settings

from vendors.gvl_format import GvlFormatError
from vendors.importing import (
    AtpImportReport,
    GvlImportError,
    GvlImportReport,
    TranslationImportReport,
    import_google_atps,
    import_gvl,
    import_translation,
)
from vendors.models import GvlTranslation

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 10
READ_TIMEOUT_SECONDS = 60
# The GVL is under 1 MB; anything far larger is not a vendor list.
MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024
RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}
USER_AGENT = "cmp-catalogue-refresh/1"


class FetchError(Exception):
    """The download failed in a way that retrying will not fix (e.g. 404, oversized body)."""


class TransientFetchError(FetchError):
    """The download failed in a way worth retrying later (network error, timeout, 5xx, 429)."""


def fetch(url: str) -> bytes:
    # IAB's access rules ask for compressed transfers; requests decodes gzip/deflate itself.
    headers = {"Accept-Encoding": "gzip, deflate", "User-Agent": USER_AGENT}
    try:
        response = requests.get(
            url, headers=headers, timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS), stream=True
        )
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise TransientFetchError(f"Could not reach {url}: {exc}") from exc
    except requests.RequestException as exc:
        raise FetchError(f"Could not request {url}: {exc}") from exc
    with response:
        if response.status_code in RETRYABLE_STATUS:
            raise TransientFetchError(f"{url} answered HTTP {response.status_code}; will retry.")
        if response.status_code != 200:
            raise FetchError(f"{url} answered HTTP {response.status_code}.")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(chunk_size=64 * 1024):
                size += len(chunk)
                if size > MAX_DOWNLOAD_BYTES:
                    raise FetchError(f"{url} sent more than {MAX_DOWNLOAD_BYTES} bytes; refusing it.")
                chunks.append(chunk)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise TransientFetchError(f"The download from {url} was interrupted: {exc}") from exc
    return b"".join(chunks)


def refresh_gvl(url: str | None = None) -> GvlImportReport:
    """Fetch the GVL (default `settings.CMP_GVL_URL`) and import it (a no-op if already imported)."""
    url = url or settings.CMP_GVL_URL
    return import_gvl(fetch(url), source=url)


# Callables naming more IAB language codes to fetch: the apps that show the texts register them
# (sites: every language a site lists), since this app imports none of them.
_wanted_languages: list[Callable[[], Iterable[str]]] = []


def want_translations(source: Callable[[], Iterable[str]]) -> None:
    if source not in _wanted_languages:
        _wanted_languages.append(source)


def refresh_translations(gvl_url: str | None = None) -> list[TranslationImportReport | str]:
    """Fetch purposes-<lang>.json, published next to the vendor list, for every language already
    imported and every language wanted (`want_translations`). A language that cannot be fetched or
    read keeps its texts, if any (reported as a string); network trouble raises
    `TransientFetchError` so that the task retries (the GVL import it repeats first is then a
    no-op)."""
    base = gvl_url or settings.CMP_GVL_URL
    results: list[TranslationImportReport | str] = []
    languages = set(GvlTranslation.objects.values_list("language", flat=True))
    languages |= {code for source in _wanted_languages for code in source()}
    for language in sorted(languages - {"en"}):
        url = urljoin(base, f"purposes-{language}.json")
        try:
            results.append(import_translation(fetch(url), language, source=url))
        except TransientFetchError:
            raise
        except (FetchError, GvlFormatError, GvlImportError) as exc:
            logger.warning("Kept the %s texts: %s", language, exc)
            results.append(f"Kept the {language} texts: {exc}")
    return results


def refresh_google_atps(url: str | None = None) -> AtpImportReport:
    """Fetch Google's Ad Tech Provider list (default `settings.CMP_GOOGLE_ATP_URL`) and import it."""
    url = url or settings.CMP_GOOGLE_ATP_URL
    return import_google_atps(fetch(url), source=url)

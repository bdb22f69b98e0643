"""GVL vendors' device storage disclosures: the JSON each vendor publishes at its
`deviceStorageDisclosureUrl` (IAB "Vendor Device Storage & Operational Disclosures").

Fetched here, by the server, and never from a visitor's browser (which would tell every vendor who
looks at the banner): through `infra.outbound` (https only, public hosts only, every redirect
checked again), within `CMP_DEVICE_STORAGE_MAX_BYTES` and `CMP_DEVICE_STORAGE_TIMEOUT_SECONDS`,
honouring the document's cache headers (a conditional request with its ETag / Last-Modified once
it is stale) and at most once a day. A document that fails or does not have the specified shape is
recorded as an error; the last valid one stays. `refresh_disclosures` is the plain function the
daily Celery task (`vendors.tasks`) and `manage.py fetch_storage_disclosures` call.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.cache import cc_delim_re
from django.utils.http import parse_http_date_safe

from infra.outbound import OutboundFailed, OutboundRefused, OutboundResponse, fetch
from vendors.models import DeviceStorageDisclosure, Vendor

# Refreshed at most daily; a document whose headers allow longer is kept that long, but a vendor's
# changed disclosure is seen within a month whatever its headers say.
MIN_LIFETIME = timedelta(days=1)
MAX_LIFETIME = timedelta(days=30)
# The fetches wait on the network, not the CPU: a few at once keep a daily run of ~1,000 vendors short.
CONCURRENT_FETCHES = 8
STORAGE_TYPES = ("cookie", "web", "app")


class InvalidDisclosure(ValueError):
    """The document is not a device storage disclosure; the message names the offending key."""


def parse(body: bytes | str) -> dict[str, Any]:
    """A disclosure document checked against the specification's shape: an object with a
    `disclosures` list (possibly empty) of {identifier, type, maxAgeSeconds?, cookieRefresh?,
    domain? / domains?, purposes?, specialPurposes?} and an optional `domains` list of
    {domain, use?}. Keys the specification added later (`sdks`, `optOut`, ...) are kept as they are."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidDisclosure(f"not JSON ({exc})") from None
    if not isinstance(document, dict):
        raise InvalidDisclosure("not a JSON object")
    entries = document.get("disclosures")
    if not isinstance(entries, list):
        raise InvalidDisclosure('no "disclosures" list')
    for index, entry in enumerate(entries):
        _check_entry(entry, f"disclosures[{index}]")
    domains = document.get("domains", [])
    if not isinstance(domains, list) or not all(
        isinstance(item, dict) and isinstance(item.get("domain"), str) for item in domains
    ):
        raise InvalidDisclosure('"domains" must be a list of objects with a "domain"')
    return document


def _check_entry(entry: Any, where: str) -> None:
    if not isinstance(entry, dict):
        raise InvalidDisclosure(f"{where} is not an object")
    if not isinstance(entry.get("identifier"), str) or not entry["identifier"].strip():
        raise InvalidDisclosure(f"{where}.identifier must be a non-empty string")
    if entry.get("type") not in STORAGE_TYPES:
        raise InvalidDisclosure(f"{where}.type must be one of {', '.join(STORAGE_TYPES)}")
    max_age = entry.get("maxAgeSeconds")
    if max_age is not None and (not isinstance(max_age, int) or isinstance(max_age, bool) or max_age < 0):
        raise InvalidDisclosure(f"{where}.maxAgeSeconds must be a whole number of seconds or null")
    if "cookieRefresh" in entry and not isinstance(entry["cookieRefresh"], bool):
        raise InvalidDisclosure(f"{where}.cookieRefresh must be true or false")
    if "domain" in entry and not isinstance(entry["domain"], str):
        raise InvalidDisclosure(f"{where}.domain must be a string")
    if "domains" in entry and not (
        isinstance(entry["domains"], list) and all(isinstance(d, str) for d in entry["domains"])
    ):
        raise InvalidDisclosure(f"{where}.domains must be a list of strings")
    for key in ("purposes", "specialPurposes"):
        values = entry.get(key, [])
        if not isinstance(values, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values
        ):
            raise InvalidDisclosure(f"{where}.{key} must list purpose ids")


def compact(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rows the banner shows: identifier, type, maxAgeSeconds, domain, purposes."""
    return [
        {
            "identifier": entry["identifier"],
            "type": entry["type"],
            "maxAgeSeconds": entry.get("maxAgeSeconds"),
            "domain": entry.get("domain") or ", ".join(entry.get("domains") or []),
            "purposes": list(entry.get("purposes") or []),
        }
        for entry in document.get("disclosures") or []
    ]


def disclosures_for(vendor_urls: Mapping[int, str]) -> dict[int, list[dict[str, Any]]]:
    """The stored disclosures (compact) of these vendors, each only if it was fetched from the URL
    the vendor declares in the GVL version in use."""
    rows = DeviceStorageDisclosure.objects.filter(
        vendor_id__in=[vid for vid, url in vendor_urls.items() if url], document__isnull=False
    ).values_list("vendor_id", "url", "document")
    return {vid: compact(document) for vid, url, document in rows if vendor_urls.get(vid) == url}


def lifetime(headers: Mapping[str, str], now: datetime) -> timedelta:
    """How long the answer may be used, per its Cache-Control (max-age; no-store / no-cache mean
    now) or Expires, kept between a day and a month."""
    lowered = {key.lower(): value for key, value in headers.items()}
    directives: dict[str, str | bool] = {}
    for part in cc_delim_re.split(lowered.get("cache-control", "")):
        name, _, value = part.strip().partition("=")
        if name:
            directives[name.lower()] = value.strip('"') if value else True
    seconds: float | None = None
    if "no-store" in directives or "no-cache" in directives:
        seconds = 0
    elif isinstance(directives.get("max-age"), str) and str(directives["max-age"]).isdigit():
        seconds = int(str(directives["max-age"]))
    elif "expires" in lowered:
        expires = parse_http_date_safe(lowered["expires"])
        seconds = 0 if expires is None else expires - now.timestamp()
    span = timedelta(seconds=seconds) if seconds is not None else MIN_LIFETIME
    return min(max(span, MIN_LIFETIME), MAX_LIFETIME)


@dataclass
class RefreshReport:
    stored: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    not_due: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [
            f"Device storage disclosures: {len(self.stored)} stored, {len(self.unchanged)} unchanged, "
            f"{len(self.not_due)} still fresh, {len(self.failed)} failed."
        ]
        lines += [f"  vendor {vid}: {why}" for vid, why in sorted(self.failed.items())]
        return "\n".join(lines)


@dataclass(frozen=True)
class _Outcome:
    answer: OutboundResponse | None = None
    error: str = ""


def _fetch(url: str, previous: DeviceStorageDisclosure | None) -> _Outcome:
    headers = {"Accept": "application/json"}
    if previous is not None and previous.url == url and previous.document is not None:
        if previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
    schemes = ("https", "http") if settings.CMP_OUTBOUND_ALLOW_PRIVATE else ("https",)
    try:
        answer = fetch(
            url,
            headers=headers,
            schemes=schemes,
            max_bytes=settings.CMP_DEVICE_STORAGE_MAX_BYTES,
            timeout=settings.CMP_DEVICE_STORAGE_TIMEOUT_SECONDS,
        )
    except (OutboundRefused, OutboundFailed) as exc:
        return _Outcome(error=str(exc))
    return _Outcome(answer=answer)


def refresh_disclosures(
    vendor_ids: Iterable[int] | None = None, *, force: bool = False, now: datetime | None = None
) -> RefreshReport:
    """Fetches the disclosure of every active vendor that declares one (or of `vendor_ids`) whose
    stored copy is stale, missing or from another URL; with `force`, also the fresh ones."""
    now = now or timezone.now()
    vendors = Vendor.objects.filter(deleted_date__isnull=True).exclude(device_storage_disclosure_url="")
    if vendor_ids is not None:
        vendors = vendors.filter(pk__in=list(vendor_ids))
    stored = {row.vendor_id: row for row in DeviceStorageDisclosure.objects.filter(vendor__in=vendors)}
    report = RefreshReport()
    due: list[tuple[int, str]] = []
    for vendor_id, url in vendors.order_by("id").values_list("id", "device_storage_disclosure_url"):
        row = stored.get(vendor_id)
        fresh = row is not None and row.url == url and row.fresh_until is not None and row.fresh_until > now
        if fresh and not force:
            report.not_due.append(vendor_id)
        else:
            due.append((vendor_id, url))
    # Network in threads, database in this one; each result is written as it comes.
    with ThreadPoolExecutor(max_workers=CONCURRENT_FETCHES) as pool:
        outcomes = pool.map(lambda item: _fetch(item[1], stored.get(item[0])), due)
        for (vendor_id, url), outcome in zip(due, outcomes, strict=True):
            _record(vendor_id, url, stored.get(vendor_id), outcome, now, report)
    return report


def _record(
    vendor_id: int,
    url: str,
    row: DeviceStorageDisclosure | None,
    outcome: _Outcome,
    now: datetime,
    report: RefreshReport,
) -> None:
    answer = outcome.answer
    error = outcome.error
    if answer is not None and answer.status == 304 and row is not None and row.url == url:
        DeviceStorageDisclosure.objects.filter(pk=row.pk).update(
            checked_at=now, fresh_until=now + lifetime(answer.headers, now), error=""
        )
        report.unchanged.append(vendor_id)
        return
    document = None
    if answer is not None and not error:
        if answer.status != 200:
            error = f"{url[:200]!r} answered HTTP {answer.status}."
        else:
            try:
                document = parse(answer.body)
            except InvalidDisclosure as exc:
                error = f"{url[:200]!r} is not a device storage disclosure: {exc}."
    if document is None:
        # Failed: tried again at the next daily run, the last valid document kept meanwhile. Only
        # bookkeeping is written, so no cached banner document is dropped for it.
        if row is None:
            row = DeviceStorageDisclosure.objects.create(vendor_id=vendor_id, url=url[:2000])
        DeviceStorageDisclosure.objects.filter(pk=row.pk).update(
            checked_at=now, fresh_until=now + MIN_LIFETIME, error=error
        )
        report.failed[vendor_id] = error
        return
    assert answer is not None
    headers = {key.lower(): value for key, value in answer.headers.items()}
    values = {
        "checked_at": now,
        "fresh_until": now + lifetime(answer.headers, now),
        "etag": headers.get("etag", "")[:500],
        "last_modified": headers.get("last-modified", "")[:100],
        "error": "",
    }
    if row is not None and row.url == url and row.document == document:
        DeviceStorageDisclosure.objects.filter(pk=row.pk).update(**values)
        report.unchanged.append(vendor_id)
        return
    DeviceStorageDisclosure.objects.update_or_create(
        vendor_id=vendor_id, defaults={"url": url[:2000], "document": document, "fetched_at": now, **values}
    )
    report.stored.append(vendor_id)


def store_file(vendor: Vendor, body: bytes, source: str) -> DeviceStorageDisclosure:
    """A disclosure loaded from a file (an operator's copy, or a test's), stored as if fetched from
    the vendor's URL now. InvalidDisclosure when it does not have the specified shape."""
    document = parse(body)
    now = timezone.now()
    stored, _ = DeviceStorageDisclosure.objects.update_or_create(
        vendor=vendor,
        defaults={
            "url": (vendor.device_storage_disclosure_url or source)[:2000],
            "document": document,
            "fetched_at": now,
            "checked_at": now,
            "fresh_until": now + MIN_LIFETIME,
            "etag": "",
            "last_modified": "",
            "error": "",
        },
    )
    return stored

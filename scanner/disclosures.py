"""GVL vendors' device storage disclosures (TCF's deviceStorageDisclosureUrl documents): fetched
through `infra.outbound` from the URL each vendor declares, kept per vendor, matched by
`scanner.classify`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from infra.outbound import OutboundFailed, OutboundRefused, fetch
from scanner.models import VendorStorageDisclosure
from vendors.models import Vendor


class InvalidDisclosure(ValueError):
    pass


def parse(body: bytes | str) -> dict[str, Any]:
    """A disclosure document: a JSON object with a `disclosures` list (TCF device storage
    disclosure format); InvalidDisclosure otherwise."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidDisclosure(f"not JSON ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("disclosures"), list):
        raise InvalidDisclosure('not a device storage disclosure (no "disclosures" list)')
    return document


@transaction.atomic
def store(vendor: Vendor, document: dict[str, Any], url: str) -> VendorStorageDisclosure:
    stored, _ = VendorStorageDisclosure.objects.update_or_create(
        vendor=vendor, defaults={"url": url[:2000], "document": document, "fetched_at": timezone.now()}
    )
    return stored


@dataclass
class FetchReport:
    stored: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def fetch_all(vendor_ids: list[int] | None = None) -> FetchReport:
    """Fetches the disclosure of every active vendor that declares one (or of `vendor_ids`)."""
    report = FetchReport()
    vendors = Vendor.objects.filter(deleted_date__isnull=True).exclude(device_storage_disclosure_url="")
    if vendor_ids:
        vendors = vendors.filter(pk__in=vendor_ids)
    for vendor in vendors:
        url = vendor.device_storage_disclosure_url
        try:
            answer = fetch(url, max_bytes=2 * 1024 * 1024, timeout=15)
            if answer.status != 200:
                raise InvalidDisclosure(f"HTTP {answer.status}")
            store(vendor, parse(answer.body), url)
            report.stored.append(vendor.pk)
        except (OutboundRefused, OutboundFailed, InvalidDisclosure) as exc:
            report.failed[vendor.pk] = f"{url[:200]}: {exc}"
    return report

"""manage.py fetch_storage_disclosures [--vendor ID ...] [--file ID=PATH ...]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scanner import disclosures
from vendors.models import Vendor


class Command(BaseCommand):
    help = (
        "Fetches the GVL vendors' device storage disclosures the scanner classifies by (every active "
        "vendor that declares one, or those given), or loads one from a file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--vendor", type=int, action="append", default=[], help="GVL vendor id.")
        parser.add_argument("--file", action="append", default=[], help="VENDOR_ID=PATH of a disclosure.")

    def handle(self, *args: Any, **options: Any) -> None:
        for item in options["file"]:
            vendor_id, _, path = item.partition("=")
            if not vendor_id.isdigit() or not path:
                raise CommandError(f"--file {item!r}: expected VENDOR_ID=PATH.")
            vendor = Vendor.objects.filter(pk=int(vendor_id)).first()
            if vendor is None:
                raise CommandError(f"No GVL vendor {vendor_id}: import the GVL first.")
            try:
                document = disclosures.parse(Path(path).read_bytes())
            except (OSError, disclosures.InvalidDisclosure) as exc:
                raise CommandError(f"{path}: {exc}") from None
            disclosures.store(
                vendor, document, vendor.device_storage_disclosure_url or f"file:{Path(path).name}"
            )
            self.stdout.write(f"Vendor {vendor_id}: {len(document['disclosures'])} disclosures from {path}.")
        if options["file"] and not options["vendor"]:
            return
        report = disclosures.fetch_all(options["vendor"] or None)
        self.stdout.write(f"Stored {len(report.stored)} disclosures; {len(report.failed)} failed.")
        for vendor_id, why in sorted(report.failed.items()):
            self.stdout.write(f"  vendor {vendor_id}: {why}")

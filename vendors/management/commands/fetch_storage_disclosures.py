"""manage.py fetch_storage_disclosures [--vendor ID ...] [--force] [--file ID=PATH ...]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vendors import device_storage
from vendors.models import Vendor


class Command(BaseCommand):
    help = (
        "Fetches now the GVL vendors' device storage disclosures that are due (every active vendor "
        "that declares one, or those given; --force: also the fresh ones), as the daily task does, "
        "or loads one from a file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--vendor", type=int, action="append", default=[], help="GVL vendor id.")
        parser.add_argument("--force", action="store_true", help="Also fetch disclosures still fresh.")
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
                stored = device_storage.store_file(vendor, Path(path).read_bytes(), f"file:{Path(path).name}")
            except (OSError, device_storage.InvalidDisclosure) as exc:
                raise CommandError(f"{path}: {exc}") from None
            count = len(stored.document["disclosures"]) if stored.document else 0
            self.stdout.write(f"Vendor {vendor_id}: {count} disclosures from {path}.")
        if options["file"] and not options["vendor"]:
            return
        report = device_storage.refresh_disclosures(options["vendor"] or None, force=options["force"])
        self.stdout.write(report.summary())

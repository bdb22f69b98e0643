"""`manage.py aggregate_consent_stats`: recount the dashboard's daily choices from the records now
(the Celery task does this every 15 minutes for today and yesterday)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from consent.services.stats import aggregate_recent


class Command(BaseCommand):
    help = "Recount each site's daily accept / reject / custom choices from its consent records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=2, help="How many days back, today included.")

    def handle(self, *args: Any, **options: Any) -> None:
        for site_key, rows in aggregate_recent(options["days"]).items():
            self.stdout.write(f"{site_key}: {rows} daily rows")

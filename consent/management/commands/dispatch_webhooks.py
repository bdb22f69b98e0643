"""`manage.py dispatch_webhooks [--loop]`: the webhook run by hand (the beat task runs the same
every CMP_WEBHOOK_DISPATCH_SECONDS). `--loop` keeps running, for the embedded default without a
Celery worker (`make run` starts it beside the web server)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from consent.webhooks.service import dispatch
from infra.config import cache


class Command(BaseCommand):
    help = "Turn new consent records into webhook events and send the deliveries that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep running (Ctrl-C stops).")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            cache.refresh()
            report = dispatch()
            deliveries = report.deliveries
            if not options["loop"] or report.events or deliveries.delivered or deliveries.retrying:
                self.stdout.write(
                    f"{report.events} events; {deliveries.delivered} delivered, {deliveries.retrying} to "
                    f"retry, {deliveries.failed} given up, endpoints disabled: "
                    f"{deliveries.disabled_endpoints or 'none'}"
                )
            if not options["loop"]:
                return
            time.sleep(settings.CMP_WEBHOOK_DISPATCH_SECONDS)

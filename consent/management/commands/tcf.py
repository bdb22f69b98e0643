"""`manage.py tcf decode|encode`: `python -m privacy_signals tcf ...` inside the project (same
contract: docs/tcf-canonical-json.md)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from privacy_signals import cli

CODEC = "tcf"


class Command(BaseCommand):
    help = "Decode TC strings or encode canonical JSON models, one per stdin line (tcf-canonical-json.md)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=sorted(cli.CODECS[CODEC][1]))

    def handle(self, *args: Any, **options: Any) -> None:
        failures, total = cli.run(CODEC, options["action"], sys.stdin, self.stdout)
        if failures:
            raise CommandError(f"{failures} of {total} lines failed", returncode=1)

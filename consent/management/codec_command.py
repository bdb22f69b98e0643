"""The shared body of `manage.py tcf` and `manage.py gpp`: each is `python -m privacy_signals CODEC
...` inside the project, one input per stdin line, canonical JSON out (privacy_signals/cli.py)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from privacy_signals import cli


class CodecCommand(BaseCommand):
    #: The privacy_signals.cli codec this command speaks for.
    codec = ""

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=sorted(cli.CODECS[self.codec][1]))

    def handle(self, *args: Any, **options: Any) -> None:
        failures, total = cli.run(self.codec, options["action"], sys.stdin, self.stdout)
        if failures:
            raise CommandError(f"{failures} of {total} lines failed", returncode=1)

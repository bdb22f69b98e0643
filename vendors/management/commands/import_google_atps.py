"""`manage.py import_google_atps --file PATH | --url URL`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vendors.gvl_format import GvlFormatError
from vendors.importing import import_google_atps

from ._sources import add_source_arguments, read_source


class Command(BaseCommand):
    help = "Import Google's Ad Tech Provider list (additional-consent-providers.csv). Atomic."

    def add_arguments(self, parser: CommandParser) -> None:
        add_source_arguments(parser)

    def handle(self, *args: object, **options: object) -> None:
        data, source = read_source(options)
        try:
            report = import_google_atps(data, source=source)
        except GvlFormatError as exc:
            raise CommandError(f"{source}: {exc} Nothing was imported.") from None
        self.stdout.write(report.summary())

"""`manage.py import_gvl --file PATH | --url URL [--language xx]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vendors.gvl_format import GvlFormatError
from vendors.importing import GvlImportError, import_gvl, import_translation

from ._sources import add_source_arguments, read_source


class Command(BaseCommand):
    help = (
        "Import an IAB Global Vendor List v3 (vendor-list.json), or with --language a purposes-xx.json "
        "translation. Atomic; re-importing a version changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_source_arguments(parser)
        parser.add_argument(
            "--language", help="Import the file as the purposes-<language>.json translation (e.g. fr)."
        )

    def handle(self, *args: object, **options: object) -> None:
        data, source = read_source(options)
        try:
            if options.get("language"):
                report = import_translation(data, str(options["language"]), source=source)
            else:
                report = import_gvl(data, source=source)
        except (GvlFormatError, GvlImportError) as exc:
            raise CommandError(f"{source}: {exc} Nothing was imported.") from None
        self.stdout.write(report.summary())

"""`manage.py create_api_key <site_key> [--name NAME]`: a downstream key for one site, printed once."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from consent.api_keys import issue_key
from sites.models import Site


class Command(BaseCommand):
    help = "Create an API key for a site's downstream API and print it (it is stored only as a hash)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("site_key")
        parser.add_argument("--name", default="cli", help="A label to recognise the key in the admin.")

    def handle(self, *args: object, **options: object) -> None:
        site = Site.objects.filter(key=options["site_key"]).first()
        if site is None:
            raise CommandError(f"No site with key {options['site_key']!r}.")
        _, raw_key = issue_key(site, str(options["name"]))
        self.stderr.write(
            f"API key for site '{site.key}' (shown once; send it as 'Authorization: Api-Key <key>'):"
        )
        self.stdout.write(raw_key)

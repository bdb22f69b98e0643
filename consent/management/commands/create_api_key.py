"""`manage.py create_api_key <site_key> [--name NAME] [--scope SCOPE ...] [--days N]`: a downstream key for
one site, printed once."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from consent.api_keys import issue_key
from consent.models import ApiScope
from sites.models import Site


class Command(BaseCommand):
    help = "Create an API key for a site's downstream API and print it (it is stored only as a hash)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("site_key")
        parser.add_argument("--name", default="cli", help="A label to recognise the key in the admin.")
        parser.add_argument(
            "--scope",
            action="append",
            choices=ApiScope.values,
            help="A scope the key gets (repeat for several; default: read and check).",
        )
        parser.add_argument("--days", type=int, help="The key expires after this many days (default: never).")

    def handle(self, *args: object, **options: object) -> None:
        site = Site.objects.filter(key=options["site_key"]).first()
        if site is None:
            raise CommandError(f"No site with key {options['site_key']!r}.")
        days = options["days"]
        expires_at = timezone.now() + timedelta(days=int(days)) if days else None  # type: ignore[call-overload]
        _, raw_key = issue_key(site, str(options["name"]), options["scope"], expires_at)  # type: ignore[arg-type]
        self.stderr.write(
            f"API key for site '{site.key}' (shown once; send it as 'Authorization: Api-Key <key>'):"
        )
        self.stdout.write(raw_key)

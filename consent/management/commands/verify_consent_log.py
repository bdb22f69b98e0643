"""`manage.py verify_consent_log <site_key>`: checks every record's HMAC and the chain of seals.

Exit status 0 when the log is intact, 1 when anything was altered or removed outside the lawful
deletions (retention purge, erasure), with one line per problem.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from consent.services import verify_log
from sites.models import Site


class Command(BaseCommand):
    help = "Verify a site's consent log: record HMACs, the seal chain and the lawful deletions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("site_key")

    def handle(self, *args: object, **options: object) -> None:
        site = Site.objects.filter(key=options["site_key"]).first()
        if site is None:
            raise CommandError(f"No site with key {options['site_key']!r}.")
        report = verify_log(site)
        summary = (
            f"Site '{site.key}': {report.records} records ({report.unsealed_records} not sealed yet), "
            f"{report.seals} seals ({report.exported_heads} in the seal sink), "
            f"{report.deletions} lawful deletion entries."
        )
        for note in report.notes:
            self.stdout.write(f"Note: {note}")
        if report.ok:
            self.stdout.write(summary + " The log verifies.")
            return
        for problem in report.problems:
            self.stderr.write(problem)
        raise CommandError(
            summary + f" VERIFICATION FAILED: {len(report.problems)} problem(s).", returncode=1
        )

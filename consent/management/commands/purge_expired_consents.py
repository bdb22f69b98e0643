"""`manage.py purge_expired_consents`: the retention job by hand (the daily Celery task runs the same)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from consent.services import purge_expired


class Command(BaseCommand):
    help = "Delete consent records past their expiry, in batches, keeping the log verifiable."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=settings.CMP_PURGE_BATCH_SIZE)

    def handle(self, *args: object, **options: object) -> None:
        report = purge_expired(batch_size=max(1, int(options["batch_size"])))
        self.stdout.write(f"Deleted {report.deleted} expired consent records in {report.batches} batches.")
        for site_key, deleted in sorted(report.per_site.items()):
            self.stdout.write(f"  {site_key}: {deleted}")
        if report.choices_deleted:
            self.stdout.write(f"Deleted {report.choices_deleted} recorded choices no record uses anymore.")
        for consent_id in report.tampered:
            self.stderr.write(
                f"REFUSED record {consent_id}: its MAC does not match its content (tampered); not deleted."
            )
        if report.waiting_for_seal:
            self.stdout.write(f"{report.waiting_for_seal} expired records wait for their seal (next run).")
        if report.tampered:
            raise CommandError(
                f"{len(report.tampered)} expired-looking records failed their MAC and were kept.",
                returncode=1,
            )

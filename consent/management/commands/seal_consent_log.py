"""`manage.py seal_consent_log`: seal every site's new records now (the hourly Celery task does this)."""

from django.core.management.base import BaseCommand

from consent.services import seal_all_sites


class Command(BaseCommand):
    help = "Seal the consent records written since each site's last seal into its hash chain."

    def handle(self, *args: object, **options: object) -> None:
        for site_key, count in seal_all_sites().items():
            self.stdout.write(f"{site_key}: sealed {count} records")

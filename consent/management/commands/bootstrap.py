"""`manage.py bootstrap`: what `make run` needs after migrating, safe to run on every start.

Loads the bundled GVL and Google ATP snapshots when the database has none, and creates the demo
site. Each step is idempotent, so a second `make run` changes nothing.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the bundled vendor catalogue when empty and create the demo site."

    def handle(self, *args: object, **options: object) -> None:
        call_command("load_bundled_catalogue", stdout=self.stdout, stderr=self.stderr)
        call_command("create_demo_site", stdout=self.stdout, stderr=self.stderr)

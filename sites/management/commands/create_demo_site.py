"""`manage.py create_demo_site`: the `demo` site of `make run`; running it again changes nothing."""

from django.core.management.base import BaseCommand

from sites.setup import ensure_demo_site


class Command(BaseCommand):
    help = "Create (or complete) the demo site 'demo' with all vendors, default categories and texts."

    def handle(self, *args: object, **options: object) -> None:
        site, done = ensure_demo_site()
        if done:
            self.stdout.write(f"Demo site '{site.key}': " + "; ".join(done) + ".")
        else:
            self.stdout.write(f"Demo site '{site.key}' already complete; nothing to do.")

"""The services' one clock: every service reads the time through `clock.now()`, so a test can move
it for all of them at once (`monkeypatch.setattr(clock, "now", ...)`)."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()

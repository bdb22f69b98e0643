"""Consent rates per site, day, language, policy version and consent screen: impressions counted
from the banner's beacon, choices aggregated from the consent records into `DailyConsentStats`, so
the dashboard reads a small table.

Aggregating a day recounts it from the records (idempotent: run it as often as wanted); the
impression count is never touched by it. Impressions have no screen (they are of the banner before
any choice): they are counted on the rows with screen "", choices on their screen's rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F

from consent.models import ConsentAction, ConsentRecord, DailyConsentStats, default_screen
from consent.services import clock
from sites.models import Site

CHOICES = {
    ConsentAction.ACCEPT_ALL: "accept_all",
    ConsentAction.REJECT_ALL: "reject_all",
    ConsentAction.CUSTOM: "custom",
}


def count_shown(site: Site, language: str) -> None:
    """One first display of the banner, on today's row of its language and of the policy version
    the banner asks under (the site's current one), on the row of no screen."""
    today = clock.now().date()
    rows = DailyConsentStats.objects.filter(
        site=site, day=today, language=language, policy_version=site.policy_version, screen=""
    )
    if rows.update(shown=F("shown") + 1):
        return
    try:
        with transaction.atomic():
            DailyConsentStats.objects.create(
                site=site, day=today, language=language, policy_version=site.policy_version, shown=1
            )
    except IntegrityError:  # another request created the row meanwhile
        rows.update(shown=F("shown") + 1)


def aggregate_day(site: Site, day: date) -> int:
    """Recounts the choices of `day` (UTC) from the records; returns the rows written."""
    start = datetime.combine(day, time.min, tzinfo=clock.now().tzinfo)
    counts: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
    grouped = (
        ConsentRecord.objects.filter(
            site=site, created_at__gte=start, created_at__lt=start + timedelta(days=1), action__in=CHOICES
        )
        .values("choice__language", "choice__policy_version", "choice__screen", "action")
        .annotate(n=Count("id"))
    )
    for row in grouped:
        # Records from before screens were recorded: the screen their TC string names.
        screen = row["choice__screen"] or default_screen(row["action"])
        key = (row["choice__language"], row["choice__policy_version"], screen)
        name = CHOICES[row["action"]]
        counts[key][name] = counts[key].get(name, 0) + row["n"]
    with transaction.atomic():
        existing = {
            (s.language, s.policy_version, s.screen): s
            for s in DailyConsentStats.objects.select_for_update().filter(site=site, day=day)
        }
        for key in set(existing) | set(counts):
            values = {name: counts.get(key, {}).get(name, 0) for name in CHOICES.values()}
            row = existing.get(key)
            if row is None:
                DailyConsentStats.objects.create(
                    site=site, day=day, language=key[0], policy_version=key[1], screen=key[2], **values
                )
            else:
                DailyConsentStats.objects.filter(pk=row.pk).update(**values)
    return len(set(existing) | set(counts))


def aggregate_recent(days: int = 2) -> dict[str, int]:
    """Today and the days before it, for every site (the periodic task)."""
    today = clock.now().date()
    written = {}
    for site in Site.objects.all():
        written[site.key] = sum(aggregate_day(site, today - timedelta(days=n)) for n in range(days))
    return written


@dataclass(frozen=True)
class DayRates:
    day: date
    shown: int
    accept_all: int
    reject_all: int
    custom: int

    @property
    def choices(self) -> int:
        return self.accept_all + self.reject_all + self.custom

    @property
    def no_choice(self) -> int:
        return max(self.shown - self.choices, 0)

    def rate(self, count: int) -> float | None:
        return count / self.shown if self.shown else None


@dataclass(frozen=True)
class Rates:
    """A date range's counts: per day (every day, empty ones too), per language, per policy
    version, per consent screen (choices only: displays have none), and per day and screen."""

    days: list[DayRates]
    languages: dict[str, DayRates]
    versions: dict[str, DayRates]
    screens: dict[str, DayRates]
    screen_days: dict[tuple[date, str], DayRates]


_FIELDS = ("shown", "accept_all", "reject_all", "custom")


def rates(site: Site, first: date, last: date, language: str | None = None) -> Rates:
    rows = DailyConsentStats.objects.filter(site=site, day__gte=first, day__lte=last)
    if language:
        rows = rows.filter(language=language)
    by_day: dict[date, list[int]] = {}
    by_language: dict[str, list[int]] = {}
    by_version: dict[str, list[int]] = {}
    by_screen: dict[str, list[int]] = {}
    by_screen_day: dict[tuple[date, str], list[int]] = {}
    for row in rows:
        buckets = [
            by_day.setdefault(row.day, [0] * 4),
            by_language.setdefault(row.language, [0] * 4),
            by_version.setdefault(row.policy_version, [0] * 4),
        ]
        if row.accept_all or row.reject_all or row.custom:
            buckets.append(by_screen.setdefault(row.screen, [0] * 4))
            buckets.append(by_screen_day.setdefault((row.day, row.screen), [0] * 4))
        for bucket in buckets:
            for i, name in enumerate(_FIELDS):
                bucket[i] += getattr(row, name)
    days = []
    day = first
    while day <= last:
        days.append(DayRates(day, *by_day.get(day, [0] * 4)))
        day += timedelta(days=1)
    return Rates(
        days=days,
        languages={key: DayRates(last, *values) for key, values in sorted(by_language.items())},
        versions={key: DayRates(last, *values) for key, values in sorted(by_version.items())},
        # Displays carry no screen: a screen's "shown" is left out (0), its choices are what counts.
        screens={key: DayRates(last, 0, *values[1:]) for key, values in sorted(by_screen.items())},
        screen_days={key: DayRates(key[0], 0, *values[1:]) for key, values in by_screen_day.items()},
    )

"""The dashboard's numbers: "shown" is the banner's beacon counted per day and language, the choices
are aggregated from the consent records; with a known mix over two days, two languages and both
consent screens, every number on the page and in its CSV equals the count computed directly from
the records (and the beacons sent). Aggregating again changes nothing; nothing per visitor is
stored."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import UTC, datetime

from django.core.management import call_command

from consent.models import ConsentRecord, DailyConsentStats
from consent.services import clock

DAY1 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
DAY2 = datetime(2026, 11, 21, 15, 30, tzinfo=UTC)
CUSTOM = {"action": "custom", "categories": {"analytics": True}}
# Accept All and Reject All are on both screens; a choice without a screen is as the action implies.
ACCEPT_IN_DIALOG = {"action": "accept_all", "screen": "preferences"}
REJECT_IN_DIALOG = {"action": "reject_all", "screen": "preferences"}
ACCEPT_ON_FIRST_LAYER = {"action": "accept_all", "screen": "first_layer"}
MIX = {
    DAY1: {
        "en": {
            "shown": 6,
            "choices": [ACCEPT_ON_FIRST_LAYER, ACCEPT_IN_DIALOG, "reject_all", CUSTOM, "withdraw"],
        },
        "fr": {"shown": 3, "choices": [REJECT_IN_DIALOG]},
    },
    DAY2: {
        "en": {"shown": 4, "choices": ["reject_all", ACCEPT_IN_DIALOG, "accept_all"]},
        "fr": {"shown": 0, "choices": []},
    },
}
CHOSEN = ("accept_all", "reject_all", "custom")


def test_dashboard_numbers_equal_counts_from_the_records(api, client, site, member, monkeypatch):
    for moment, languages in MIX.items():
        monkeypatch.setattr(clock, "now", lambda moment=moment: moment)
        if moment == DAY2:  # a new privacy policy: day 2's displays and choices are under version 2
            site.policy_version = "2"
            site.save()
        for language, plan in languages.items():
            for _ in range(plan["shown"]):
                assert client.post(f"/api/v1/sites/{site.key}/shown?lang={language}").status_code == 204
            for choice in plan["choices"]:
                body = choice if isinstance(choice, dict) else {"action": choice}
                assert api.consent(site.key, {**body, "language": language}).status_code == 201
    call_command("aggregate_consent_stats", days=2, stdout=io.StringIO())
    call_command("aggregate_consent_stats", days=2, stdout=io.StringIO())  # idempotent

    records = ConsentRecord.objects.select_related("choice")
    direct = Counter((r.created_at.date(), r.choice.language, r.action) for r in records)
    assert sum(direct.values()) == 9
    by_screen = Counter((r.created_at.date(), r.choice.screen, r.action) for r in records)
    assert {screen for _, screen, action in by_screen if action in CHOSEN} == {"first_layer", "preferences"}

    client.force_login(member(site, "viewer"))
    query = {"from": "2026-11-20", "to": "2026-11-21"}
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    f"/console/sites/{site.key}/dashboard", {**query, "format": "csv"}
                ).content.decode()
            )
        )
    )
    assert [r["day"] for r in rows] == ["2026-11-20", "2026-11-21"]
    for row, moment in zip(rows, MIX, strict=True):
        day = moment.date()
        for action in ("accept_all", "reject_all", "custom"):
            assert int(row[action]) == sum(direct[(day, lang, action)] for lang in ("en", "fr")), (
                day,
                action,
            )
        shown = sum(plan["shown"] for plan in MIX[moment].values())
        assert int(row["shown"]) == shown
        chosen = sum(
            direct[(day, lang, a)] for lang in ("en", "fr") for a in ("accept_all", "reject_all", "custom")
        )
        assert int(row["no_choice"]) == shown - chosen
        for screen in ("first_layer", "preferences"):
            for action in CHOSEN:
                assert int(row[f"{screen}_{action}"]) == by_screen[(day, screen, action)], (
                    day,
                    screen,
                    action,
                )

    page = client.get(f"/console/sites/{site.key}/dashboard", query).content.decode()
    kpi = {k: int(v) for k, v in re.findall(r'data-kpi="(\w+)">(\d+)<', page)}
    totals = {action: sum(n for (_, _, a), n in direct.items() if a == action) for action in CHOSEN}
    beacons = sum(p["shown"] for plan in MIX.values() for p in plan.values())
    assert kpi == {"shown": beacons, **totals, "no_choice": beacons - sum(totals.values())}
    assert totals == {"accept_all": 4, "reject_all": 3, "custom": 1}  # the mix as planned
    french = re.search(r'<tr data-language="fr">(.*?)</tr>', page).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', french) == ["3", "0", "1", "0", "2"]

    by_version = {
        version: re.findall(r'<td class="num">(\d+)</td>', row)
        for version, row in re.findall(r'<tr data-policy-version="(\w+)">(.*?)</tr>', page)
    }
    assert by_version == {"1": ["9", "2", "2", "1", "4"], "2": ["4", "2", "1", "0", "1"]}

    screens = {
        screen: [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]
        for screen, row in re.findall(r'<tr data-screen="(\w+)">(.*?)</tr>', page)
    }
    assert set(screens) == {"first_layer", "preferences"}
    for screen, numbers in screens.items():
        counts = [
            sum(n for (_, s, a), n in by_screen.items() if s == screen and a == action) for action in CHOSEN
        ]
        assert numbers == [sum(counts), *counts], screen
    assert re.search(r'<tr data-screen="preferences"><th scope="row">Preferences dialog</th>', page)

    only_fr = client.get(f"/console/sites/{site.key}/dashboard", {**query, "lang": "fr"}).content.decode()
    assert 'data-kpi="shown">3<' in only_fr

    # Aggregates only: one row per site, day, language, version and screen, with counters and
    # nothing else; displays on the rows of no screen, choices on their screen's rows.
    displays = {
        (moment.date(), lang) for moment, plan in MIX.items() for lang, p in plan.items() if p["shown"]
    }
    chosen = {
        (r.created_at.date(), r.choice.language, r.choice.screen) for r in records if r.action in CHOSEN
    }
    assert set(DailyConsentStats.objects.values_list("day", "language", "screen")) == {
        *((day, lang, "") for day, lang in displays),
        *chosen,
    }
    assert not DailyConsentStats.objects.exclude(screen="").exclude(shown=0).exists()
    assert {f.name for f in DailyConsentStats._meta.fields} == {
        "id",
        "site",
        "day",
        "language",
        "policy_version",
        "screen",
        "shown",
        "accept_all",
        "reject_all",
        "custom",
    }


def test_beacon_for_an_unknown_site_is_a_404_and_an_unknown_language_counts_as_the_default(client, site):
    assert client.post("/api/v1/sites/nope/shown").status_code == 404
    assert client.post(f"/api/v1/sites/{site.key}/shown?lang=xx").status_code == 204
    assert DailyConsentStats.objects.get(site=site).language == "en"

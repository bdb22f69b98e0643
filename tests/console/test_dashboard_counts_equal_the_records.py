"""The dashboard's numbers: "shown" is the banner's beacon counted per day and language, the choices
are aggregated from the consent records; with a known mix over two days and two languages, every
number on the page equals the count computed directly from the records (and the beacons sent).
Aggregating again changes nothing; nothing per visitor is stored."""

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
MIX = {
    DAY1: {
        "en": {"shown": 6, "choices": ["accept_all", "accept_all", "reject_all", CUSTOM, "withdraw"]},
        "fr": {"shown": 3, "choices": ["accept_all"]},
    },
    DAY2: {
        "en": {"shown": 4, "choices": ["reject_all", "accept_all", "accept_all"]},
        "fr": {"shown": 0, "choices": []},
    },
}


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

    page = client.get(f"/console/sites/{site.key}/dashboard", query).content.decode()
    kpi = {k: int(v) for k, v in re.findall(r'data-kpi="(\w+)">(\d+)<', page)}
    assert kpi == {"shown": 13, "accept_all": 5, "reject_all": 2, "custom": 1, "no_choice": 5}
    french = re.search(r'<tr data-language="fr">(.*?)</tr>', page).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', french) == ["3", "1", "0", "0", "2"]

    by_version = {
        version: re.findall(r'<td class="num">(\d+)</td>', row)
        for version, row in re.findall(r'<tr data-policy-version="(\w+)">(.*?)</tr>', page)
    }
    assert by_version == {"1": ["9", "3", "1", "1", "4"], "2": ["4", "2", "1", "0", "1"]}

    only_fr = client.get(f"/console/sites/{site.key}/dashboard", {**query, "lang": "fr"}).content.decode()
    assert 'data-kpi="shown">3<' in only_fr

    # Aggregates only: one row per site, day and language, with counters and nothing else.
    assert DailyConsentStats.objects.count() == 3  # nothing happened in French on day 2
    assert {f.name for f in DailyConsentStats._meta.fields} == {
        "id",
        "site",
        "day",
        "language",
        "policy_version",
        "shown",
        "accept_all",
        "reject_all",
        "custom",
    }


def test_beacon_for_an_unknown_site_is_a_404_and_an_unknown_language_counts_as_the_default(client, site):
    assert client.post("/api/v1/sites/nope/shown").status_code == 404
    assert client.post(f"/api/v1/sites/{site.key}/shown?lang=xx").status_code == 204
    assert DailyConsentStats.objects.get(site=site).language == "en"

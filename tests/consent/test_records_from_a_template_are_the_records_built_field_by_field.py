"""Recording goes through per-choice templates (consent/record_template.py): a record made from one
holds exactly what building it field by field gives, its MAC is the canonical one, records of one
choice on one day share one RecordedChoice row, and a configuration change is never served from a
template made before it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consent import evidence, services
from consent.choices import ChoiceRequest, parse_choice_request
from consent.models import ConsentRecord, RecordedChoice
from consent.record_template import RecordTemplate, choice_values
from consent.services import clock
from consent.services.recording import store_choice
from consent.tc_builder import build_signals, resolve_choice
from infra.config import cache
from infra.errors import ApiError
from sites.disclosure import current_snapshot, site_catalogue
from sites.services import category_slugs, get_site

CUSTOM = {
    "action": "custom",
    "language": "fr",
    "categories": {"analytics": True},
    "purposes": [1, 2, 7],
    "purpose_li_objections": [10],
    "special_features": [2],
    "vendors": [755, 793],
    "vendor_li_objections": [755],
}


def built_field_by_field(site: Any, request: ChoiceRequest, now: datetime) -> dict[str, Any]:
    """What a record of this request must hold, computed without any template."""
    language = request.language if request.language in site.languages else site.default_language
    catalogue = site_catalogue(site, current_snapshot(language))
    slugs = category_slugs(site)
    choice = resolve_choice(request, site, slugs, catalogue, language)
    return {
        "action": choice.action,
        **choice_values(choice, site, catalogue, build_signals(choice, site, catalogue, now)),
    }


@pytest.mark.parametrize(
    "body",
    [{"action": "accept_all"}, {"action": "reject_all"}, CUSTOM, {"action": "withdraw"}],
    ids=lambda body: body["action"],
)
def test_a_stored_record_holds_what_the_choice_resolves_to(site, body):
    request = parse_choice_request(body)
    for _ in range(2):  # the second record comes from the template the first one made
        record = services.record_consent(
            site, request, user_agent="Mozilla/5.0 (X11)", ip_address="198.51.100.7"
        )
        stored = ConsentRecord.objects.select_related("choice").get(pk=record.pk)
        expected = built_field_by_field(site, request, stored.created_at)
        assert {name: getattr(stored, name) for name in expected} == expected
        assert stored.mac == record.mac == evidence.record_mac(stored)
        assert stored.ip_truncated == "198.51.100.0"
        assert stored.user_agent_hash == evidence.user_agent_hash("Mozilla/5.0 (X11)")
    assert services.verify_log(site).ok


def test_records_of_one_choice_on_one_day_share_their_recorded_choice(site, monkeypatch):
    accept, reject = (parse_choice_request({"action": a}) for a in ("accept_all", "reject_all"))
    first = services.record_consent(site, accept)
    cache.clear()  # as in another worker process: the row is found again by its content
    second = services.record_consent(site, accept)
    other = services.record_consent(site, reject)
    assert first.choice_id == second.choice_id != other.choice_id
    assert RecordedChoice.objects.filter(site=site).count() == 2

    tomorrow = datetime.now(UTC) + timedelta(days=1)
    monkeypatch.setattr(clock, "now", lambda: tomorrow)
    next_day = services.record_consent(site, accept)
    assert next_day.choice_id != first.choice_id
    assert next_day.choice.day == tomorrow.date()
    assert next_day.tc_string != first.tc_string  # Created / LastUpdated carry the day
    assert services.verify_log(site).ok


def test_a_configuration_change_is_not_answered_from_an_older_template(site):
    request = parse_choice_request({"action": "custom", "vendors": [755]})
    services.record_consent(site, request)
    site.enable_all_vendors = False
    site.save()
    site.vendors.set([793])
    with pytest.raises(ApiError) as refused:
        services.record_consent(site, request)
    assert refused.value.code == "vendor_not_enabled"


def test_a_policy_version_change_reaches_the_next_record(site):
    request = parse_choice_request({"action": "accept_all"})
    before = services.record_consent(site, request)
    site.policy_version = "2"
    site.save()
    after = services.record_consent(get_site(site.key), request)
    assert (before.policy_version, after.policy_version) == ("1", "2")
    assert after.choice_id != before.choice_id


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    user_id=st.from_regex(r"[A-Za-z0-9_-]{16,64}", fullmatch=True),
    user_agent_hash=st.sampled_from(["", "0" * 64, "f" * 64]),
    ip_truncated=st.sampled_from(["", "192.0.2.0", "2001:db8::"]),
    moment=st.datetimes(
        min_value=datetime(2001, 1, 1), max_value=datetime(2099, 1, 1), timezones=st.just(UTC)
    ),
    action=st.sampled_from(["accept_all", "reject_all", "withdraw"]),
)
def test_the_template_mac_is_the_canonical_mac(site, user_id, user_agent_hash, ip_truncated, moment, action):
    request = parse_choice_request({"action": action})
    catalogue = site_catalogue(site, current_snapshot())
    choice = resolve_choice(request, site, category_slugs(site), catalogue, "en")
    values = choice_values(choice, site, catalogue, build_signals(choice, site, catalogue, moment))
    template = RecordTemplate.build(action, store_choice(site, moment.date(), values), moment)
    record = template.new_record(
        consent_id="6d3b2d0a-8f46-4b40-9c1b-0123456789ab",
        user_id=user_id,
        created_at=moment,
        expires_at=moment + timedelta(days=730),
        user_agent_hash=user_agent_hash,
        ip_truncated=ip_truncated,
    )
    assert template.mac_template is not None
    assert record.mac == evidence.record_mac(record)

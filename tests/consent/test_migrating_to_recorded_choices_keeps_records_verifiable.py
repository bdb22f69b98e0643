"""Migration 0002 moves what records chose and signalled into shared RecordedChoice rows. Records
written before it keep their content and their MACs (the log still verifies), records of the same
content share one row, and migrating back restores the columns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from consent import evidence, services
from consent.models import CHOICE_FIELDS, ConsentRecord, RecordedChoice
from sites.models import Site

BEFORE = [("consent", "0001_initial")]
AFTER = [("consent", "0002_recorded_choices")]
MOMENT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def legacy_values(action: str) -> dict:
    accepted = action == "accept_all"
    return {
        "language": "en",
        "categories": {"necessary": True, "analytics": accepted},
        "purpose_consents": [1, 2, 7] if accepted else [],
        "purpose_li_objections": [],
        "special_feature_optins": [1] if accepted else [],
        "vendor_consents": [755, 793] if accepted else [],
        "vendor_li_objections": [],
        "atp_consents": [89] if accepted else [],
        "gvl_version": 106,
        "tcf_policy_version": 5,
        "policy_version": "1",
        "vendors_hash": "abc123",
        "tc_string": f"CQ-{action}",
        "ac_string": "2~89~dv." if accepted else "2~~dv.89",
        "consent_mode": {"ad_storage": "granted" if accepted else "denied"},
    }


@pytest.fixture
def legacy_log(transactional_db, migrator):
    """Four records written under migration 0001: two identical accept-alls a second apart, a
    reject-all, and an accept-all of the next day."""
    old = migrator.migrate(BEFORE)
    try:
        site = old.get_model("consent", "Site").objects.create(key="legacy", name="Legacy")
        record_model = old.get_model("consent", "ConsentRecord")
        written = []
        for action, offset in (
            ("accept_all", 0),
            ("accept_all", 1),
            ("reject_all", 2),
            ("accept_all", 86400),
        ):
            created = MOMENT + timedelta(seconds=offset)
            record = record_model(
                site=site,
                user_id=f"legacy-user-{offset:08d}",
                action=action,
                created_at=created,
                expires_at=created + timedelta(days=730),
                user_agent_hash="",
                ip_truncated="192.0.2.0",
                **legacy_values(action),
            )
            record.mac = evidence.record_mac(record)
            record.save()
            written.append((str(record.consent_id), action))
        yield written
    finally:
        migrator.migrate_to_latest()  # whatever happened, later tests get the current schema


def test_legacy_records_verify_and_share_their_choices(legacy_log, migrator):
    migrator.migrate(AFTER)
    migrator.migrate_to_latest()
    site = Site.objects.get(key="legacy")
    report = services.verify_log(site)
    assert report.ok, report.problems
    assert report.records == 4
    records = {str(r.consent_id): r for r in ConsentRecord.objects.select_related("choice")}
    for consent_id, action in legacy_log:
        record = records[consent_id]
        expected = legacy_values(action)
        assert {name: getattr(record, name) for name in expected} == expected
        # What later migrations added reads as what applied before them: opt-in, region unknown.
        assert (record.experience, record.region, record.gpc, record.gpp_string) == ("opt_in", "", False, "")
        assert record.screen == "", "no screen was recorded then: the action implies it"
        assert set(CHOICE_FIELDS) - set(expected) == {
            "experience",
            "region",
            "gpc",
            "us_opt_outs",
            "gpp_string",
            "screen",
        }
    choices = [records[consent_id].choice_id for consent_id, _ in legacy_log]
    assert choices[0] == choices[1], "identical content on one day shares a row"
    assert len(set(choices)) == 3, "another action or another day is another row"
    assert RecordedChoice.objects.filter(site=site).count() == 3


def test_migrating_back_restores_the_columns(legacy_log, migrator):
    migrator.migrate(AFTER)
    old = migrator.migrate(BEFORE)
    record_model = old.get_model("consent", "ConsentRecord")
    for consent_id, action in legacy_log:
        record = record_model.objects.get(consent_id=consent_id)
        expected = legacy_values(action)
        assert {name: getattr(record, name) for name in expected} == expected
        assert evidence.record_mac(record) == record.mac

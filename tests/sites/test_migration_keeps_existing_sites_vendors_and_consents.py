"""New sites disclose no vendors by default (migration sites 0006 changes only the default): a site made
before it keeps disclosing every vendor and ATP, so its disclosed set and its vendors hash are
unchanged and none of its visitors is asked again."""

from __future__ import annotations

import pytest

from consent.choices import ChoiceRequest
from consent.services import record_consent
from consent.services.current import reprompt_reasons
from sites.disclosure import current_snapshot, site_catalogue
from sites.models import Site

BEFORE = [("sites", "0005_site_uk_notice_objection")]


@pytest.mark.django_db(transaction=True)
def test_a_site_made_before_keeps_its_vendors_and_its_visitors_consents(catalogue, migrator):
    from infra.config import cache

    old_apps = migrator.migrate(BEFORE)
    try:
        OldSite = old_apps.get_model("sites", "Site")
        # Made as the old code made it: nothing said about vendors, so the old default applies.
        OldSite.objects.create(key="legacy", name="Legacy", languages=["en"], allowed_origins=[])
    finally:
        migrator.migrate_to_latest()
    cache.clear()
    site = Site.objects.get(key="legacy")
    assert site.enable_all_vendors
    assert site.enable_all_atps
    snapshot = current_snapshot()
    before = site_catalogue(site, snapshot)
    assert before.disclosed_vendor_ids == snapshot.active_vendor_ids()
    record = record_consent(site, ChoiceRequest(action="accept_all"))

    # Back across the migration and forward again: the record's visitor is not asked again.
    migrator.migrate(BEFORE)
    migrator.migrate_to_latest()
    cache.clear()
    site = Site.objects.get(key="legacy")
    after = site_catalogue(site, current_snapshot())
    assert after.vendors_hash == before.vendors_hash == record.vendors_hash
    assert reprompt_reasons(site, record) == []

    fresh = Site.objects.create(key="fresh", name="Fresh")
    assert not fresh.enable_all_vendors
    assert site_catalogue(fresh, current_snapshot()).disclosed_vendor_ids == frozenset()

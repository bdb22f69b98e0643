"""A data-subject erasure: every record of the visitor on the site is deleted (and debited from
its seal), and the erasure itself is recorded as an `erase` record."""

from __future__ import annotations

from django.db import transaction

from consent.models import ConsentAction, ConsentRecord, DeletionReason
from consent.record_template import RecordTemplate, erasure_values, insert_statement, utc_day
from consent.services import clock
from consent.services.deletions import delete_accounted, lock_site
from consent.services.recording import insert, store_choice
from sites.models import Site


def erase_user(
    site: Site, user_id: str, *, user_agent: str = "", ip_address: str = ""
) -> tuple[ConsentRecord | None, int]:
    """Deletes every record of the user's choices on the site and records the erasure itself. With
    no such record nothing is written (None, 0): a key with the erase scope must not be able to
    plant records under ids of its choosing. Earlier erasure records are kept: they hold no
    choice, and they are the evidence that the earlier erasures happened."""
    now = clock.now()
    template = RecordTemplate.build(
        ConsentAction.ERASE, store_choice(site, utc_day(now), erasure_values(site)), now
    )
    erasure = template.visitor_record(site, user_id, now, user_agent, ip_address)
    with transaction.atomic():
        lock_site(site)
        rows = list(
            ConsentRecord.objects.filter(site=site, user_id=user_id)
            .exclude(action=ConsentAction.ERASE)
            .order_by("id")
            .values_list("id", "mac")
        )
        if not rows:
            return None, 0
        erased = delete_accounted(site, rows, DeletionReason.ERASURE, str(erasure.consent_id), now)
        insert(erasure, template.insert_parameters(erasure), insert_statement())
    return erasure, erased

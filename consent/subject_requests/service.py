"""The one place a data-subject request is answered: the console and the API both call these."""

from __future__ import annotations

from typing import Any

from consent.models import ConsentAction, ConsentRecord
from consent.receipts import RecordDocuments
from consent.services import clock, erase_user, live_records, serialise_record
from consent.subject_requests.models import DataSubjectRequest, RequestChannel, RequestKind
from sites.models import Site

EXPORT_FORMATS = ("json", "27560")


def export_body(site: Site, user_id: str, kind: str = "json") -> tuple[dict[str, Any], int]:
    """Every unexpired record of the visitor (newest first), as the API's JSON or as ISO/IEC TS
    27560 documents (erasure records describe no choice and are left out of those), and how many
    records were found."""
    records = live_records(site, user_id)
    if kind == "27560":
        documents = RecordDocuments(site)
        items = [documents.document(r) for r in records if r.action != ConsentAction.ERASE]
    else:
        # Everything stored about the visitor (data-subject access), not only what a downstream
        # read shows.
        items = [
            {
                **serialise_record(r),
                "ip_truncated": r.ip_truncated,
                "user_agent_hash": r.user_agent_hash,
                "key_id": r.key_id,
                "mac": r.mac,
            }
            for r in records
        ]
    return {"site": site.key, "user_id": user_id, "records": items}, len(records)


def key_actor(api_key: Any) -> str:
    """How the log names a request that came through the API."""
    return f"API key {api_key.prefix}… ({api_key.name})"


def _log(
    site: Site, user_id: str, kind: str, actor: Any, channel: str, reason: str, **fields: Any
) -> DataSubjectRequest:
    name = actor if isinstance(actor, str) else actor.get_username()
    return DataSubjectRequest.objects.create(
        site=site,
        user_id=user_id,
        kind=kind,
        channel=channel,
        reason=reason,
        handled_by=None if isinstance(actor, str) else actor,
        handled_by_name=name[:150],
        created_at=clock.now(),
        **fields,
    )


def answer_access(
    site: Site,
    user_id: str,
    *,
    actor: Any,
    channel: str = RequestChannel.CONSOLE,
    reason: str = "",
    kind: str = "json",
) -> tuple[DataSubjectRequest, dict[str, Any]]:
    """`actor`: the staff user, or a text naming the API key."""
    body, found = export_body(site, user_id, kind)
    logged = _log(
        site, user_id, RequestKind.ACCESS, actor, channel, reason, records_found=found, export_format=kind
    )
    return logged, body


def answer_erasure(
    site: Site,
    user_id: str,
    *,
    actor: Any,
    channel: str = RequestChannel.CONSOLE,
    reason: str = "",
    user_agent: str = "",
    ip_address: str = "",
) -> tuple[DataSubjectRequest, ConsentRecord | None]:
    """The logged request and the erasure record (which says when the erasure took effect; None
    when the visitor had no record, and then nothing is written to the consent log)."""
    erasure, erased = erase_user(site, user_id, user_agent=user_agent, ip_address=ip_address)
    logged = _log(
        site,
        user_id,
        RequestKind.ERASURE,
        actor,
        channel,
        reason,
        records_found=erased,
        erasure_id=erasure.consent_id if erasure else None,
    )
    return logged, erasure

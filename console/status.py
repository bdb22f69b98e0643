"""The one-line status of a site on the landing page: is its banner live, when was the last
consent, which GVL version it discloses under, and why its visitors would be asked again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from consent.models import ConsentRecord, DailyConsentStats
from consent.services import clock
from consent.services.current import reprompt_reasons
from infra.errors import ApiError
from sites.disclosure import current_snapshot, site_catalogue
from sites.models import Site

#: A banner that showed or recorded something this recently counts as live.
LIVE_WINDOW = timedelta(days=7)

REASON_LABELS = {
    "policy_version_changed": "privacy policy version changed since the last consent",
    "tcf_policy_version_changed": "a newer TCF policy version",
    "new_vendors": "vendors added since the last consent",
}


@dataclass
class SiteStatus:
    site: Site
    live: bool
    last_consent: datetime | None
    gvl_version: int | None
    vendor_count: int
    reprompt: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        parts = ["Banner live" if self.live else "Banner not seen in the last 7 days"]
        last = self.last_consent
        parts.append(f"last consent {last:%Y-%m-%d %H:%M} UTC" if last else "no consent yet")
        if self.gvl_version is not None:
            parts.append(f"GVL v{self.gvl_version}, {self.vendor_count} vendors disclosed")
        return " · ".join(parts)


def site_status(site: Site) -> SiteStatus:
    latest = ConsentRecord.objects.filter(site=site).select_related("choice").order_by("-id").first()
    try:
        snapshot = current_snapshot()
    except ApiError:  # no GVL imported yet
        snapshot = None
    last_seen = latest.created_at if latest else None
    recently = clock.now() - LIVE_WINDOW
    shown = DailyConsentStats.objects.filter(site=site, day__gte=recently.date(), shown__gt=0).exists()
    return SiteStatus(
        site=site,
        live=shown or (last_seen is not None and last_seen >= recently),
        last_consent=last_seen,
        gvl_version=snapshot.vendor_list_version if snapshot else None,
        vendor_count=len(site_catalogue(site, snapshot).disclosed_vendor_ids) if snapshot else 0,
        reprompt=[REASON_LABELS.get(r, r) for r in reprompt_reasons(site, latest)]
        if latest and snapshot
        else [],
    )

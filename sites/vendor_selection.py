"""Choosing the vendors and Google Ad Tech Providers a site discloses: search the GVL (or Google's
ATP list), plan a change and see what it does before it is saved (how many, who is added or
removed, whether visitors are asked again), save it.

The console and any script call these; the admin's vendor field writes the same two columns."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction

from sites.disclosure import current_snapshot, disclosed_vendor_ids, site_catalogue
from sites.models import Site
from vendors.catalogue import GvlSnapshot, enabled_atps
from vendors.gvl_format import GvlVendor
from vendors.models import GoogleAtp

SEARCH_LIMIT = 30
PRESETS_FILE = Path(__file__).resolve().parent / "data" / "vendor-presets.json"


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    vendor_ids: tuple[int, ...]


def presets() -> dict[str, Preset]:
    """Named starting selections shipped in sites/data/vendor-presets.json (provenance beside it)."""
    data = json.loads(PRESETS_FILE.read_text(encoding="utf-8"))
    return {
        key: Preset(key, entry["name"], tuple(sorted(set(entry["modules"].values()))))
        for key, entry in data.items()
    }


@dataclass(frozen=True)
class SelectionChange:
    """A change of the ids a site discloses, as reviewed before saving."""

    all_on: bool  # every active vendor (every enabled ATP), new ones included
    chosen: frozenset[int]  # the listed ids (ignored while "all" is on)
    before: frozenset[int]  # disclosed now
    after: frozenset[int]  # disclosed once saved

    @property
    def added(self) -> frozenset[int]:
        return self.after - self.before

    @property
    def removed(self) -> frozenset[int]:
        return self.before - self.after


def _save(site: Site, change: SelectionChange, all_field: str, listed: str) -> None:
    """Stores a change: the site's "all" flag `all_field`, and the ids in its relation `listed`
    unless all is on (then the listed ids are left as they are)."""
    setattr(site, all_field, change.all_on)
    site.save(update_fields=[all_field, "updated_at"])
    if not change.all_on:
        getattr(site, listed).set(sorted(change.chosen))


@dataclass(frozen=True)
class VendorChange(SelectionChange):
    @property
    def reprompts(self) -> bool:
        """A visitor is asked again when a vendor they were not shown is disclosed (re-prompt rule)."""
        return bool(self.added)


class _Named(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...


Found = TypeVar("Found", bound=_Named)


def _search(
    query: str,
    limit: int,
    by_id: Callable[[int], list[Found]],
    by_name: Callable[[str], list[Found]],
) -> list[Found]:
    """The pickers' one search rule: an id finds that entry, else the entries whose name contains
    the query (case-insensitive), those starting with it first, then by name and id."""
    query = query.strip()
    if not query:
        return []
    if query.isdigit():
        return by_id(int(query))
    needle = query.casefold()
    found = by_name(query)
    found.sort(key=lambda f: (not f.name.casefold().startswith(needle), f.name.casefold(), f.id))
    return found[:limit]


def search(snapshot: GvlSnapshot, query: str, limit: int = SEARCH_LIMIT) -> list[GvlVendor]:
    """Active vendors whose id is `query` or whose name contains it, by name."""
    active = [v for v in snapshot.vendors.values() if v.is_active]
    return _search(
        query,
        limit,
        lambda vendor_id: [v for v in active if v.id == vendor_id],
        lambda text: [v for v in active if text.casefold() in v.name.casefold()],
    )


def _pasted_ids(text: str, refusal: str) -> list[int]:
    """Ids pasted as a list: separated by commas, spaces or new lines; `refusal` names what is
    expected, after the tokens that are not ids."""
    tokens = [t for t in re.split(r"[\s,;]+", text) if t]
    bad = [t for t in tokens if not t.isdigit()]
    if bad:
        raise ValidationError(refusal.format(bad=", ".join(bad[:10])))
    return [int(t) for t in tokens]


def parse_ids(text: str) -> list[int]:
    """GVL ids pasted as a list."""
    return _pasted_ids(text, "Not vendor ids: {bad}. Paste GVL ids such as 755, 793.")


def plan_change(site: Site, *, all_vendors: bool, vendor_ids: Iterable[int]) -> VendorChange:
    snapshot = current_snapshot()
    chosen = frozenset(vendor_ids)
    unknown = sorted(v for v in chosen if v not in snapshot.vendors or not snapshot.vendors[v].is_active)
    if unknown:
        raise ValidationError(
            f"Not active in GVL version {snapshot.vendor_list_version}: {', '.join(map(str, unknown[:20]))}."
        )
    before = site_catalogue(site, snapshot).disclosed_vendor_ids
    after = disclosed_vendor_ids(snapshot, all_vendors, chosen)
    return VendorChange(all_on=all_vendors, chosen=chosen, before=before, after=after)


@transaction.atomic
def apply_change(site: Site, change: VendorChange) -> None:
    _save(site, change, "enable_all_vendors", "vendors")


# --- Google's Ad Tech Providers (the AC string) -----------------------------------------------------


@dataclass(frozen=True)
class AtpChange(SelectionChange):
    """No re-prompt: an AC string names only the providers its visitor was shown."""


def search_atps(query: str, limit: int = SEARCH_LIMIT) -> list[GoogleAtp]:
    """Enabled providers of Google's current list whose id is `query` or whose name contains it."""
    atps = enabled_atps()
    return _search(
        query,
        limit,
        lambda atp_id: list(atps.filter(id=atp_id)),
        lambda text: list(atps.filter(name__icontains=text)),
    )


def parse_atp_ids(text: str) -> list[int]:
    """Google ATP ids pasted as a list."""
    return _pasted_ids(text, "Not provider ids: {bad}. Paste Google ATP ids such as 89, 2526.")


def plan_atp_change(site: Site, *, all_atps: bool, atp_ids: Iterable[int]) -> AtpChange:
    enabled = frozenset(enabled_atps().values_list("id", flat=True))
    chosen = frozenset(atp_ids)
    unknown = sorted(chosen - enabled)
    if unknown:
        raise ValidationError(
            "Not on Google's current list of Ad Tech Providers (or disabled here): "
            f"{', '.join(map(str, unknown[:20]))}."
        )
    before = site_catalogue(site, current_snapshot()).atp_ids
    return AtpChange(all_on=all_atps, chosen=chosen, before=before, after=enabled if all_atps else chosen)


@transaction.atomic
def apply_atp_change(site: Site, change: AtpChange) -> None:
    _save(site, change, "enable_all_atps", "google_atps")


def atp_names(atp_ids: Iterable[int]) -> dict[int, str]:
    return dict(GoogleAtp.objects.filter(id__in=set(atp_ids)).values_list("id", "name"))


def enabled_atp_count() -> int:
    return enabled_atps().count()

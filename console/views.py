"""The publisher's console: server-rendered pages over the sites a staff user may see.

Every page that concerns one site goes through `console.access.site_view`, which asks
sites/access.py; the landing page lists `visible_sites` only."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.clickjacking import xframe_options_sameorigin

from consent.models import NO_SCREEN_LABEL, ConsentScreen
from consent.services import clock, stats
from console import preview
from console.access import site_view
from console.forms import ThemeForm
from console.install_check import check_page
from console.status import site_status
from sites import restrictions, vendor_selection
from sites.access import has_right, visible_sites
from sites.banner import theme_of, theme_payload
from sites.disclosure import NO_LI_PURPOSES, current_snapshot, site_catalogue
from sites.models import LegalBasis, RestrictionType, Site
from sites.views import stub_source, stub_tag, stub_tag_attributes

#: The console's pages of one site, in the order of its navigation (URL name, label).
SITE_PAGES: list[tuple[str, str]] = [
    ("console:dashboard", "Dashboard"),
    ("console:vendors", "Vendors"),
    ("console:atps", "Ad tech providers"),
    ("console:restrictions", "Restrictions"),
    ("console:appearance", "Appearance"),
    ("console:embed", "Embed"),
]


def landing(request: HttpRequest) -> HttpResponse:
    """Signed-in staff: their sites with a status line each. Anyone else: what the product is."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return render(request, "console/product.html")
    sites = list(visible_sites(user).order_by("name", "key"))
    statuses = [site_status(site) for site in sites]
    return render(
        request,
        "console/landing.html",
        {
            "statuses": statuses,
            "can_add": user.has_perm("sites.add_site"),
            "editable": {s.pk for s in sites if has_right(user, s, "edit")},
            "site_pages": SITE_PAGES,
        },
    )


#: The change a picker page plans and saves (vendors or ATPs).
Change = TypeVar("Change", bound=vendor_selection.SelectionChange)


def _site_context(site: Site, current: str, **extra: Any) -> dict[str, Any]:
    return {"site": site, "site_pages": SITE_PAGES, "current": current, **extra}


def _draft(
    request: HttpRequest,
    saved: tuple[bool, list[int]],
    parse: Callable[[str], list[int]],
    presets: Mapping[str, tuple[int, ...]] | None = None,
) -> tuple[bool, list[int], list[str]]:
    """The selection being edited (vendors or ATPs): carried in the page's links until it is saved;
    `saved` is (all on, listed ids) as stored, `parse` reads pasted ids."""
    errors: list[str] = []
    params = request.POST if request.method == "POST" else request.GET
    if "sel" in params:
        try:
            ids = parse(params.get("sel", ""))
        except ValidationError as error:
            ids, errors = [], list(error.messages)
        all_on = params.get("mode") == "all"
    else:
        all_on, ids = saved[0], list(saved[1])
    if request.method == "GET":
        if params.get("mode") in ("all", "listed"):
            all_on = params["mode"] == "all"
        if params.get("add", "").isdigit():
            ids.append(int(params["add"]))
        if params.get("remove", "").isdigit():
            ids = [i for i in ids if i != int(params["remove"])]
        if presets and params.get("preset", "") in presets:
            ids.extend(presets[params["preset"]])
        if params.get("paste"):
            try:
                ids.extend(parse(params["paste"]))
            except ValidationError as error:
                errors.extend(error.messages)
    return all_on, sorted(set(ids)), errors


def _review_or_save(
    request: HttpRequest,
    site: Site,
    errors: list[str],
    plan: Callable[[], Change],
    apply: Callable[[Site, Change], None],
    page: str,
    disclosed: str,
) -> tuple[Change | None, bool, HttpResponse | None]:
    """The picker pages' common step: plan the drafted change (its refusals join `errors`) and, on
    a POST by an editor with nothing refused, save it and say how many `disclosed` (a plural noun)
    there are. Returns (change, can_edit, the redirect after a save or None)."""
    change: Change | None = None
    try:
        change = plan()
    except ValidationError as error:
        errors.extend(error.messages)
    can_edit = has_right(request.user, site, "edit")
    if request.method == "POST":
        if not can_edit:
            raise Http404("No such site.")
        if change is not None and not errors:
            apply(site, change)
            messages.success(request, f"Saved: {len(change.after)} {disclosed} disclosed.")
            return change, can_edit, redirect(page, site.key)
    return change, can_edit, None


def _picker_context(
    site: Site,
    page: str,
    *,
    noun: str,
    all_on: bool,
    ids: list[int],
    names: Mapping[int, str],
    unnamed: str,
    query: str,
    results: list[Any],
    change: Any,
    saved: tuple[bool, list[int]],
    **extra: Any,
) -> dict[str, Any]:
    """What console/picker.html shows of a drafted selection (`saved` as `_draft` takes it)."""
    return _site_context(
        site,
        page,
        page=page,
        noun=noun,
        nouns=f"{noun}s",
        all_on=all_on,
        selected=[(i, names.get(i, unnamed)) for i in ids],
        sel=",".join(map(str, ids)),
        query=query,
        results=[r for r in results if r.id not in set(ids)],
        change=change,
        added=sorted(names.get(i, str(i)) for i in change.added) if change and not all_on else [],
        removed=sorted(names.get(i, str(i)) for i in change.removed) if change else [],
        saved=saved == (all_on, ids),
        **extra,
    )


@site_view("view")
def vendors(request: HttpRequest, site: Site) -> HttpResponse:
    """Search the GVL by name or id, paste ids, or take every vendor; the consequences are shown
    before anything is saved."""
    presets = vendor_selection.presets()
    saved = (site.enable_all_vendors, sorted(site.vendors.values_list("id", flat=True)))
    ids_of = {key: preset.vendor_ids for key, preset in presets.items()}
    all_vendors, ids, errors = _draft(request, saved, vendor_selection.parse_ids, ids_of)
    snapshot = current_snapshot()
    change, can_edit, done = _review_or_save(
        request,
        site,
        errors,
        lambda: vendor_selection.plan_change(site, all_vendors=all_vendors, vendor_ids=ids),
        vendor_selection.apply_change,
        "console:vendors",
        "vendors",
    )
    if done is not None:
        return done
    query = request.GET.get("q", "")
    known = set(ids) | (set(change.removed) if change else set())
    names = {v: snapshot.vendors[v].name for v in known if v in snapshot.vendors}
    return render(
        request,
        "console/vendors.html",
        _picker_context(
            site,
            "console:vendors",
            noun="vendor",
            all_on=all_vendors,
            ids=ids,
            names=names,
            unnamed="(not in this GVL)",
            query=query,
            results=vendor_selection.search(snapshot, query),
            change=change,
            saved=saved,
            snapshot=snapshot,
            all_count=len(snapshot.active_vendor_ids()),
            presets=presets.values(),
            errors=errors,
            can_edit=can_edit,
        ),
    )


@site_view("view")
def atps(request: HttpRequest, site: Site) -> HttpResponse:
    """Google's Ad Tech Providers the site discloses (the AC string), picked by search or pasted
    ids like the vendors; the consequences are shown before anything is saved."""
    saved = (site.enable_all_atps, sorted(site.google_atps.values_list("id", flat=True)))
    all_atps, ids, errors = _draft(request, saved, vendor_selection.parse_atp_ids)
    change, can_edit, done = _review_or_save(
        request,
        site,
        errors,
        lambda: vendor_selection.plan_atp_change(site, all_atps=all_atps, atp_ids=ids),
        vendor_selection.apply_atp_change,
        "console:atps",
        "ad tech providers",
    )
    if done is not None:
        return done
    query = request.GET.get("q", "")
    known = set(ids) | (set(change.removed) if change else set())
    return render(
        request,
        "console/atps.html",
        _picker_context(
            site,
            "console:atps",
            noun="provider",
            all_on=all_atps,
            ids=ids,
            names=vendor_selection.atp_names(known),
            unnamed="(not on the current list)",
            query=query,
            results=vendor_selection.search_atps(query),
            change=change,
            saved=saved,
            all_count=vendor_selection.enabled_atp_count(),
            errors=errors,
            can_edit=can_edit,
        ),
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _restrictions_post(request: HttpRequest, site: Site) -> str:
    """Applies one change of the restrictions page; returns what to tell the user."""
    snapshot = current_snapshot()
    form = request.POST
    action = form.get("action")
    if action == "add_restriction":
        vendor_id, purpose_id, kind = (
            _int(form.get("vendor")),
            _int(form.get("purpose")),
            _int(form.get("type")),
        )
        if vendor_id is None or purpose_id is None or kind is None:
            raise ValidationError("Choose a vendor, a purpose and a restriction.")
        restrictions.set_restriction(site, snapshot, vendor_id, purpose_id, kind)
        return "Restriction saved."
    if action == "remove_restriction":
        site.restrictions.filter(pk=_int(form.get("id"))).delete()
        return "Restriction removed."
    if action == "publisher_purposes":
        consent = [int(v) for v in form.getlist("consent") if v.isdigit()]
        li = [int(v) for v in form.getlist("li") if v.isdigit()]
        restrictions.set_publisher_purposes(site, snapshot, consent, li)
        return "Your own purposes are saved."
    if action == "add_custom":
        purpose = restrictions.add_custom_purpose(
            site, form.get("name", ""), form.get("description", ""), form.get("basis", "")
        )
        return f"Custom purpose {purpose.number} added."
    if action == "remove_custom":
        site.custom_purposes.filter(pk=_int(form.get("id"))).delete()
        return "Custom purpose removed."
    raise ValidationError("Unknown action.")


@site_view("view")
def restrictions_page(request: HttpRequest, site: Site) -> HttpResponse:
    """Publisher restrictions per vendor and purpose, and the publisher's own and custom purposes."""
    can_edit = has_right(request.user, site, "edit")
    if request.method == "POST":
        if not can_edit:
            raise Http404("No such site.")
        try:
            messages.success(request, _restrictions_post(request, site))
            return redirect("console:restrictions", site.key)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    snapshot = current_snapshot()
    disclosed = site_catalogue(site, snapshot).disclosed_vendor_ids
    return render(
        request,
        "console/restrictions.html",
        _site_context(
            site,
            "console:restrictions",
            restrictions=[
                (
                    r,
                    snapshot.vendors[r.vendor_id].name if r.vendor_id in snapshot.vendors else r.vendor_id,
                    snapshot.purposes.get(r.purpose_id),
                    r.vendor_id in disclosed,
                )
                for r in site.restrictions.all()
            ],
            vendors=sorted(((v, snapshot.vendors[v].name) for v in disclosed), key=lambda x: x[1].casefold()),
            purposes=[
                (
                    pid,
                    t.name,
                    pid in site.publisher_consent_purposes,
                    pid in site.publisher_li_purposes,
                    pid not in NO_LI_PURPOSES,
                )
                for pid, t in sorted(snapshot.purposes.items())
            ],
            types=RestrictionType.choices,
            bases=LegalBasis.choices,
            custom=site.custom_purposes.all(),
            can_edit=can_edit,
        ),
    )


PREVIEW_WIDTHS = (("Desktop", 1280, 760), ("Phone", 390, 760))


@site_view("view")
def appearance(request: HttpRequest, site: Site) -> HttpResponse:
    """Theme settings with the preview beside them: "Preview" shows unsaved values, "Save" keeps them."""
    theme = theme_of(site)
    can_edit = has_right(request.user, site, "edit")
    draft = None
    if request.method == "POST":
        if not can_edit:
            raise Http404("No such site.")
        form = ThemeForm(request.POST, request.FILES, instance=theme)
        if form.is_valid():
            if "preview" in request.POST:
                draft = form.draft()
            else:
                form.save()
                messages.success(request, "Appearance saved: the banner uses it now.")
                return redirect("console:appearance", site.key)
    else:
        form = ThemeForm(instance=theme)
    language = request.GET.get("lang") or site.default_language
    token = preview.make_token(site, draft)
    frame = (
        reverse("console:preview-frame", args=[site.key]) + "?" + urlencode({"t": token, "lang": language})
    )
    return render(
        request,
        "console/appearance.html",
        _site_context(
            site,
            "console:appearance",
            form=form,
            can_edit=can_edit,
            draft=draft is not None,
            frame=frame,
            widths=PREVIEW_WIDTHS,
            languages=site.languages,
            language=language,
            logo_url=theme_payload(site, theme)["logo_url"],
        ),
    )


@xframe_options_sameorigin
@site_view("view")
def preview_frame(request: HttpRequest, site: Site) -> HttpResponse:
    """A stand-in publisher page with the site's real banner script, configured from the preview routes."""
    token = request.GET.get("t", "")
    preview.check_token(token, site.key)
    return render(
        request,
        "console/preview_frame.html",
        {
            "site": site,
            "api": reverse("console:preview-banner", args=[token, site.key]).removesuffix(
                f"/api/v1/sites/{site.key}/banner"
            ),
            "language": request.GET.get("lang") or site.default_language,
            "stub_js": stub_source(),
            "stub_attrs": stub_tag_attributes(site),
        },
    )


@site_view("view")
def embed(request: HttpRequest, site: Site) -> HttpResponse:
    """The exact snippet for the site, and a check that a page of the site loads it."""
    script = request.build_absolute_uri(static("consent/cmp.js"))
    snippet = (
        f"{stub_tag(site, request.build_absolute_uri('/').rstrip('/'))}\n"
        f'<script src="{script}" data-site="{site.key}" async></script>'
    )
    report = None
    url = request.GET.get("url", "").strip()
    if url:
        report = check_page(url, site.key)
    return render(
        request,
        "console/embed.html",
        _site_context(site, "console:embed", snippet=snippet, report=report, url=url),
    )


SERIES = (
    ("accept_all", "Accepted all", "#15803d"),
    ("reject_all", "Rejected all", "#b91c1c"),
    ("custom", "Customised", "#1d4ed8"),
    ("no_choice", "No choice", "#9ca3af"),
)
CHART_HEIGHT = 180
#: The CSV's per-screen columns: each screen's choices per day.
SCREEN_COLUMNS = tuple(
    (screen, action) for screen in ConsentScreen.values for action in ("accept_all", "reject_all", "custom")
)


def _screen_label(screen: str) -> str:
    # "": choices counted on a display row before screens were recorded (consent.models.DailyConsentStats).
    return str(ConsentScreen(screen).label if screen else NO_SCREEN_LABEL)


def _date(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


@site_view("view")
def dashboard(request: HttpRequest, site: Site) -> HttpResponse:
    """Consent rates per day and language from the daily aggregate table (consent.services.stats)."""
    today = clock.now().date()
    last = _date(request.GET.get("to"), today)
    first = _date(request.GET.get("from"), last - timedelta(days=29))
    if first > last or (last - first).days > 366:
        first = last - timedelta(days=29)
    language = request.GET.get("lang") if request.GET.get("lang") in site.languages else None
    counted = stats.rates(site, first, last, language)
    days = counted.days
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{site.key}-consent-rates-{first}-{last}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(
            [
                "day",
                "shown",
                "accept_all",
                "reject_all",
                "custom",
                "no_choice",
                *(f"{screen}_{action}" for screen, action in SCREEN_COLUMNS),
            ]
        )
        empty = stats.DayRates(last, 0, 0, 0, 0)
        for d in days:
            by_screen = [
                getattr(counted.screen_days.get((d.day, screen), empty), action)
                for screen, action in SCREEN_COLUMNS
            ]
            writer.writerow(
                [d.day.isoformat(), d.shown, d.accept_all, d.reject_all, d.custom, d.no_choice, *by_screen]
            )
        return response
    total = stats.DayRates(
        last,
        *(sum(getattr(d, name) for d in days) for name in ("shown", "accept_all", "reject_all", "custom")),
    )
    peak = max([max(d.shown, d.choices) for d in days] + [1])
    width = max(6, min(24, 720 // max(len(days), 1) - 4))
    bars = []
    for i, d in enumerate(days):
        y = CHART_HEIGHT
        segments = []
        for name, label, colour in SERIES:
            value = getattr(d, name)
            height = round(value / peak * CHART_HEIGHT)
            y -= height
            segments.append({"y": y, "height": height, "colour": colour, "label": label, "value": value})
        bars.append({"x": 40 + i * (width + 4), "day": d.day, "segments": segments})
    return render(
        request,
        "console/dashboard.html",
        _site_context(
            site,
            "console:dashboard",
            days=days,
            languages=counted.languages,
            versions=counted.versions,
            screens=[(screen, _screen_label(screen), r) for screen, r in counted.screens.items()],
            total=total,
            series=SERIES,
            bars=bars,
            bar_width=width,
            chart_width=40 + len(days) * (width + 4),
            chart_height=CHART_HEIGHT,
            peak=peak,
            first=first,
            last=last,
            language=language,
            csv_query=urlencode({"from": first, "to": last, "lang": language or "", "format": "csv"}),
        ),
    )

"""Read API of the current GVL under /api/v1/gvl/ (public, cacheable).

Every answer carries an ETag (a hash of its JSON) and Cache-Control; a matching If-None-Match gets
304 with no body. `?lang=xx` picks the taxonomy language (falling back to English entry by entry),
`?version=N` any imported version instead of the newest. Errors follow the product's shape
`{"error": {"code", "message", "field"}}`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema

from infra.errors import ApiError
from infra.json import render_json
from infra.params import MAX_ID, bool_param, int_param, only, str_param
from infra.schema import NOT_MODIFIED, errors
from infra.views import ApiView, conditional_response
from vendors.catalogue import GvlSnapshot, current_gvl, gvl_snapshot, stack_json, taxon_json
from vendors.gvl_format import GvlVendor
from vendors.models import GvlVersion

CACHE_CONTROL = "public, max-age=3600"
DEFAULT_PAGE, MAX_PAGE = 100, 1000
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
COMMON_PARAMETERS = [
    OpenApiParameter("lang", str, description="Language of the taxonomy texts (default en)."),
    OpenApiParameter(
        "version", ID_SCHEMA, description="An imported vendorListVersion (default: the newest)."
    ),
]
VENDOR_FILTERS = {
    "purpose": "purposes",
    "leg_int_purpose": "leg_int_purposes",
    "flexible_purpose": "flexible_purposes",
    "special_purpose": "special_purposes",
    "feature": "features",
    "special_feature": "special_features",
    "data_category": "data_declaration",
}


def vendor_json(vendor: GvlVendor) -> dict[str, Any]:
    return {
        **vendor.declarations_json(),
        "urls": [dict(url) for url in vendor.urls],
        "overflow": dict(vendor.overflow) if vendor.overflow is not None else None,
        "deleted_date": vendor.deleted_date.isoformat().replace("+00:00", "Z")
        if vendor.deleted_date
        else None,
        # Fields a newer GVL added that this product does not know yet, as published.
        **({"extra": dict(vendor.extra)} if vendor.extra else {}),
    }


class GvlView(ApiView):
    """Resolves the snapshot, builds `payload`, and answers with ETag / 304. A query parameter the
    view does not know is refused (400), so a typo is never silently ignored."""

    parameters: frozenset[str] = frozenset({"lang", "version"})

    def payload(self, request: HttpRequest, snapshot: GvlSnapshot, **kwargs: Any) -> dict[str, Any]:
        raise NotImplementedError

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        only(request.GET, self.parameters)
        snapshot = self._snapshot(request)
        body = {
            "vendor_list_version": snapshot.vendor_list_version,
            "tcf_policy_version": snapshot.tcf_policy_version,
            "language": snapshot.language,
            **self.payload(request, snapshot, **kwargs),
        }
        rendered = render_json(body)
        etag = '"' + hashlib.sha256(rendered).hexdigest()[:32] + '"'
        return conditional_response(
            request, rendered, etag, cache_control=CACHE_CONTROL, vary=("Accept-Encoding",)
        )

    def _snapshot(self, request: HttpRequest) -> GvlSnapshot:
        language = (request.GET.get("lang") or "en").strip().lower()[:16]
        version = int_param(request.GET, "version")
        if version is None:
            snapshot = current_gvl(language)
            if snapshot is None:
                raise ApiError(
                    404,
                    "no_gvl",
                    "No Global Vendor List has been imported yet (run manage.py load_bundled_catalogue).",
                )
            return snapshot
        try:
            return gvl_snapshot(version, language)
        except GvlVersion.DoesNotExist:
            raise ApiError(
                404, "unknown_version", f"GVL version {version} has not been imported.", "version"
            ) from None


RESPONSES = {200: OpenApiTypes.OBJECT, 304: NOT_MODIFIED, **errors(400, 404)}


def gvl_schema(operation_id: str, summary: str, extra: tuple[OpenApiParameter, ...] = ()) -> Any:
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        parameters=[*COMMON_PARAMETERS, *extra],
        responses=RESPONSES,
    )


class GvlRootView(GvlView):
    @gvl_schema("gvl_root", "The current GVL version and links to its parts")
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return super().get(request, **kwargs)

    def payload(self, request: HttpRequest, snapshot: GvlSnapshot, **kwargs: Any) -> dict[str, Any]:
        base = request.build_absolute_uri("/api/v1/gvl/")
        return {
            "gvl_specification_version": snapshot.gvl_specification_version,
            "last_updated": snapshot.last_updated.isoformat().replace("+00:00", "Z"),
            "counts": {
                "purposes": len(snapshot.purposes),
                "special_purposes": len(snapshot.special_purposes),
                "features": len(snapshot.features),
                "special_features": len(snapshot.special_features),
                "stacks": len(snapshot.stacks),
                "data_categories": len(snapshot.data_categories),
                "vendors": len(snapshot.vendors),
                "active_vendors": len(snapshot.active_vendor_ids()),
            },
            "links": {
                name: base + name for name in ("purposes", "features", "stacks", "data-categories", "vendors")
            },
            "standard_texts": snapshot.standard_texts,
            # Top-level fields of the GVL that this product does not know yet, as published.
            "extra": snapshot.extra,
        }


class PurposesView(GvlView):
    @gvl_schema("gvl_purposes", "Purposes and special purposes")
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return super().get(request, **kwargs)

    def payload(self, request: HttpRequest, snapshot: GvlSnapshot, **kwargs: Any) -> dict[str, Any]:
        return {
            "purposes": [taxon_json(t) for _, t in sorted(snapshot.purposes.items())],
            "special_purposes": [taxon_json(t) for _, t in sorted(snapshot.special_purposes.items())],
        }


class FeaturesView(GvlView):
    @gvl_schema("gvl_features", "Features and special features")
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return super().get(request, **kwargs)

    def payload(self, request: HttpRequest, snapshot: GvlSnapshot, **kwargs: Any) -> dict[str, Any]:
        return {
            "features": [taxon_json(t) for _, t in sorted(snapshot.features.items())],
            "special_features": [taxon_json(t) for _, t in sorted(snapshot.special_features.items())],
            "standard_texts": snapshot.standard_texts,
        }


class StacksView(GvlView):
    @gvl_schema("gvl_stacks", "Stacks")
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return super().get(request, **kwargs)

    def payload(self, request: HttpRequest, snapshot: GvlSnapshot, **kwargs: Any) -> dict[str, Any]:
        return {"stacks": [stack_json(s) for _, s in sorted(snapshot.stacks.items())]}


class DataCategoriesView(GvlView):
    @gvl_schema("gvl_data_categories", "Data categories")
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return super().get(request, **kwargs)

    def payload(self, request: HttpRequest, snapshot: GvlSnapshot, **kwargs: Any) -> dict[str, Any]:
        return {
            "data_categories": [
                {"id": t.id, "name": t.name, "description": t.description}
                for _, t in sorted(snapshot.data_categories.items())
            ]
        }


class VendorListView(GvlView):
    parameters = GvlView.parameters | {*VENDOR_FILTERS, "search", "include_deleted", "limit", "offset"}

    @gvl_schema(
        "gvl_vendors",
        "Vendors, filterable",
        (
            *(
                OpenApiParameter(name, ID_SCHEMA, description=f"Only vendors listing this id in {field}.")
                for name, field in VENDOR_FILTERS.items()
            ),
            OpenApiParameter("search", str, description="Vendor id, or part of the name (case-insensitive)."),
            OpenApiParameter("include_deleted", bool, description="Also list vendors with a deletedDate."),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                description="Vendors per page (default 100).",
            ),
            OpenApiParameter(
                "offset", {"type": "integer", "minimum": 0}, description="Vendors to skip (default 0)."
            ),
        ),
    )
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return super().get(request, **kwargs)

    def payload(self, request: HttpRequest, snapshot: GvlSnapshot, **kwargs: Any) -> dict[str, Any]:
        filters = {field: int_param(request.GET, name) for name, field in VENDOR_FILTERS.items()}
        include_deleted = bool_param(request.GET, "include_deleted")
        search = (str_param(request.GET, "search") or "").strip().casefold()
        vendors = []
        for _, vendor in sorted(snapshot.vendors.items()):
            if not include_deleted and not vendor.is_active:
                continue
            if any(
                wanted is not None and wanted not in getattr(vendor, field)
                for field, wanted in filters.items()
            ):
                continue
            if search and search != str(vendor.id) and search not in vendor.name.casefold():
                continue
            vendors.append(vendor)
        offset = int_param(request.GET, "offset", minimum=0) or 0
        limit = int_param(request.GET, "limit", maximum=MAX_PAGE) or DEFAULT_PAGE
        page = vendors[offset : offset + limit]
        following = None
        if offset + limit < len(vendors):
            query = request.GET.copy()
            query["offset"] = str(offset + limit)
            following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return {
            "count": len(vendors),
            "offset": offset,
            "limit": limit,
            "next": following,
            "vendors": [vendor_json(vendor) for vendor in page],
        }


class VendorDetailView(GvlView):
    @gvl_schema(
        "gvl_vendor",
        "One vendor",
        (OpenApiParameter("vendor_id", {"type": "integer", "minimum": 0, "maximum": 999_999_999}, "path"),),
    )
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return super().get(request, **kwargs)

    def payload(self, request: HttpRequest, snapshot: GvlSnapshot, **kwargs: Any) -> dict[str, Any]:
        raw_id = str(kwargs["vendor_id"])
        if not (raw_id.isascii() and raw_id.isdigit()) or len(raw_id) > 9:
            raise ApiError(
                400, "invalid_vendor_id", f"The vendor id must be a whole number, not {raw_id[:40]!r}."
            )
        vendor = snapshot.vendors.get(int(raw_id))
        if vendor is None:
            raise ApiError(
                404,
                "unknown_vendor",
                f"Vendor {kwargs['vendor_id']} is not in GVL v{snapshot.vendor_list_version}.",
            )
        return {"vendor": vendor_json(vendor)}

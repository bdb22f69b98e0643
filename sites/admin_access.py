"""Per-site staff in the admin: every admin page of a model that belongs to a site shows and changes
only rows of the signed-in user's sites, with their role's rights (sites/access.py). Querysets,
foreign-key choices, list filters, object permissions and therefore actions and exports (which run
on the page's queryset) all go through here; superusers see everything.

Hand-written rather than django-guardian or `rules`: the rights are per site, not per object or
per predicate, and one queryset filter answers every page, which per-object permission checks
would not."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from sites.access import has_right, visible_sites
from sites.models import Site


def _site_of(obj: Any, path: str) -> Site:
    for name in path.split("__"):
        obj = getattr(obj, name)
    return obj  # type: ignore[no-any-return]


def _limit_choices(db_field: Any, request: HttpRequest, right: str, kwargs: dict[str, Any]) -> None:
    related = db_field.related_model
    if related is Site:
        kwargs["queryset"] = visible_sites(request.user, right)
    elif any(f.name == "site" for f in related._meta.fields):
        kwargs["queryset"] = related._default_manager.filter(site__in=visible_sites(request.user, right))


class SiteScopedAdmin(admin.ModelAdmin):
    """Rows of the user's sites only. `site_path` leads from a row to its site; `change_right` is
    the right a user needs on that site to add, change or delete rows (viewing needs "view")."""

    site_path = "site"
    change_right = "edit"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.site_path}__in": visible_sites(request.user)})

    def get_list_filter(self, request: HttpRequest) -> Any:
        # The plain related filter lists every site (their names leak); this one lists the rows' own.
        return [
            (name, admin.RelatedOnlyFieldListFilter) if name == self.site_path else name
            for name in super().get_list_filter(request)
        ]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        _limit_choices(db_field, request, self.change_right, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _may(self, request: HttpRequest, obj: Model | None) -> bool:
        if obj is None:
            return visible_sites(request.user, self.change_right).exists()
        return has_right(request.user, _site_of(obj, self.site_path), self.change_right)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request, *args) and self._may(request, None)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._may(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may(request, obj)


class SiteChildInline(admin.options.InlineModelAdmin):
    """An inline under a site's page: changed with the "edit" right on that site (`obj` is the site)."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        _limit_choices(db_field, request, "edit", kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _may(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None:
            return True
        site = obj if isinstance(obj, Site) else _site_of(obj, "site")
        return has_right(request.user, site, "edit")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and self._may(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._may(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may(request, obj)

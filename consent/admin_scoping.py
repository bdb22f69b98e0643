"""Admin bases of the consent app: pages that show and change only the signed-in user's sites
(sites/access.py), and the read-only pages of evidence and logs."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from sites.access import visible_sites


class SiteScopedAdmin(admin.ModelAdmin):
    """Shows and changes only rows of the signed-in user's sites (sites/access.py)."""

    site_path = "site"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(**{f"{self.site_path}__in": visible_sites(request.user)})

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "site":
            kwargs["queryset"] = visible_sites(request.user, "manage")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnly(SiteScopedAdmin):
    """Evidence and logs of the user's sites: listed and shown, never added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

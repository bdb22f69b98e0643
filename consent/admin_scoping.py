"""The read-only admin pages of the consent app's evidence and logs, for the staff of their sites
(sites/admin_access.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sites.admin_access import SiteScopedAdmin


class ReadOnly(SiteScopedAdmin):
    """Evidence and logs of the user's sites: listed and shown, never added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

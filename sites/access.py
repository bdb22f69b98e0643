"""Who may see and change which site: superusers every site, other staff the sites they are members
of, with their role's rights (sites.models.SiteRole). The admin, the console pages and every admin
action ask here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sites.models import Site, SiteMember, SiteRole

#: What each role may do; each right includes the ones listed after it.
RIGHTS: dict[str, frozenset[str]] = {
    SiteRole.OWNER: frozenset({"manage", "edit", "view"}),
    SiteRole.EDITOR: frozenset({"edit", "view"}),
    SiteRole.VIEWER: frozenset({"view"}),
}


def visible_sites(user: Any, right: str = "view") -> QuerySet[Site]:
    """The sites on which `user` has `right` ("view", "edit" or "manage")."""
    if not getattr(user, "is_active", False) or not getattr(user, "is_staff", False):
        return Site.objects.none()
    if user.is_superuser:
        return Site.objects.all()
    roles = [role for role, rights in RIGHTS.items() if right in rights]
    return Site.objects.filter(members__user=user, members__role__in=roles).distinct()


def has_right(user: Any, site: Site, right: str = "view") -> bool:
    if not getattr(user, "is_active", False) or not getattr(user, "is_staff", False):
        return False
    if user.is_superuser:
        return True
    role = SiteMember.objects.filter(site=site, user=user).values_list("role", flat=True).first()
    return role is not None and right in RIGHTS[role]

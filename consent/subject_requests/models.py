from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from sites.models import Site


class RequestKind(models.TextChoices):
    ACCESS = "access", "Access (export)"
    ERASURE = "erasure", "Erasure"


class RequestChannel(models.TextChoices):
    CONSOLE = "console"
    API = "api"


class DataSubjectRequest(models.Model):
    """One handled request. Append-only, like the log it acts on: the admin shows these rows and
    never changes them. It holds the visitor's pseudonymous id, which an erasure record keeps too:
    without it nobody could show that this visitor's request was answered."""

    request_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="subject_requests")
    user_id = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=10, choices=RequestKind.choices)
    channel = models.CharField(max_length=10, choices=RequestChannel.choices)
    reason = models.TextField(blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the log still names who acted after their account is deleted (an API
    # request names its key's prefix).
    handled_by_name = models.CharField(max_length=150)
    records_found = models.PositiveIntegerField()
    export_format = models.CharField(max_length=10, blank=True)
    erasure_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        default_permissions = ("view", "add")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user_id} on {self.site.key}"

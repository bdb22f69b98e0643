"""Admin of the webhooks: endpoints (per site, for the site's staff), and their events and
deliveries with the receivers' answers (read-only evidence of what was sent)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse

from consent.admin_scoping import ReadOnly
from consent.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from sites.admin_access import SiteScopedAdmin


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(SiteScopedAdmin):
    # Where a site's consent events go is its owner's decision.
    change_right = "manage"
    list_display = ("url", "site", "active", "consecutive_failures", "disabled_reason")
    list_filter = ("active", "site")
    search_fields = ("url", "description")
    readonly_fields = ("secret", "consecutive_failures", "disabled_reason", "created_at")
    fields = ("site", "url", "description", "events", "active", *readonly_fields)

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool) -> None:
        if change and obj.active and "active" in form.changed_data:
            obj.consecutive_failures, obj.disabled_reason = 0, ""
        super().save_model(request, obj, form, change)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        disabled = self.get_queryset(request).filter(active=False).exclude(disabled_reason="")
        for endpoint in disabled:
            messages.warning(request, f"{endpoint.url} ({endpoint.site.key}): {endpoint.disabled_reason}")
        return super().changelist_view(request, extra_context)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnly):
    list_display = ("type", "site", "created_at", "id")
    list_filter = ("type", "site")
    date_hierarchy = "created_at"
    readonly_fields = ("id", "site", "type", "key", "payload", "created_at")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly):
    site_path = "endpoint__site"
    list_display = (
        "event",
        "endpoint",
        "state",
        "attempts",
        "response_status",
        "last_attempt_at",
        "next_attempt_at",
    )
    list_filter = ("state", "event__type", "endpoint__site")
    list_select_related = ("event", "endpoint")
    readonly_fields = (
        "event", "endpoint", "state", "attempts", "last_attempt_at", "next_attempt_at",
        "response_status", "response_excerpt",
    )  # fmt: skip

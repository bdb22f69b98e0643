"""Routes of the publisher's console: the landing page and each site's pages."""

from django.urls import path

from console import preview, views

app_name = "console"

SITE = "console/sites/<str:site_key>"
PREVIEW = "console/preview/<str:token>/api/v1/sites/<str:site_key>"

urlpatterns = [
    path("", views.landing, name="landing"),
    path(f"{SITE}/dashboard", views.dashboard, name="dashboard"),
    path(f"{SITE}/vendors", views.vendors, name="vendors"),
    path(f"{SITE}/atps", views.atps, name="atps"),
    path(f"{SITE}/restrictions", views.restrictions_page, name="restrictions"),
    path(f"{SITE}/appearance", views.appearance, name="appearance"),
    path(f"{SITE}/preview", views.preview_frame, name="preview-frame"),
    path(f"{SITE}/embed", views.embed, name="embed"),
    # What the banner in the preview frame asks for (its data-api is the preview base).
    path(f"{PREVIEW}/banner", preview.banner, name="preview-banner"),
    path(f"{PREVIEW}/preferences", preview.preferences, name="preview-preferences"),
    path(f"{PREVIEW}/vendors", preview.vendors, name="preview-vendors"),
    path(f"{PREVIEW}/logo", preview.logo, name="preview-logo"),
    path(f"{PREVIEW}/consents", preview.consents, name="preview-consents"),
    path(f"{PREVIEW}/shown", preview.shown, name="preview-shown"),
]

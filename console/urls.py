"""Routes of the publisher's console: the landing page and each site's pages."""

from django.urls import path

from console import views

app_name = "console"

SITE = "console/sites/<str:site_key>"

urlpatterns = [
    path("", views.landing, name="landing"),
    path(f"{SITE}/vendors", views.vendors, name="vendors"),
    path(f"{SITE}/restrictions", views.restrictions_page, name="restrictions"),
]

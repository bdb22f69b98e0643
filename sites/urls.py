"""Routes of the sites app: the banner's configuration documents and the demo page."""

from django.urls import path

from sites import views

app_name = "sites"

SITE = "api/v1/sites/<str:site_key>"

urlpatterns = [
    path(f"{SITE}/banner", views.BannerView.as_view(), name="banner"),
    path(f"{SITE}/requirements", views.RequirementsView.as_view(), name="requirements"),
    path(f"{SITE}/preferences", views.PreferencesView.as_view(), name="preferences"),
    path(f"{SITE}/vendors", views.VendorsView.as_view(), name="vendors"),
    path(f"{SITE}/logo", views.LogoView.as_view(), name="logo"),
    path("demo/", views.demo_page, name="demo"),
    path(".well-known/gpc.json", views.GpcSupportView.as_view(), name="gpc-support"),
]

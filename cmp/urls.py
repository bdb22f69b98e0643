"""Top-level routes. Each app owns its own routes under /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from cmp.healthz import healthz

urlpatterns = [
    # First: the consent API takes most of the traffic, and Django tries patterns in order.
    path("", include("consent.urls")),
    path("", include("sites.urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/gvl/", include("vendors.urls")),
    # The console last: its landing page is the site root, and the admin's "View site" points there.
    path("", include("console.urls")),
]

if settings.CMP_BENCH_BARE_VIEW:
    from cmp.bench_views import bare

    urlpatterns.insert(0, path("bench/bare", bare, name="bench-bare"))

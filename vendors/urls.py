"""Routes under /api/v1/gvl/ (included by cmp/urls.py). Paths work with or without a trailing slash."""

from django.urls import re_path

from vendors import api

app_name = "gvl"

urlpatterns = [
    re_path(r"^$", api.GvlRootView.as_view(), name="root"),
    re_path(r"^purposes/?$", api.PurposesView.as_view(), name="purposes"),
    re_path(r"^features/?$", api.FeaturesView.as_view(), name="features"),
    re_path(r"^stacks/?$", api.StacksView.as_view(), name="stacks"),
    re_path(r"^data-categories/?$", api.DataCategoriesView.as_view(), name="data-categories"),
    re_path(r"^vendors/?$", api.VendorListView.as_view(), name="vendors"),
    re_path(r"^vendors/(?P<vendor_id>[^/]+)/?$", api.VendorDetailView.as_view(), name="vendor"),
]

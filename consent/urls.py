"""Routes of the consent app: the banner API, the downstream API, TC string decoding, the demo page."""

from django.urls import path

from consent import views

app_name = "consent"

SITE = "api/v1/sites/<str:site_key>"

urlpatterns = [
    path(f"{SITE}/consents", views.ConsentsView.as_view(), name="consents"),
    path(f"{SITE}/shown", views.ShownView.as_view(), name="shown"),
    path(f"{SITE}/consent-checks", views.ConsentChecksView.as_view(), name="consent-checks"),
    path(f"{SITE}/users/<str:user_id>/consent", views.CurrentConsentView.as_view(), name="current-consent"),
    path(f"{SITE}/users/<str:user_id>/consent/check", views.CheckConsentView.as_view(), name="check-consent"),
    path(f"{SITE}/users/<str:user_id>/export", views.ExportView.as_view(), name="export-user"),
    path(f"{SITE}/users/<str:user_id>/receipt", views.ReceiptView.as_view(), name="receipt"),
    path(f"{SITE}/users/<str:user_id>", views.EraseView.as_view(), name="erase-user"),
    path("api/v1/tcf/decode", views.DecodeView.as_view(), name="tcf-decode"),
]

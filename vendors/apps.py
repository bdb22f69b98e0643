from django.apps import AppConfig


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = "Vendor catalogue (IAB GVL, Google ATPs)"
    default_auto_field = "django.db.models.BigAutoField"

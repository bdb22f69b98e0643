from django.apps import AppConfig

BOOKKEEPING = ("checked_at", "fresh_until", "etag", "last_modified", "error")


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = "Vendor catalogue (IAB GVL, Google ATPs)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from infra import config
        from vendors.models import DeviceStorageDisclosure

        # The whole catalogue is configuration: every GVL import or admin change is seen at once.
        config.register(*(model for model in self.get_models() if model is not DeviceStorageDisclosure))
        # A daily check that finds a disclosure unchanged writes only its bookkeeping.
        config.register(DeviceStorageDisclosure, ignore=BOOKKEEPING)

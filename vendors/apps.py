from django.apps import AppConfig


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = "Vendor catalogue (IAB GVL, Google ATPs)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from infra import config

        # The whole catalogue is configuration: every GVL import or admin change is seen at once.
        config.register(*self.get_models())

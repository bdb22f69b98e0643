from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = "Consent log"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consent.models import ApiKey
        from infra import config

        # API keys are configuration; their last use is not.
        config.register(ApiKey, ignore={"last_used_at"})

        from consent.interim import interim_strings
        from sites.banner import DOCUMENT_PARTS

        DOCUMENT_PARTS["interim"] = interim_strings

        from consent.webhooks import receivers  # noqa: F401  (connects the webhook events to their sources)

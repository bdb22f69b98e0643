from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "sites"
    verbose_name = "Sites (publisher configuration)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from infra import config
        from sites import cors  # noqa: F401  (connects the CORS receiver)
        from sites.models import (
            CookieCategory,
            CookieCategoryText,
            CookieDeclaration,
            CookieDeclarationText,
            Site,
            SiteText,
        )

        config.register(
            Site, CookieCategory, CookieCategoryText, CookieDeclaration, CookieDeclarationText, SiteText
        )

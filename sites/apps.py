from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "sites"
    verbose_name = "Sites (publisher configuration)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from infra import config
        from sites import cors  # noqa: F401  (connects the CORS receiver)
        from sites.disclosure import iab_codes_in_use
        from sites.models import (
            BannerTheme,
            CookieCategory,
            CookieCategoryText,
            CookieDeclaration,
            CookieDeclarationText,
            CustomPurpose,
            JurisdictionRule,
            PublisherRestriction,
            Site,
            SiteText,
        )
        from vendors import fetching

        # The weekly refresh fetches the IAB's file of every language a site lists.
        fetching.want_translations(iab_codes_in_use)
        config.register(
            Site,
            CookieCategory,
            CookieCategoryText,
            CookieDeclaration,
            CookieDeclarationText,
            SiteText,
            PublisherRestriction,
            CustomPurpose,
            BannerTheme,
            JurisdictionRule,
        )

"""A publisher's configuration: sites, their cookie categories and declarations, banner texts.

Every model here is configuration: any write to it (the admin, a bulk update, a command) bumps the
configuration version in the same transaction (infra/config.py), so no process serves it stale.
The tables keep the names they had when these models lived in the consent app (migration
consent 0003 moved them without touching the database).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from sites.languages import LANGUAGES

CATEGORY_SLUGS = ("necessary", "functional", "analytics", "performance", "advertisement", "uncategorised")

site_key_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]{0,62}$",
    "Lower-case letters, digits, '-' and '_' only (at most 63 characters), starting with a letter or digit.",
)
country_code_validator = RegexValidator(r"^[A-Z]{2}$", "Two upper-case letters (ISO 3166-1 alpha-2).")


def default_consent_lifetime_days() -> int:
    return settings.CMP_CONSENT_LIFETIME_DAYS


def default_languages() -> list[str]:
    return ["en"]


LANGUAGE_CHOICES = [(code, f"{code}: {name}") for code, name in LANGUAGES.items()]


def _validate_languages(value: object) -> None:
    if not isinstance(value, list) or not value or not all(isinstance(x, str) for x in value):
        raise ValidationError(
            'A non-empty list of language codes, e.g. ["de", "en"]; the first is the default.'
        )
    for code in value:
        if code not in LANGUAGES:
            raise ValidationError(f"{code!r} is not one of the banner's languages: {', '.join(LANGUAGES)}.")
    if len(set(value)) != len(value):
        raise ValidationError("Each language once.")


def _validate_origins(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise ValidationError('A list of origins such as "https://www.example.com".')
    for origin in value:
        scheme, sep, rest = origin.partition("://")
        if scheme not in ("http", "https") or not sep or not rest or "/" in rest:
            raise ValidationError(f"{origin!r} is not an origin (scheme://host[:port], no path).")


def _validate_domains(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
        raise ValidationError("A list of host names.")


class Site(models.Model):
    """A publisher property that shows the banner and records consent."""

    key = models.CharField(max_length=63, unique=True, validators=[site_key_validator])
    name = models.CharField(max_length=200)
    domains = models.JSONField(default=list, blank=True, validators=[_validate_domains])
    allowed_origins = models.JSONField(
        default=list,
        blank=True,
        validators=[_validate_origins],
        help_text="Origins whose pages may call the public API (CORS), e.g. https://www.example.com.",
    )
    cookie_domain = models.CharField(
        max_length=253,
        blank=True,
        help_text="Domain of the consent cookies, e.g. .example.com to cover every subdomain. "
        "Empty: the page's own host.",
    )
    publisher_country_code = models.CharField(max_length=2, default="AA", validators=[country_code_validator])
    consent_lifetime_days = models.PositiveIntegerField(
        default=default_consent_lifetime_days, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    languages = models.JSONField(
        default=default_languages,
        validators=[_validate_languages],
        help_text='The banner\'s languages, the default first, e.g. ["de", "en"] (sites/languages.py).',
    )
    privacy_policy_url = models.URLField(blank=True)
    # The controller a consent record and a visitor's receipt name (ISO/IEC TS 27560 party fields).
    controller_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="The legal entity responsible for the site. Empty: the site's name.",
    )
    controller_address = models.TextField(blank=True, help_text="Postal address of the controller.")
    controller_email = models.EmailField(
        blank=True, help_text="Where visitors reach the controller about privacy."
    )
    policy_version = models.CharField(
        max_length=32,
        default="1",
        help_text="Change it when the privacy policy changes: every visitor is asked again.",
    )
    enable_all_vendors = models.BooleanField(
        default=True,
        help_text="Disclose every active GVL vendor (new GVL vendors included). "
        "Off: only the vendors listed.",
    )
    vendors = models.ManyToManyField("vendors.Vendor", blank=True, related_name="sites")
    enable_all_atps = models.BooleanField(
        default=True, help_text="Disclose every enabled Google Ad Tech Provider. Off: only those listed."
    )
    google_atps = models.ManyToManyField("vendors.GoogleAtp", blank=True, related_name="sites")
    purpose_one_treatment = models.BooleanField(
        default=False,
        help_text="Set only where the publisher's jurisdiction needs no consent for storage (purpose 1).",
    )
    block_page_until_choice = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "consent_site"
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"

    def save(self, *args: object, **kwargs: object) -> None:
        creating = self._state.adding
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        if creating:
            # A new site starts with the six standard categories, so its banner is usable at once.
            from sites.setup import ensure_default_categories

            ensure_default_categories(self)

    @property
    def default_language(self) -> str:
        return self.languages[0] if self.languages else "en"

    def touch(self) -> None:
        """Marks the banner configuration as changed so cached copies are not served."""
        Site.objects.filter(pk=self.pk).update(updated_at=timezone.now())


class SiteChild(models.Model):
    """Configuration that belongs to a site: any change invalidates the site's cached banner."""

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        self.owning_site().touch()

    def delete(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        site = self.owning_site()
        result = super().delete(*args, **kwargs)  # type: ignore[arg-type]
        site.touch()
        return result

    def owning_site(self) -> Site:
        raise NotImplementedError


class CookieCategory(SiteChild):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="categories")
    slug = models.CharField(max_length=20, choices=[(s, s) for s in CATEGORY_SLUGS])
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "consent_cookiecategory"
        ordering = ["site", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["site", "slug"], name="unique_category_per_site")]
        verbose_name_plural = "cookie categories"

    def __str__(self) -> str:
        return f"{self.site.key}: {self.name}"

    @property
    def always_active(self) -> bool:
        return self.slug == "necessary"

    def owning_site(self) -> Site:
        return self.site


class CookieDeclaration(SiteChild):
    category = models.ForeignKey(CookieCategory, on_delete=models.CASCADE, related_name="cookies")
    name = models.CharField(max_length=200, help_text="Cookie name, or a prefix when 'is pattern' is set.")
    is_pattern = models.BooleanField(default=False)
    domain = models.CharField(max_length=253, blank=True)
    duration = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    provider = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="Where the declaration comes from.")

    class Meta:
        db_table = "consent_cookiedeclaration"
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name

    def owning_site(self) -> Site:
        return self.category.site


class CookieCategoryText(SiteChild):
    """A category's name and description in one more language; without one, the banner shows the
    category's own fields (the site's default language)."""

    category = models.ForeignKey(CookieCategory, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=7, choices=LANGUAGE_CHOICES)
    name = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["category", "language"]
        constraints = [
            models.UniqueConstraint(fields=["category", "language"], name="one_category_text_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.language}"

    def owning_site(self) -> Site:
        return self.category.site


class CookieDeclarationText(SiteChild):
    """A cookie declaration's description and duration in one more language."""

    declaration = models.ForeignKey(CookieDeclaration, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=7, choices=LANGUAGE_CHOICES)
    description = models.TextField(blank=True)
    duration = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["declaration", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "language"], name="one_declaration_text_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.declaration}: {self.language}"

    def owning_site(self) -> Site:
        return self.declaration.category.site


class SiteText(SiteChild):
    """The site's banner wording for one language. An empty field is the built-in wording of that
    language where the project ships one, else the site's wording of its default language
    (sites/texts.py `texts_for`)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=7, choices=LANGUAGE_CHOICES)
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    accept_all = models.CharField(max_length=60, blank=True)
    reject_all = models.CharField(max_length=60, blank=True)
    customise = models.CharField(max_length=60, blank=True)
    save_preferences = models.CharField(max_length=60, blank=True)
    extra = models.JSONField(default=dict, blank=True, help_text="Other text keys to override.")

    class Meta:
        db_table = "consent_sitetext"
        ordering = ["site", "language"]
        constraints = [models.UniqueConstraint(fields=["site", "language"], name="unique_text_per_language")]

    def __str__(self) -> str:
        return f"{self.site.key}: {self.language}"

    def owning_site(self) -> Site:
        return self.site

    def overrides(self) -> dict[str, str]:
        fields = {
            "title": self.title,
            "body": self.body,
            "accept_all": self.accept_all,
            "reject_all": self.reject_all,
            "customise": self.customise,
            "save": self.save_preferences,
        }
        merged = {k: str(v) for k, v in (self.extra or {}).items() if isinstance(v, str) and v}
        merged.update({k: v for k, v in fields.items() if v})
        return merged


class SiteRole(models.TextChoices):
    OWNER = "owner", "Owner: everything, including members and API keys"
    EDITOR = "editor", "Editor: the site's configuration"
    VIEWER = "viewer", "Viewer: read only"


class SiteMember(models.Model):
    """A staff user's role on one site. Staff see and change only the sites they are members of
    (sites/access.py); superusers see every site."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="site_roles")
    role = models.CharField(max_length=10, choices=SiteRole.choices, default=SiteRole.VIEWER)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site", "user"]
        constraints = [models.UniqueConstraint(fields=["site", "user"], name="one_role_per_site_and_user")]

    def __str__(self) -> str:
        return f"{self.user} on {self.site.key}: {self.role}"

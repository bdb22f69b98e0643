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

from sites.jurisdictions import Experience, covers_opt_in_only, validate_region
from sites.languages import LANGUAGES
from sites.theme import FONTS, check_colour, contrast_problems

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
    # New sites disclose no one until the publisher picks its partners (the console's vendor page):
    # "every vendor" both overstates who receives data and re-prompts every visitor whenever a GVL
    # adds a vendor. Sites created before this default keep what they had (migration 0004).
    enable_all_vendors = models.BooleanField(
        default=False,
        help_text="Disclose every active GVL vendor, new GVL vendors included: each GVL that adds one "
        "asks every visitor again. Off: only the vendors listed.",
    )
    vendors = models.ManyToManyField("vendors.Vendor", blank=True, related_name="sites")
    enable_all_atps = models.BooleanField(
        default=False, help_text="Disclose every enabled Google Ad Tech Provider. Off: only those listed."
    )
    google_atps = models.ManyToManyField("vendors.GoogleAtp", blank=True, related_name="sites")
    purpose_one_treatment = models.BooleanField(
        default=False,
        help_text="Set only where the publisher's jurisdiction needs no consent for storage (purpose 1).",
    )
    block_page_until_choice = models.BooleanField(default=False)
    first_layer_stacks = models.BooleanField(
        default=False,
        help_text="Name the purposes and special features on the first layer grouped into IAB stacks "
        "(the largest stacks that cover what the disclosed vendors declare, none overlapping). Off: "
        "each is named on its own.",
    )
    other_regions_experience = models.CharField(
        max_length=16,
        choices=Experience.choices,
        default=Experience.OPT_IN,
        help_text="For visitors from a region that neither the site's jurisdiction rules nor the shipped "
        "rules (EEA, UK, Switzerland: opt-in; US states with a privacy law: opt-out notice) name.",
    )
    uk_notice_objection = models.BooleanField(
        default=False,
        help_text="UK visitors only (never the EEA): functional, analytics and performance cookies run "
        "before a choice, with notice and a right to object, as the Data (Use and Access) Act 2025 "
        "allows (PECR reg. 6 as amended). Advertising still needs consent.",
    )
    # PublisherTC: the IAB purposes the publisher itself pursues, under each legal basis.
    publisher_consent_purposes = models.JSONField(
        default=list, blank=True, help_text="IAB purposes the publisher itself pursues with consent."
    )
    publisher_li_purposes = models.JSONField(
        default=list,
        blank=True,
        help_text="IAB purposes the publisher itself pursues under legitimate interest.",
    )
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


class JurisdictionRule(SiteChild):
    """One of a site's ordered rules: visitors from `region` get `experience`. They are tried before
    the shipped rules (sites/jurisdictions.py), so a site can, say, show the US notice to the whole
    US or the opt-in banner in Brazil; none may weaken the opt-in banner for the EEA."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="jurisdiction_rules")
    position = models.PositiveSmallIntegerField(default=0)
    region = models.CharField(
        max_length=24,
        validators=[validate_region],
        help_text="A country (BR), a subdivision (US-CA), EEA, US-STATES-WITH-LAW or * for every region.",
    )
    experience = models.CharField(max_length=16, choices=Experience.choices)

    class Meta:
        ordering = ["site", "position", "id"]

    def __str__(self) -> str:
        return f"{self.site.key}: {self.region} -> {self.experience}"

    def clean(self) -> None:
        if self.experience != Experience.OPT_IN and covers_opt_in_only(self.region):
            message = f"{self.region} includes EEA or UK visitors: only the opt-in banner is lawful there."
            raise ValidationError({"experience": message})

    def owning_site(self) -> Site:
        return self.site


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


class RestrictionType(models.IntegerChoices):
    """TCF PubRestrictionType (tcf-spec.md, core segment)."""

    NOT_ALLOWED = 0, "Purpose not allowed"
    REQUIRE_CONSENT = 1, "Require consent"
    REQUIRE_LI = 2, "Require legitimate interest"


class PublisherRestriction(SiteChild):
    """The publisher limits how one vendor may use one purpose on this site; encoded in every TC
    string's core segment and applied by the check endpoint."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="restrictions")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.CASCADE, related_name="+")
    purpose_id = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    restriction_type = models.PositiveSmallIntegerField(choices=RestrictionType.choices)

    class Meta:
        ordering = ["site", "purpose_id", "vendor"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "vendor", "purpose_id"], name="one_restriction_per_vendor_and_purpose"
            )
        ]

    def __str__(self) -> str:
        kind = self.get_restriction_type_display()
        return f"{self.site.key}: vendor {self.vendor_id}, purpose {self.purpose_id}: {kind}"

    def owning_site(self) -> Site:
        return self.site


class LegalBasis(models.TextChoices):
    CONSENT = "consent", "Consent"
    LEGITIMATE_INTEREST = "legitimate_interest", "Legitimate interest"


class CustomPurpose(SiteChild):
    """A purpose of the publisher's own that the IAB list lacks (PublisherTC custom purposes)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="custom_purposes")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(64)])
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    legal_basis = models.CharField(max_length=20, choices=LegalBasis.choices, default=LegalBasis.CONSENT)

    class Meta:
        ordering = ["site", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="one_custom_purpose_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.site.key}: custom purpose {self.number} ({self.name})"

    def owning_site(self) -> Site:
        return self.site


class BannerTheme(SiteChild):
    """How the site's banner looks (sites/theme.py builds its stylesheet). Colour pairs below WCAG
    AA are refused."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="theme")
    accent = models.CharField(max_length=7, default="#1863dc", help_text="Buttons, links, switches.")
    accent_text = models.CharField(max_length=7, default="#ffffff", help_text="Text on accent buttons.")
    text = models.CharField(max_length=7, default="#1f2937")
    background = models.CharField(max_length=7, default="#ffffff")
    dark_accent = models.CharField(
        max_length=7, default="#8ab4f8", help_text="The accent in the dark scheme (on a dark background)."
    )
    font = models.CharField(max_length=12, choices=[(k, v[0]) for k, v in FONTS.items()], default="system")
    radius = models.PositiveSmallIntegerField(
        default=14, validators=[MaxValueValidator(28)], help_text="Corner radius in pixels (0-28)."
    )
    position = models.CharField(
        max_length=8,
        choices=[("bar", "Bar along the bottom"), ("box", "Box in the corner"), ("popup", "Centred popup")],
        default="bar",
    )
    layout = models.CharField(
        max_length=8,
        choices=[("inline", "Text and buttons side by side"), ("stacked", "Buttons under the text")],
        default="inline",
    )
    color_scheme = models.CharField(
        max_length=5,
        choices=[("light", "Light"), ("dark", "Dark"), ("auto", "Follow the visitor's system setting")],
        default="light",
    )
    logo = models.BinaryField(blank=True, default=b"", editable=False)
    logo_type = models.CharField(max_length=20, blank=True, editable=False)

    def __str__(self) -> str:
        return f"{self.site.key}: theme"

    def owning_site(self) -> Site:
        return self.site

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name in ("accent", "accent_text", "text", "background", "dark_accent"):
            try:
                check_colour(getattr(self, name))
            except ValidationError as error:
                errors[name] = error.messages[0]
        if not errors:
            errors.update(contrast_problems(self))
        if errors:
            raise ValidationError(errors)

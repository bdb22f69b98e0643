"""The publisher side: sites, their cookie categories and texts, API keys, and the consent log.

Consent records, seals and deletion entries are evidence. They are written only by
`consent/services.py`; the admin shows them read-only.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from consent.texts import SUPPORTED_TEXT_LANGUAGES

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


def _validate_languages(value: object) -> None:
    if not isinstance(value, list) or not value or not all(isinstance(x, str) for x in value):
        raise ValidationError('A non-empty list of ISO 639-1 codes, e.g. ["en", "fr"].')
    for code in value:
        if len(code) != 2 or not code.isalpha() or not code.islower():
            raise ValidationError(f"{code!r} is not a two-letter lower-case ISO 639-1 code.")


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
    languages = models.JSONField(default=default_languages, validators=[_validate_languages])
    privacy_policy_url = models.URLField(blank=True)
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
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"

    def save(self, *args: object, **kwargs: object) -> None:
        creating = self._state.adding
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        cache.delete(f"consent:origins:{self.key}")
        if creating:
            # A new site starts with the six standard categories, so its banner is usable at once.
            from consent.site_setup import ensure_default_categories

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
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name

    def owning_site(self) -> Site:
        return self.category.site


class SiteText(SiteChild):
    """Banner wording for one language; empty fields fall back to the built-in defaults."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=2, choices=[(c, c) for c in SUPPORTED_TEXT_LANGUAGES])
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    accept_all = models.CharField(max_length=60, blank=True)
    reject_all = models.CharField(max_length=60, blank=True)
    customise = models.CharField(max_length=60, blank=True)
    save_preferences = models.CharField(max_length=60, blank=True)
    extra = models.JSONField(default=dict, blank=True, help_text="Other text keys to override.")

    class Meta:
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


class ApiKey(models.Model):
    """A downstream service's credential for one site. Only a SHA-256 of the key is stored."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(
        max_length=12, editable=False, help_text="First characters, to recognise a key."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["site", "name"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.site.key}: {self.name} ({self.prefix}…)"


class ConsentAction(models.TextChoices):
    ACCEPT_ALL = "accept_all"
    REJECT_ALL = "reject_all"
    CUSTOM = "custom"
    WITHDRAW = "withdraw"
    # Written by a data-subject erasure: the evidence that the user's earlier records were erased.
    ERASE = "erase"


class RecordedChoice(models.Model):
    """One choice as recorded: what a visitor chose, resolved under one site configuration on one
    (UTC) day, and the signals emitted for it. Evidence like the records that point to it.

    Every visitor who presses the same button on the same day gets the same TC string, AC string and
    Consent Mode signals, so their records share one row of this table instead of each carrying
    the same ~3-9 KB (docs/PERFORMANCE.md, "HTTP load"; docs/ARCHITECTURE.md, "Storage"). Rows are
    written by `consent/services.py` only, found again by `digest`, never edited, and removed by the
    retention job once no record refers to them. A record's MAC covers these values too, so an
    edited row fails the verification of every record that uses it.
    """

    # No index of its own: the (site, day) index below starts with the site.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="recorded_choices", db_index=False)
    # The UTC day of the records that use it (their TC string's Created / LastUpdated).
    day = models.DateField()
    # SHA-256 of the row's canonical content (consent.evidence.choice_digest).
    digest = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=2, default="en")
    categories = models.JSONField(default=dict)
    purpose_consents = models.JSONField(default=list)
    purpose_li_objections = models.JSONField(default=list)
    special_feature_optins = models.JSONField(default=list)
    vendor_consents = models.JSONField(default=list)
    vendor_li_objections = models.JSONField(default=list)
    atp_consents = models.JSONField(default=list)
    gvl_version = models.PositiveIntegerField(null=True)
    tcf_policy_version = models.PositiveIntegerField(null=True)
    policy_version = models.CharField(max_length=32)
    vendors_hash = models.CharField(max_length=64, blank=True)
    tc_string = models.TextField(blank=True)
    ac_string = models.TextField(blank=True)
    consent_mode = models.JSONField(default=dict)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["site", "day"], name="choice_site_day")]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.site_id} {self.day} {self.digest[:12]}"


#: The fields of a record that live in its `RecordedChoice` (read through the record's properties).
CHOICE_FIELDS = (
    "language",
    "categories",
    "purpose_consents",
    "purpose_li_objections",
    "special_feature_optins",
    "vendor_consents",
    "vendor_li_objections",
    "atp_consents",
    "gvl_version",
    "tcf_policy_version",
    "policy_version",
    "vendors_hash",
    "tc_string",
    "ac_string",
    "consent_mode",
)


def _from_choice(name: str) -> property:
    def read(record: ConsentRecord) -> object:
        return getattr(record.choice, name)

    read.__name__ = name
    read.__doc__ = f"The recorded choice's `{name}`."
    return property(read)


class ConsentRecord(models.Model):
    """One choice of one (pseudonymous) user on one site: legal evidence, never edited.

    What was chosen and signalled is in `choice`, shared with every record of the same choice that
    day; its fields read as the record's own (`record.tc_string`). Load many records with
    `select_related("choice")`.
    """

    # The global sequence number: seals cover ranges of it.
    id = models.BigAutoField(primary_key=True)
    consent_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No index of its own: the (site, user, id) index below starts with the site.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="consent_records", db_index=False)
    user_id = models.CharField(max_length=64)
    action = models.CharField(max_length=16, choices=ConsentAction.choices)
    # Without a database constraint: one would lock the shared choice row on every INSERT. Choices
    # are removed only by the retention job, and only once no record refers to them (the index
    # answers that), and `verify_consent_log` reports a record whose choice is missing.
    choice = models.ForeignKey(
        RecordedChoice, on_delete=models.DO_NOTHING, related_name="records", db_constraint=False
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    user_agent_hash = models.CharField(max_length=64, blank=True)
    ip_truncated = models.CharField(max_length=45, blank=True)
    mac = models.CharField(max_length=64)

    language = _from_choice("language")
    categories = _from_choice("categories")
    purpose_consents = _from_choice("purpose_consents")
    purpose_li_objections = _from_choice("purpose_li_objections")
    special_feature_optins = _from_choice("special_feature_optins")
    vendor_consents = _from_choice("vendor_consents")
    vendor_li_objections = _from_choice("vendor_li_objections")
    atp_consents = _from_choice("atp_consents")
    gvl_version = _from_choice("gvl_version")
    tcf_policy_version = _from_choice("tcf_policy_version")
    policy_version = _from_choice("policy_version")
    vendors_hash = _from_choice("vendors_hash")
    tc_string = _from_choice("tc_string")
    ac_string = _from_choice("ac_string")
    consent_mode = _from_choice("consent_mode")

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["site", "user_id", "-id"], name="consent_user_latest"),
            models.Index(fields=["expires_at"], name="consent_expiry"),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.consent_id} ({self.action})"


class ConsentSeal(models.Model):
    """A batch digest of one site's records in (after_record_id, through_record_id], chained per site.

    The digest is the sum modulo 2**256 of the records' MACs read as integers, so records later
    removed by the retention purge or an erasure can be accounted for by a `ConsentDeletion` entry
    carrying the sum and count of what was removed, and the seal still verifies.
    """

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="seals")
    sequence = models.PositiveIntegerField()
    after_record_id = models.BigIntegerField()
    through_record_id = models.BigIntegerField()
    record_count = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)
    previous_mac = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["site", "sequence"]
        constraints = [models.UniqueConstraint(fields=["site", "sequence"], name="one_seal_per_sequence")]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.site.key} seal #{self.sequence}"


class DeletionReason(models.TextChoices):
    RETENTION = "retention"
    ERASURE = "erasure"


class ConsentDeletion(models.Model):
    """What a lawful deletion removed from one seal's range: counts and the sum of their MACs."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="deletions")
    seal = models.ForeignKey(ConsentSeal, on_delete=models.PROTECT, related_name="deletions")
    reason = models.CharField(max_length=16, choices=DeletionReason.choices)
    # For an erasure: the consent id of the `erase` record that documents it.
    reference = models.CharField(max_length=64, blank=True)
    record_count = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["site", "id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.site.key}: {self.reason} of {self.record_count} from seal #{self.seal.sequence}"

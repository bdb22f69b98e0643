"""The consent log: API keys of downstream services, consent records, recorded choices, seals and
deletion entries.

Consent records, seals and deletion entries are evidence. They are written only by the service
layer (`consent/services/`); the admin shows them read-only.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sites.models import Site


class ApiScope(models.TextChoices):
    """What a key may do. A key has only the scopes it was given (docs/API.md, "API keys")."""

    READ = "read", "read: current consent, changes feed"
    CHECK = "check", "check: single and batch checks"
    EXPORT = "export", "export: data-subject access"
    ERASE = "erase", "erase: data-subject erasure"
    RECORD = "record", "record: consent POSTs from a server (no Origin)"


def default_scopes() -> list[str]:
    return [ApiScope.READ, ApiScope.CHECK]


class ApiKey(models.Model):
    """A downstream service's credential for one site, with the scopes it may use, until it
    expires or is revoked (for good). Only a SHA-256 of the key is stored."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(
        max_length=12, editable=False, help_text="First characters, to recognise a key."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=default_scopes)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="After this the key is refused; empty: no expiry."
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.BooleanField(default=False, help_text="Final: a revoked key never works again.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["site", "name"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.site.key}: {self.name} ({self.prefix}…)"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Revocation is final: a revoked key is never enabled again, whoever saves it."""
        if (
            not self.revoked
            and self.pk is not None
            and ApiKey.objects.filter(pk=self.pk, revoked=True).exists()
        ):
            raise ValueError(f"API key {self.prefix}… was revoked; revocation is final. Issue a new key.")
        if self.revoked and self.revoked_at is None:
            self.revoked_at = timezone.now()
        super().save(*args, **kwargs)


class ConsentAction(models.TextChoices):
    ACCEPT_ALL = "accept_all"
    REJECT_ALL = "reject_all"
    CUSTOM = "custom"
    WITHDRAW = "withdraw"
    # The US notice's choice: which opt-outs the visitor (or their browser's GPC) asked for.
    OPT_OUT = "opt_out"
    # Written by a data-subject erasure: the evidence that the user's earlier records were erased.
    ERASE = "erase"


class ConsentScreen(models.TextChoices):
    """Where in the banner the visitor chose: its first layer or the preferences dialog (Accept All
    and Reject All are on both). The TC string's ConsentScreen numbers them (consent/tc_builder.py)."""

    FIRST_LAYER = "first_layer", _("First layer")
    PREFERENCES = "preferences", _("Preferences dialog")


#: How a dashboard names the choices of stats rows from before screens were recorded (screen "").
NO_SCREEN_LABEL = _("Not recorded")


def default_screen(action: str) -> str:
    """The screen of a choice whose banner did not say (and of every record before screens were
    recorded): a customised choice is only made in the preferences, every other on the first layer."""
    return ConsentScreen.PREFERENCES if action == ConsentAction.CUSTOM else ConsentScreen.FIRST_LAYER


class RecordedChoice(models.Model):
    """One choice as recorded: what a visitor chose, resolved under one site configuration on one
    (UTC) day, and the signals emitted for it. Evidence like the records that point to it.

    Every visitor who presses the same button on the same day gets the same TC string, AC string and
    Consent Mode signals, so their records share one row of this table instead of each carrying
    the same ~3-9 KB (docs/PERFORMANCE.md, "HTTP load"; docs/ARCHITECTURE.md, "Storage"). Rows
    are written by the service layer (`consent/services/`) only, found again by `digest`, never
    edited, and removed by the retention job once no record refers to them. A record's MAC covers
    these values too, so an edited row fails the verification of every record that uses it.
    """

    # No index of its own: the (site, day) index below starts with the site.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="recorded_choices", db_index=False)
    # The UTC day of the records that use it (their TC string's Created / LastUpdated).
    day = models.DateField()
    # SHA-256 of the row's canonical content (consent.evidence.choice_digest).
    digest = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=7, default="en")
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
    # Where the visitor was and what applied there (sites/jurisdictions.py): the region, never the IP.
    experience = models.CharField(max_length=16, default="opt_in")
    region = models.CharField(max_length=8, blank=True)
    # Global Privacy Control: the browser's Sec-GPC header or navigator.globalPrivacyControl.
    gpc = models.BooleanField(default=False)
    # US experience: the opt-outs chosen ("sale_sharing", "sensitive_data") and the GPP string.
    us_opt_outs = models.JSONField(default=list)
    gpp_string = models.TextField(blank=True)
    # Where in the banner the choice was made; empty on records from before screens were recorded
    # (their TC string says default_screen(action)) and on erasure records.
    screen = models.CharField(max_length=16, blank=True, default="", choices=ConsentScreen.choices)

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
    "experience",
    "region",
    "gpc",
    "us_opt_outs",
    "gpp_string",
    "screen",
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
    # The key of the ring that made `mac` (consent/keyring.py); empty: signed before key ids.
    key_id = models.CharField(max_length=8, blank=True, default="")
    mac = models.CharField(max_length=64)

    #: Set only on the record of a new visitor's first choice (consent.visitors): the write token
    #: answered once with the new id. Never stored.
    write_token: str | None = None

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
    experience = _from_choice("experience")
    region = _from_choice("region")
    gpc = _from_choice("gpc")
    us_opt_outs = _from_choice("us_opt_outs")
    gpp_string = _from_choice("gpp_string")
    screen = _from_choice("screen")

    class Meta:
        ordering = ["-id"]
        indexes = [
            # A visitor's newest record by its signed time (consent/services/current.py).
            models.Index(fields=["site", "user_id", "-created_at"], name="consent_user_newest"),
            models.Index(fields=["expires_at"], name="consent_expiry"),
            # The changes feed and the auditor's export read a site's records in id order, in
            # keyset pages: without it each page scanned the site's whole log (bench/export.py).
            models.Index(fields=["site", "id"], name="consent_site_order"),
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
    key_id = models.CharField(max_length=8, blank=True, default="")
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
    key_id = models.CharField(max_length=8, blank=True, default="")
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["site", "id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.site.key}: {self.reason} of {self.record_count} from seal #{self.seal.sequence}"


# The webhook models live with the rest of the webhook code; importing them here registers them.
from consent.subject_requests.models import DataSubjectRequest  # noqa: E402, F401
from consent.webhooks.models import (  # noqa: E402, F401
    WebhookCursor,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)


class DailyConsentStats(models.Model):
    """Counts of one site's banner on one (UTC) day, language, policy version and consent screen:
    how often it was shown (the banner's beacon, counted as it arrives) and the choices recorded
    (aggregated from the records by `consent.services.stats`). Aggregates only: no visitor, address
    or identifier is stored.

    A display is of the banner as a whole, before any screen was chosen, so displays are counted on
    the rows with `screen` "" and choices on the rows of the screen they were made on
    ("first_layer", "preferences"): a row holds either displays or choices. Rows written before
    screens were recorded may hold both under "" until their day is aggregated again."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="daily_stats")
    day = models.DateField()
    language = models.CharField(max_length=2)
    # The site's policy version the banner asked under (displays) or the records were given under.
    policy_version = models.CharField(max_length=32, default="")
    # "" on the display rows; the screen of the choices on the others (ConsentScreen).
    screen = models.CharField(max_length=16, blank=True, default="", choices=ConsentScreen.choices)
    shown = models.PositiveBigIntegerField(default=0)
    accept_all = models.PositiveBigIntegerField(default=0)
    reject_all = models.PositiveBigIntegerField(default=0)
    custom = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["site", "day", "language", "policy_version", "screen"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "language", "policy_version", "screen"],
                name="one_stats_row_per_site_day_version_screen",
            )
        ]
        verbose_name_plural = "daily consent stats"

    def __str__(self) -> str:
        return f"{self.site_id} {self.day} {self.language} {self.screen or 'shown'}"

    @property
    def no_choice(self) -> int:
        """Displays that ended without a choice (a visitor may choose on a later page view, so this
        is a lower bound of nothing, not an exact count)."""
        return max(self.shown - self.accept_all - self.reject_all - self.custom, 0)

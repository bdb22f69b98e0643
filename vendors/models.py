"""The IAB TCF catalogue (Global Vendor List) and Google's Ad Tech Providers.

Every imported GVL version is kept with its raw document, because a consent record refers to the
version it was given under and vendors evaluate a TC string against that version. `Vendor` holds
each vendor as of the newest imported version (so other apps can point foreign keys at it); older
versions are rebuilt from `GvlVersion.document` by `vendors.catalogue`.

Fields copied from the IAB or Google are written only by `vendors.importing`; the admin may edit
`enabled` and `notes` and nothing else.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class GvlVersion(models.Model):
    vendor_list_version = models.PositiveIntegerField(unique=True)
    tcf_policy_version = models.PositiveSmallIntegerField()
    gvl_specification_version = models.PositiveSmallIntegerField()
    last_updated = models.DateTimeField()
    document = models.JSONField(help_text="The GVL JSON exactly as imported.")
    # Hash of the canonical JSON: re-importing the same version is recognised without loading the
    # (large) stored document.
    document_sha256 = models.CharField(max_length=64)
    vendor_count = models.PositiveIntegerField(default=0)
    active_vendor_count = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=1000, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-vendor_list_version"]
        verbose_name = "GVL version"

    def __str__(self) -> str:
        return f"GVL v{self.vendor_list_version} (policy {self.tcf_policy_version})"


class GvlTranslation(models.Model):
    """The IAB's translated taxonomy texts for one language (no vendors): a purposes-xx.json file,
    or that language's part of a bundle of them. Entries it lacks (special purpose 3 before policy
    5, stacks in a bundle) are shown in the GVL's English, and said so in the admin and the banner."""

    language = models.CharField(max_length=16, unique=True)
    vendor_list_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty for a bundle that does not say which file it came from."
    )
    last_updated = models.DateTimeField(null=True, blank=True)
    document = models.JSONField(
        help_text="The purposes-xx.json as imported (a bundle: its part for the language)."
    )
    document_sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=1000, blank=True)
    provenance = models.TextField(blank=True, help_text="Where the texts come from and under which licence.")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["language"]
        verbose_name = "GVL translation"

    def __str__(self) -> str:
        version = f"v{self.vendor_list_version}" if self.vendor_list_version else "bundle"
        return f"purposes-{self.language}.json ({version})"


class Taxon(models.Model):
    """One purpose-like entry of the GVL taxonomy in one language.

    English rows follow the newest imported GVL; other languages come from purposes-xx.json files.
    """

    language = models.CharField(max_length=16)
    iab_id = models.PositiveSmallIntegerField(verbose_name="IAB id")
    name = models.TextField()
    description = models.TextField(blank=True)
    illustrations = models.JSONField(default=list, blank=True)
    source_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="vendorListVersion of the file these texts came from (empty: a bundle).",
    )

    class Meta:
        abstract = True
        ordering = ["language", "iab_id"]
        constraints = [
            models.UniqueConstraint(fields=["language", "iab_id"], name="%(class)s_unique_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.iab_id}. {self.name} [{self.language}]"


class Purpose(Taxon):
    pass


class SpecialPurpose(Taxon):
    pass


class Feature(Taxon):
    pass


class SpecialFeature(Taxon):
    pass


class DataCategory(Taxon):
    class Meta(Taxon.Meta):
        verbose_name_plural = "data categories"


class Stack(Taxon):
    purposes = models.JSONField(default=list)
    special_features = models.JSONField(default=list)


class Vendor(models.Model):
    id = models.IntegerField(primary_key=True, verbose_name="IAB vendor id")
    name = models.CharField(max_length=500)
    purposes = models.JSONField(default=list)
    leg_int_purposes = models.JSONField(default=list)
    flexible_purposes = models.JSONField(default=list)
    special_purposes = models.JSONField(default=list)
    features = models.JSONField(default=list)
    special_features = models.JSONField(default=list)
    data_declaration = models.JSONField(default=list)
    data_retention = models.JSONField(default=dict)
    urls = models.JSONField(default=list)
    uses_cookies = models.BooleanField(default=False)
    cookie_max_age_seconds = models.BigIntegerField(null=True, blank=True)
    cookie_refresh = models.BooleanField(default=False)
    uses_non_cookie_access = models.BooleanField(default=False)
    device_storage_disclosure_url = models.CharField(max_length=2000, blank=True)
    overflow = models.JSONField(null=True, blank=True)
    deleted_date = models.DateTimeField(null=True, blank=True)
    first_version = models.PositiveIntegerField(help_text="First imported GVL version listing this vendor.")
    last_version = models.PositiveIntegerField(
        help_text="Newest imported GVL version listing this vendor; below the newest GVL means it was "
        "dropped from the list."
    )
    updated_at = models.DateTimeField(default=timezone.now)
    enabled = models.BooleanField(default=True, help_text="Disclose this vendor on our sites.")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"

    @property
    def is_active(self) -> bool:
        return self.deleted_date is None


class GoogleAtp(models.Model):
    id = models.IntegerField(primary_key=True, verbose_name="provider id")
    name = models.CharField(max_length=500)
    policy_url = models.CharField(max_length=2000, blank=True)
    domains = models.TextField(blank=True, help_text="Space-separated; may contain * wildcards.")
    first_seen_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the provider is missing from the latest list."
    )
    enabled = models.BooleanField(default=True, help_text="Disclose this provider on our sites.")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "Google Ad Tech Provider"

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"

    @property
    def domain_list(self) -> list[str]:
        return self.domains.split()


class DeviceStorageDisclosure(models.Model):
    """A GVL vendor's device storage disclosure: the JSON its deviceStorageDisclosureUrl serves (IAB
    "Vendor Device Storage & Operational Disclosures"), as last fetched by the server
    (`vendors.device_storage`), never by a visitor's browser. The banner shows it as a table and the
    scanner classifies by it. `document` is the last valid one; a failed or malformed fetch leaves it
    and says why in `error`."""

    vendor = models.OneToOneField(Vendor, on_delete=models.CASCADE, related_name="storage_disclosure")
    url = models.CharField(max_length=2000, help_text="The URL `document` was fetched from.")
    document = models.JSONField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True, help_text="When `document` was fetched.")
    # Bookkeeping of the fetches: none of it changes what the banner shows, so writing it does not
    # bump the configuration version (vendors/apps.py).
    checked_at = models.DateTimeField(null=True, blank=True, help_text="The last attempt.")
    fresh_until = models.DateTimeField(
        null=True, blank=True, help_text="Not fetched again before this (the document's cache headers)."
    )
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True, help_text="Why the last attempt failed; empty when it worked.")

    class Meta:
        ordering = ["vendor"]

    def __str__(self) -> str:
        return f"Device storage of {self.vendor}"

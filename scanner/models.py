"""Scans of a publisher's site: what was loaded, what each run found, how it was classified, and
the findings a publisher acts on.

A scan belongs to one site and holds its pages; every page is loaded in three runs (no choice made,
after Reject All, after Accept All). What a run found is stored once per run and item (a cookie
seen on 40 pages is one row, with the first page it appeared on and how many pages set it).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from sites.models import CATEGORY_SLUGS


class SiteScanSettings(models.Model):
    """What the publisher chose for the scans of one site (absent: the defaults)."""

    site = models.OneToOneField("sites.Site", on_delete=models.CASCADE, related_name="scan_settings")
    extra_urls = models.JSONField(
        default=list,
        blank=True,
        help_text="Start URLs besides the site's domains and its sitemap, e.g. pages only reached by a form.",
    )
    max_pages = models.PositiveIntegerField(
        default=50, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    max_depth = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(10)])
    respect_robots_txt = models.BooleanField(
        default=True, help_text="Off only for your own site: pages robots.txt disallows are scanned too."
    )
    schedule_days = models.PositiveIntegerField(
        default=30, help_text="Scan again this many days after the last scan; 0: only on demand."
    )
    keep_scans = models.PositiveIntegerField(
        default=12, validators=[MinValueValidator(1)], help_text="Older scans of the site are deleted."
    )

    class Meta:
        verbose_name = "scan settings"
        verbose_name_plural = "scan settings"

    def __str__(self) -> str:
        return f"Scan settings of {self.site.key}"


class ScanStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


ACTIVE_STATUSES = (ScanStatus.QUEUED, ScanStatus.RUNNING)


class Scan(models.Model):
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="scans")
    status = models.CharField(max_length=10, choices=ScanStatus.choices, default=ScanStatus.QUEUED)
    trigger = models.CharField(max_length=20, default="admin", help_text="admin, schedule or command.")
    options = models.JSONField(default=dict, help_text="Start URLs, limits and robots.txt rule of this scan.")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    pages_planned = models.PositiveIntegerField(default=0)
    pages_done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # Who runs it: a scan whose worker process is gone is marked failed by the next scan
    # (`scanner.service.recover_abandoned`), and its browser, if still alive, is stopped.
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid of the worker running it.")
    browser_pid = models.IntegerField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One scan per site at a time, whatever process starts it.
            models.UniqueConstraint(
                fields=["site"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_active_scan_per_site",
            )
        ]

    def __str__(self) -> str:
        return f"Scan {self.pk} of {self.site.key} ({self.status})"

    @property
    def violations(self) -> int:
        return self.findings.filter(kind=FindingKind.VIOLATION).count()


class PageStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Scanned"
    FAILED = "failed", "Failed"
    BLOCKED = "blocked", "Blocked by robots.txt"


class ScanPage(models.Model):
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="pages")
    url = models.CharField(max_length=2000)
    depth = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=20, help_text="domain, sitemap, publisher or link.")
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=PageStatus.choices, default=PageStatus.PENDING)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["scan", "position"]
        constraints = [models.UniqueConstraint(fields=["scan", "url"], name="one_page_per_url_and_scan")]

    def __str__(self) -> str:
        return self.url


class RunKind(models.TextChoices):
    NO_CHOICE = "no_choice", "No choice made"
    REJECT_ALL = "reject_all", "After Reject All"
    ACCEPT_ALL = "accept_all", "After Accept All"


class ScanRun(models.Model):
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="runs")
    kind = models.CharField(max_length=12, choices=RunKind.choices)
    pages_loaded = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0, help_text="Browser time spent on this run's pages.")
    error = models.TextField(blank=True, help_text="Why the run could not be made (our banner not found).")

    class Meta:
        ordering = ["scan", "id"]
        constraints = [models.UniqueConstraint(fields=["scan", "kind"], name="one_run_per_kind_and_scan")]

    def __str__(self) -> str:
        return f"{self.scan_id}: {self.get_kind_display()}"


class Party(models.TextChoices):
    FIRST = "first", "First party"
    THIRD = "third", "Third party"


class MatchSource(models.TextChoices):
    DECLARATION = "declaration", "The site's declarations"
    CMP = "cmp", "This CMP's own cookie"
    OPEN_COOKIE_DATABASE = "ocd", "Open Cookie Database"
    GVL = "gvl", "GVL device storage disclosure"
    NONE = "", "Unclassified"


CATEGORY_CHOICES = [(s, s) for s in CATEGORY_SLUGS]


class Classified(models.Model):
    """What an item matched: the category it proposes and where that came from."""

    category = models.CharField(max_length=20, choices=CATEGORY_CHOICES, blank=True)
    match_source = models.CharField(max_length=12, choices=MatchSource.choices, blank=True)
    match_detail = models.CharField(max_length=500, blank=True)
    declared = models.BooleanField(default=False, help_text="Matches one of the site's declarations.")
    vendor = models.ForeignKey(
        "vendors.Vendor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class FoundCookie(Classified):
    run = models.ForeignKey(ScanRun, on_delete=models.CASCADE, related_name="cookies")
    name = models.CharField(max_length=500)
    domain = models.CharField(max_length=253)
    path = models.CharField(max_length=500, default="/")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: a session cookie.")
    http_only = models.BooleanField(default=False)
    secure = models.BooleanField(default=False)
    same_site = models.CharField(max_length=10, blank=True)
    party = models.CharField(max_length=5, choices=Party.choices)
    set_by = models.CharField(max_length=10, help_text="header, script or choice (our stored consent).")
    set_by_url = models.CharField(
        max_length=2000, blank=True, help_text="The response or script that set it."
    )
    before_choice = models.BooleanField(default=False)
    first_page = models.ForeignKey(ScanPage, null=True, on_delete=models.SET_NULL, related_name="+")
    page_count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["run", "name", "domain"]

    def __str__(self) -> str:
        return f"{self.name} ({self.domain})"


class FoundStorage(Classified):
    run = models.ForeignKey(ScanRun, on_delete=models.CASCADE, related_name="storage")
    area = models.CharField(max_length=8, help_text="local or session.")
    origin = models.CharField(max_length=300)
    key = models.CharField(max_length=500)
    party = models.CharField(max_length=5, choices=Party.choices)
    set_by_url = models.CharField(max_length=2000, blank=True)
    before_choice = models.BooleanField(default=False)
    first_page = models.ForeignKey(ScanPage, null=True, on_delete=models.SET_NULL, related_name="+")
    page_count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["run", "area", "key"]
        verbose_name_plural = "found storage"

    def __str__(self) -> str:
        return f"{self.area}Storage {self.key} ({self.origin})"


class FoundRequest(models.Model):
    """Requests to third-party hosts, one row per run, host and resource type."""

    run = models.ForeignKey(ScanRun, on_delete=models.CASCADE, related_name="requests")
    host = models.CharField(max_length=253)
    resource_type = models.CharField(max_length=20)
    example_url = models.CharField(max_length=2000)
    initiator = models.CharField(max_length=2000, blank=True, help_text="The frame that made the request.")
    before_choice = models.BooleanField(default=False)
    count = models.PositiveIntegerField(default=1)
    first_page = models.ForeignKey(ScanPage, null=True, on_delete=models.SET_NULL, related_name="+")
    vendor = models.ForeignKey(
        "vendors.Vendor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    google_atp = models.ForeignKey(
        "vendors.GoogleAtp", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    match_detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["run", "host", "resource_type"]

    def __str__(self) -> str:
        return f"{self.host} ({self.resource_type})"


class FindingKind(models.TextChoices):
    VIOLATION = "violation", "Set before consent"
    UNDECLARED = "undeclared", "Found but not declared"
    NOT_SEEN = "not_seen", "Declared but never seen"
    NEW = "new", "New since the previous scan"
    GONE = "gone", "Gone since the previous scan"


FINDING_ORDER = [
    FindingKind.VIOLATION,
    FindingKind.UNDECLARED,
    FindingKind.NOT_SEEN,
    FindingKind.NEW,
    FindingKind.GONE,
]


class Finding(models.Model):
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=12, choices=FindingKind.choices)
    subject = models.CharField(
        max_length=20, help_text="cookie, localStorage, sessionStorage, request or declaration."
    )
    name = models.CharField(max_length=500)
    domain = models.CharField(max_length=300, blank=True)
    runs = models.JSONField(
        default=list, help_text="The runs it was seen in (violations: the offending runs)."
    )
    category = models.CharField(
        max_length=20, blank=True, help_text="The category the classification proposes (or the declared one)."
    )
    detail = models.TextField(blank=True)
    declaration = models.ForeignKey(
        "sites.CookieDeclaration", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["scan", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    @property
    def run_labels(self) -> list[str]:
        return [RunKind(kind).label for kind in self.runs]

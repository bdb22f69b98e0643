"""The publisher's configuration moves from the consent app to this one without touching the database:
the tables keep their names (consent_site, consent_cookiecategory, ...), so existing rows stay. A
fresh database gets the tables from consent 0001; this migration only records them in this app's
state, and consent 0003 drops them from the consent app's state."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import sites.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("vendors", "0001_initial"),
        ("consent", "0002_recorded_choices"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CookieCategory",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "slug",
                            models.CharField(
                                choices=[
                                    ("necessary", "necessary"),
                                    ("functional", "functional"),
                                    ("analytics", "analytics"),
                                    ("performance", "performance"),
                                    ("advertisement", "advertisement"),
                                    ("uncategorised", "uncategorised"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("name", models.CharField(max_length=100)),
                        ("description", models.TextField(blank=True)),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                    ],
                    options={
                        "verbose_name_plural": "cookie categories",
                        "db_table": "consent_cookiecategory",
                        "ordering": ["site", "position", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="CookieDeclaration",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "name",
                            models.CharField(
                                help_text="Cookie name, or a prefix when 'is pattern' is set.", max_length=200
                            ),
                        ),
                        ("is_pattern", models.BooleanField(default=False)),
                        ("domain", models.CharField(blank=True, max_length=253)),
                        ("duration", models.CharField(blank=True, max_length=100)),
                        ("description", models.TextField(blank=True)),
                        ("provider", models.CharField(blank=True, max_length=200)),
                        (
                            "source",
                            models.CharField(
                                blank=True, help_text="Where the declaration comes from.", max_length=200
                            ),
                        ),
                        (
                            "category",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="cookies",
                                to="sites.cookiecategory",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "consent_cookiedeclaration",
                        "ordering": ["category", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="Site",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "key",
                            models.CharField(
                                max_length=63,
                                unique=True,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^[a-z0-9][a-z0-9_-]{0,62}$",
                                        "Lower-case letters, digits, '-' and '_' only (at most 63 characters), starting with a letter or digit.",
                                    )
                                ],
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        (
                            "domains",
                            models.JSONField(
                                blank=True, default=list, validators=[sites.models._validate_domains]
                            ),
                        ),
                        (
                            "allowed_origins",
                            models.JSONField(
                                blank=True,
                                default=list,
                                help_text="Origins whose pages may call the public API (CORS), e.g. https://www.example.com.",
                                validators=[sites.models._validate_origins],
                            ),
                        ),
                        (
                            "cookie_domain",
                            models.CharField(
                                blank=True,
                                help_text="Domain of the consent cookies, e.g. .example.com to cover every subdomain. Empty: the page's own host.",
                                max_length=253,
                            ),
                        ),
                        (
                            "publisher_country_code",
                            models.CharField(
                                default="AA",
                                max_length=2,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^[A-Z]{2}$", "Two upper-case letters (ISO 3166-1 alpha-2)."
                                    )
                                ],
                            ),
                        ),
                        (
                            "consent_lifetime_days",
                            models.PositiveIntegerField(
                                default=sites.models.default_consent_lifetime_days,
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(3650),
                                ],
                            ),
                        ),
                        (
                            "languages",
                            models.JSONField(
                                default=sites.models.default_languages,
                                validators=[sites.models._validate_languages],
                            ),
                        ),
                        ("privacy_policy_url", models.URLField(blank=True)),
                        (
                            "policy_version",
                            models.CharField(
                                default="1",
                                help_text="Change it when the privacy policy changes: every visitor is asked again.",
                                max_length=32,
                            ),
                        ),
                        (
                            "enable_all_vendors",
                            models.BooleanField(
                                default=True,
                                help_text="Disclose every active GVL vendor (new GVL vendors included). Off: only the vendors listed.",
                            ),
                        ),
                        (
                            "enable_all_atps",
                            models.BooleanField(
                                default=True,
                                help_text="Disclose every enabled Google Ad Tech Provider. Off: only those listed.",
                            ),
                        ),
                        (
                            "purpose_one_treatment",
                            models.BooleanField(
                                default=False,
                                help_text="Set only where the publisher's jurisdiction needs no consent for storage (purpose 1).",
                            ),
                        ),
                        ("block_page_until_choice", models.BooleanField(default=False)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "google_atps",
                            models.ManyToManyField(blank=True, related_name="sites", to="vendors.googleatp"),
                        ),
                        (
                            "vendors",
                            models.ManyToManyField(blank=True, related_name="sites", to="vendors.vendor"),
                        ),
                    ],
                    options={
                        "db_table": "consent_site",
                        "ordering": ["key"],
                    },
                ),
                migrations.AddField(
                    model_name="cookiecategory",
                    name="site",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="categories",
                        to="sites.site",
                    ),
                ),
                migrations.CreateModel(
                    name="SiteText",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("language", models.CharField(choices=[("en", "en"), ("fr", "fr")], max_length=2)),
                        ("title", models.CharField(blank=True, max_length=200)),
                        ("body", models.TextField(blank=True)),
                        ("accept_all", models.CharField(blank=True, max_length=60)),
                        ("reject_all", models.CharField(blank=True, max_length=60)),
                        ("customise", models.CharField(blank=True, max_length=60)),
                        ("save_preferences", models.CharField(blank=True, max_length=60)),
                        (
                            "extra",
                            models.JSONField(
                                blank=True, default=dict, help_text="Other text keys to override."
                            ),
                        ),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="texts",
                                to="sites.site",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "consent_sitetext",
                        "ordering": ["site", "language"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="cookiecategory",
                    constraint=models.UniqueConstraint(
                        fields=("site", "slug"), name="unique_category_per_site"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="sitetext",
                    constraint=models.UniqueConstraint(
                        fields=("site", "language"), name="unique_text_per_language"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]

"""Moves what a record's choice resolved to and signalled into `RecordedChoice`, one row per choice
per site per day, shared by the records of that choice (consent/models.py; docs/PERFORMANCE.md,
"HTTP load"). Existing records keep their MACs: their content is the same, read through the new row.
"""

import django.db.models.deletion
from django.db import migrations, models

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
BATCH = 2000


def _utc_day(moment):
    from datetime import UTC

    return moment.astimezone(UTC).date()


def move_choices_out(apps, schema_editor):
    """Gives every record the shared row of its content, creating rows as they are first met."""
    from consent.evidence import choice_digest

    record_model = apps.get_model("consent", "ConsentRecord")
    choice_model = apps.get_model("consent", "RecordedChoice")
    known: dict[str, int] = {}
    last_id = 0
    while True:
        batch = list(record_model.objects.filter(id__gt=last_id).order_by("id")[:BATCH])
        if not batch:
            break
        for record in batch:
            values = {name: getattr(record, name) for name in CHOICE_FIELDS}
            day = _utc_day(record.created_at)
            digest = choice_digest(record.site_id, day, values)
            if digest not in known:
                row, _ = choice_model.objects.get_or_create(
                    digest=digest, defaults={"site_id": record.site_id, "day": day, **values}
                )
                known[digest] = row.pk
            record.choice_id = known[digest]
        record_model.objects.bulk_update(batch, ["choice"])
        last_id = batch[-1].id


def move_choices_back(apps, schema_editor):
    record_model = apps.get_model("consent", "ConsentRecord")
    last_id = 0
    while True:
        batch = list(
            record_model.objects.select_related("choice").filter(id__gt=last_id).order_by("id")[:BATCH]
        )
        if not batch:
            break
        for record in batch:
            for name in CHOICE_FIELDS:
                setattr(record, name, getattr(record.choice, name))
        record_model.objects.bulk_update(batch, list(CHOICE_FIELDS))
        last_id = batch[-1].id


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="RecordedChoice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("digest", models.CharField(max_length=64, unique=True)),
                ("language", models.CharField(default="en", max_length=2)),
                ("categories", models.JSONField(default=dict)),
                ("purpose_consents", models.JSONField(default=list)),
                ("purpose_li_objections", models.JSONField(default=list)),
                ("special_feature_optins", models.JSONField(default=list)),
                ("vendor_consents", models.JSONField(default=list)),
                ("vendor_li_objections", models.JSONField(default=list)),
                ("atp_consents", models.JSONField(default=list)),
                ("gvl_version", models.PositiveIntegerField(null=True)),
                ("tcf_policy_version", models.PositiveIntegerField(null=True)),
                ("policy_version", models.CharField(max_length=32)),
                ("vendors_hash", models.CharField(blank=True, max_length=64)),
                ("tc_string", models.TextField(blank=True)),
                ("ac_string", models.TextField(blank=True)),
                ("consent_mode", models.JSONField(default=dict)),
                (
                    "site",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="recorded_choices",
                        to="consent.site",
                    ),
                ),
            ],
            options={
                "ordering": ["-id"],
                "default_permissions": ("view",),
                "indexes": [models.Index(fields=["site", "day"], name="choice_site_day")],
            },
        ),
        migrations.AddField(
            model_name="consentrecord",
            name="choice",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="records",
                to="consent.recordedchoice",
            ),
        ),
        migrations.RunPython(move_choices_out, move_choices_back),
        # A default for the one removed column without one, so that migrating back can add it to a
        # table that has rows; move_choices_back then fills in the real values.
        migrations.AlterField(
            model_name="consentrecord",
            name="policy_version",
            field=models.CharField(max_length=32, default=""),
        ),
        *(migrations.RemoveField(model_name="consentrecord", name=name) for name in CHOICE_FIELDS),
        migrations.AlterField(
            model_name="consentrecord",
            name="choice",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="records",
                to="consent.recordedchoice",
            ),
        ),
        migrations.AlterField(
            model_name="consentrecord",
            name="site",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="consent_records",
                to="consent.site",
            ),
        ),
    ]

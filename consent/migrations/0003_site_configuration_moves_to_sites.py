"""Sites, cookie categories, cookie declarations and texts now belong to the sites app (sites 0001).

Nothing changes in the database: the consent log's foreign keys keep pointing at the same table
(consent_site), only the model they name moves. The content types of the moved models are renamed to
the new app, so the permissions already granted to staff users (and admin log entries) follow them.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ("site", "cookiecategory", "cookiedeclaration", "sitetext")


def rename_content_types(apps, schema_editor, source="consent", target="sites"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def restore_content_types(apps, schema_editor):
    rename_content_types(apps, schema_editor, source="sites", target="consent")


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0002_recorded_choices"),
        ("sites", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="apikey",
                    name="site",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="api_keys", to="sites.site"
                    ),
                ),
                migrations.AlterField(
                    model_name="recordedchoice",
                    name="site",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="recorded_choices",
                        to="sites.site",
                    ),
                ),
                migrations.AlterField(
                    model_name="consentrecord",
                    name="site",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="consent_records",
                        to="sites.site",
                    ),
                ),
                migrations.AlterField(
                    model_name="consentseal",
                    name="site",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="seals", to="sites.site"
                    ),
                ),
                migrations.AlterField(
                    model_name="consentdeletion",
                    name="site",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="deletions", to="sites.site"
                    ),
                ),
                migrations.DeleteModel(name="SiteText"),
                migrations.DeleteModel(name="CookieDeclaration"),
                migrations.DeleteModel(name="CookieCategory"),
                migrations.DeleteModel(name="Site"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]

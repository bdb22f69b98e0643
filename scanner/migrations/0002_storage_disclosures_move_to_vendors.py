"""Vendors' device storage disclosures move to the vendors app (the banner shows them, and sites may
not import the scanner): the fetched documents are copied over, then the scanner's table goes."""

from django.db import migrations


def copy_to_vendors(apps, schema_editor):
    old = apps.get_model("scanner", "VendorStorageDisclosure")
    new = apps.get_model("vendors", "DeviceStorageDisclosure")
    new.objects.bulk_create(
        [
            new(vendor_id=row.vendor_id, url=row.url, document=row.document, fetched_at=row.fetched_at,
                checked_at=row.fetched_at)
            for row in old.objects.all()
        ],
        ignore_conflicts=True,
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("scanner", "0001_initial"),
        ("vendors", "0003_device_storage_disclosure"),
    ]

    operations = [
        migrations.RunPython(copy_to_vendors, migrations.RunPython.noop),
        migrations.DeleteModel(name="VendorStorageDisclosure"),
    ]

"""The configuration version: one row whose value changes in the same transaction as any write to a
configuration table (database triggers installed by infra/config.py)."""

from django.db import models


class ConfigVersion(models.Model):
    # Always 1: the table has one row.
    id = models.PositiveSmallIntegerField(primary_key=True)
    # A value never seen before, not a counter: on PostgreSQL from a sequence (which a rollback does
    # not rewind), on SQLite random. A rolled-back change must not hand its number to the next change
    # (a test database rolled back between tests would otherwise reuse it).
    version = models.BigIntegerField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"configuration version {self.version}"

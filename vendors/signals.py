"""Signals other apps listen to (the catalogue knows nothing of them)."""

from django.dispatch import Signal

#: Sent after a new GVL version is committed, with `report` (vendors.importing.GvlImportReport).
gvl_imported = Signal()

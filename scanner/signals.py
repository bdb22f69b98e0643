"""Signals of the scanner. Apps above it (consent's webhooks) subscribe; the scanner imports none
of them."""

from django.dispatch import Signal

#: Sent once a scan has finished or failed, outside its transaction. Arguments: scan, summary (dict).
scan_finished = Signal()

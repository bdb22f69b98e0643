"""Signals of the consent log, for the parts that react to it (webhooks) without the service layer
knowing them."""

from django.dispatch import Signal

#: Sent by the retention purge after it deleted a site's expired records, with `site` and
#: `user_ids` (the visitors whose records went; some may have newer ones left).
records_purged = Signal()

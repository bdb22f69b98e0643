"""The consent log's service layer: the only code that writes consent records, seals and deletion
entries, and the reads the API answers from. The API, the admin, the management commands and the
Celery tasks all call these functions.

* `recording`: a visitor's choice becomes a signed record (one synchronous INSERT, no lock, no queue).
* `current`: a visitor's current state, for the downstream API and the banner's re-prompt rule.
* `erasure`: a data-subject erasure, itself recorded.
* `sealing`: the hourly seal of new records into the site's hash chain.
* `retention`: the daily purge of expired records, debited from their seals.
* `verification`: `verify_consent_log`'s checks.

Sealing, purging and erasure take a row lock on the site (PostgreSQL) so that they see a stable set
of records; they never block recording.
"""

from consent.services.current import (
    current_fields,
    current_record,
    current_state_body,
    live_records,
    reprompt_reasons,
    serialise_record,
)
from consent.services.erasure import erase_user
from consent.services.recording import new_user_id, record_consent, vendors_allowed
from consent.services.retention import PurgeReport, purge_expired
from consent.services.sealing import seal_all_sites, seal_site
from consent.services.verification import VerificationReport, verify_log

__all__ = [
    "PurgeReport",
    "VerificationReport",
    "current_fields",
    "current_record",
    "current_state_body",
    "erase_user",
    "live_records",
    "new_user_id",
    "purge_expired",
    "record_consent",
    "reprompt_reasons",
    "seal_all_sites",
    "seal_site",
    "serialise_record",
    "vendors_allowed",
    "verify_log",
]

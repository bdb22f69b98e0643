"""The visitor's region from a GeoIP database (MaxMind DB format), for deployments with no CDN
header: MaxMind's GeoLite2 or GeoIP2 Country/City, or DB-IP's IP-to-Country/City Lite (CC BY 4.0,
attribution to DB-IP required), at the path `CMP_GEOIP_DATABASE` names. No database ships with the
project (GeoLite2's licence forbids redistributing it, and any of them is stale within weeks); the
operator downloads one and refreshes it, and a replaced file is picked up on the next lookup.

The address is looked up and forgotten: nothing here stores or logs it.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

import maxminddb
from django.conf import settings

log = logging.getLogger(__name__)

_lock = threading.Lock()
# (path, mtime) of the open reader: a database replaced in place is reopened, once.
_opened: tuple[tuple[str, float], Any] | None = None
_failed: set[tuple[str, float]] = set()


def _reader() -> Any:
    global _opened
    path = str(settings.CMP_GEOIP_DATABASE or "")
    if not path:
        return None
    try:
        version = (path, os.stat(path).st_mtime)
    except OSError as exc:
        version = (path, -1.0)
        if version not in _failed:
            _failed.add(version)
            log.error("CMP_GEOIP_DATABASE %s cannot be read (%s): locations from it are unknown", path, exc)
        return None
    if _opened is not None and _opened[0] == version:
        return _opened[1]
    with _lock:
        if _opened is not None and _opened[0] == version:
            return _opened[1]
        try:
            reader = maxminddb.open_database(path)
        except (OSError, maxminddb.InvalidDatabaseError) as exc:
            if version not in _failed:
                _failed.add(version)
                log.error("CMP_GEOIP_DATABASE %s is not a MaxMind DB file (%s)", path, exc)
            return None
        # The previous reader is left to the garbage collector: another thread may be mid-lookup.
        _opened = (version, reader)
    return reader


def configured() -> bool:
    return bool(settings.CMP_GEOIP_DATABASE)


def country_and_subdivision(address: str) -> tuple[str, str]:
    """The ISO 3166-1 country and ISO 3166-2 subdivision code (without its country) the database
    gives for `address`; empty strings for what it does not know or an address that is not one."""
    reader = _reader()
    if reader is None or not address:
        return "", ""
    try:
        record = reader.get(address)
    except (ValueError, maxminddb.InvalidDatabaseError):
        return "", ""
    if not isinstance(record, dict):
        return "", ""
    country = (record.get("country") or {}).get("iso_code") or ""
    subdivisions = record.get("subdivisions") or [{}]
    # The first subdivision is the largest (a US state); DB-IP's City Lite names it without a code.
    subdivision = (subdivisions[0] or {}).get("iso_code") or ""
    return str(country), str(subdivision)

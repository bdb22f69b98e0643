"""Tamper evidence for the consent log: record MACs, batch digests and the per-site seal chain.

Each record carries HMAC-SHA256(key, canonical content) and the id of the key of the ring that
signed it (consent/keyring.py; records from before key ids have none and verify under any key of
the ring). Editing any stored field breaks it. Deleting a record is caught by the seals: a seal
covers one site's records with ids in
(after_record_id, through_record_id] and stores their count and the sum modulo 2**256 of their
MACs. The sum is order-free, so lawful deletions (retention purge, erasure) write a
`ConsentDeletion` entry with the count and sum of what they removed from each seal's range, and the
seal still balances. Seals and deletion entries are themselves MAC'd, and each seal includes the
previous seal's MAC, so removing or editing either is detected too.

These are pure functions; the service layer (`consent/services/`) writes the rows.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from consent import keyring

# The C encoder json.dumps uses for a str under ensure_ascii=True, without json.dumps' own overhead.
_json_string = json.encoder.encode_basestring_ascii

MODULUS = 2**256
GENESIS_MAC = "0" * 64


def _key(kid: str = "") -> bytes:
    """The key that signs (no id: the current key) or that signed under `kid`."""
    if not kid:
        return keyring.current()[1]
    found = keyring.key(kid)
    if found is None:
        raise UnknownKey(kid)
    return found


class UnknownKey(LookupError):
    """A MAC names a key id that is not in the key ring."""


def current_key_id() -> str:
    return keyring.current()[0]


def canonical_line(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def mac_of(content: dict[str, Any], kid: str = "") -> str:
    return hmac.new(_key(kid), canonical_line(content).encode(), hashlib.sha256).hexdigest()


def genuine(content: dict[str, Any], mac: str, kid: str) -> bool:
    """Whether `mac` is the MAC of `content` under key `kid` (UnknownKey when the ring lacks it),
    or, without a key id (signed before key ids), under any key of the ring."""
    line = canonical_line(content).encode()
    keys = [_key(kid)] if kid else list(keyring.ring()[1].values())
    return any(hmac.compare_digest(hmac.new(key, line, hashlib.sha256).hexdigest(), mac) for key in keys)


def timestamp(value: datetime) -> str:
    """Microsecond ISO form in UTC: survives a round trip through SQLite and PostgreSQL alike."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _per_record_content(record: Any) -> dict[str, str]:
    """The part of `record_content` that differs between records of one choice."""
    return {
        "consent_id": str(record.consent_id),
        "user_id": record.user_id,
        "created_at": timestamp(record.created_at),
        "expires_at": timestamp(record.expires_at),
        "user_agent_hash": record.user_agent_hash,
        "ip_truncated": record.ip_truncated,
    }


# What a record from before jurisdictions says of them: the opt-in banner, region unknown, no GPC.
_UNKNOWN_LOCATION_OPT_IN = {
    "experience": "opt_in",
    "region": "",
    "gpc": False,
    "us_opt_outs": [],
    "gpp_string": "",
}


def _with_key_id(content: dict[str, Any], kid: str) -> dict[str, Any]:
    # Only when there is one, so that what was signed before key ids keeps its exact content.
    if kid:
        content["key_id"] = kid
    return content


def record_content(record: Any) -> dict[str, Any]:
    """Everything a consent record asserts, in a stable form (the MAC input)."""
    content = {
        "kind": "consent-record",
        **_per_record_content(record),
        "site_id": record.site_id,
        "action": record.action,
        "language": record.language,
        "categories": {str(k): bool(v) for k, v in sorted(record.categories.items())},
        "purpose_consents": sorted(record.purpose_consents),
        "purpose_li_objections": sorted(record.purpose_li_objections),
        "special_feature_optins": sorted(record.special_feature_optins),
        "vendor_consents": sorted(record.vendor_consents),
        "vendor_li_objections": sorted(record.vendor_li_objections),
        "atp_consents": sorted(record.atp_consents),
        "gvl_version": record.gvl_version,
        "tcf_policy_version": record.tcf_policy_version,
        "policy_version": record.policy_version,
        "vendors_hash": record.vendors_hash,
        "tc_string": record.tc_string,
        "ac_string": record.ac_string,
        "consent_mode": {str(k): str(v) for k, v in sorted(record.consent_mode.items())},
    }
    # Records from before jurisdictions keep the MAC they were signed with: the block is there only
    # when one of its values says something (and a migration's historical model has none of them).
    jurisdiction = {name: getattr(record, name, empty) for name, empty in _UNKNOWN_LOCATION_OPT_IN.items()}
    jurisdiction["gpc"] = bool(jurisdiction["gpc"])
    jurisdiction["us_opt_outs"] = sorted(jurisdiction["us_opt_outs"])
    if jurisdiction != _UNKNOWN_LOCATION_OPT_IN:
        content["jurisdiction"] = jurisdiction
    # Likewise for records from before screens were recorded (and erasure records): none.
    screen = getattr(record, "screen", "")
    if screen:
        content["screen"] = screen
    return _with_key_id(content, getattr(record, "key_id", ""))


def record_mac(record: Any) -> str:
    return mac_of(record_content(record), getattr(record, "key_id", ""))


def record_genuine(record: Any) -> bool:
    return genuine(record_content(record), record.mac, getattr(record, "key_id", ""))


def choice_digest(site_id: int, day: date, values: Mapping[str, Any]) -> str:
    """Identifies a recorded choice's content (consent.models.RecordedChoice), so that records of
    the same choice find the same row. `values` maps each of CHOICE_FIELDS to its value."""
    content = {"kind": "recorded-choice", "site_id": site_id, "day": day.isoformat(), **values}
    return hashlib.sha256(canonical_line(content).encode()).hexdigest()


class RecordMacTemplate:
    """`record_mac` for the many records that share everything but their per-record values.

    Records of one choice under one configuration differ only in `_per_record_content`, yet their
    canonical line is mostly the rest (the vendor and ATP lists, the TC and AC strings), which
    `record_mac` serialises again for every record. The template serialises it once, with a marker
    in place of each per-record value, and keeps the line cut at the markers; a record's line is
    then the pieces joined with its own values, JSON-encoded exactly as `canonical_line` would.
    The MAC is the same bytes' MAC: `verify_log` checks every record with `record_mac`."""

    def __init__(self, record: Any) -> None:
        self.key = _key(getattr(record, "key_id", ""))
        marker = "\u2060mac-template-{}\u2060"
        content = record_content(record)
        per_record = list(_per_record_content(record))
        for name in per_record:
            content[name] = marker.format(name)
        line = canonical_line(content)
        # Each marker is a JSON string of its own in the line (quotes included, U+2060 escaped).
        quoted = {name: json.dumps(marker.format(name), ensure_ascii=True) for name in per_record}
        holes = sorted(per_record, key=lambda name: line.index(quoted[name]))
        self.pieces: list[str] = []
        self.holes: tuple[str, ...] = tuple(holes)
        rest = line
        for name in holes:
            before, found, rest = rest.partition(quoted[name])
            if not found or quoted[name] in rest:
                raise ValueError(f"the record's content holds the marker of {name!r} more than once")
            self.pieces.append(before)
        self.pieces.append(rest)

    def mac(self, record: Any) -> str:
        values = _per_record_content(record)
        parts = [self.pieces[0]]
        for name, piece in zip(self.holes, self.pieces[1:], strict=True):
            parts.append(_json_string(values[name]))
            parts.append(piece)
        return hmac.new(self.key, "".join(parts).encode(), hashlib.sha256).hexdigest()


def digest_of(macs: Iterable[str]) -> tuple[int, int]:
    """(count, sum of the MACs as integers mod 2**256): a multiset digest that deletions can debit."""
    count = 0
    total = 0
    for value in macs:
        count += 1
        total = (total + int(value, 16)) % MODULUS
    return count, total


def digest_hex(total: int) -> str:
    return f"{total % MODULUS:064x}"


def seal_content(seal: Any) -> dict[str, Any]:
    return _with_key_id(
        {
            "kind": "consent-seal",
            "site_id": seal.site_id,
            "sequence": seal.sequence,
            "after_record_id": seal.after_record_id,
            "through_record_id": seal.through_record_id,
            "record_count": seal.record_count,
            "digest": seal.digest,
            "previous_mac": seal.previous_mac,
            "created_at": timestamp(seal.created_at),
        },
        getattr(seal, "key_id", ""),
    )


def deletion_content(deletion: Any) -> dict[str, Any]:
    return _with_key_id(
        {
            "kind": "consent-deletion",
            "site_id": deletion.site_id,
            "seal_id": deletion.seal_id,
            "reason": deletion.reason,
            "reference": deletion.reference,
            "record_count": deletion.record_count,
            "digest": deletion.digest,
            "created_at": timestamp(deletion.created_at),
        },
        getattr(deletion, "key_id", ""),
    )


def user_agent_hash(user_agent: str) -> str:
    """A keyed HMAC, not a plain hash: user agents are few enough that a dictionary of them would
    reverse a SHA-256. The key is derived from the consent key ring (kept out of the database)."""
    if not user_agent:
        return ""
    return hmac.new(
        keyring.user_agent_key(), user_agent.encode("utf-8", "replace"), hashlib.sha256
    ).hexdigest()


@functools.lru_cache(maxsize=4096)
def truncate_ip(address: str) -> str:
    """Keeps the network part only (IPv4 /24, IPv6 /48): enough for abuse statistics, not a person.
    Memoised: one address sends several requests in a row, and parsing it costs more than the rest
    of the record's per-visitor fields."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)

"""Google Additional Consent (AC) strings (tcf-spec.md §4.1).

v2 format: `2~<consented ids>~dv.<disclosed but not consented ids>`, ids dot-separated. An id that
is consented is not repeated after `dv.`. v1 (`1~<consented ids>`) is still read; it cannot say
which providers were disclosed, so the consented ids are the disclosed ones too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Longest AC string accepted: Google's ATP list holds ~650 ids of at most 5 digits.
MAX_AC_STRING_LENGTH = 16384


class ACStringError(ValueError):
    """The one error of the AC string codec: the text is not an AC string, or a value does not fit."""


_ID_LIST = re.compile(r"(?:[1-9][0-9]{0,8}(?:\.[1-9][0-9]{0,8})*)?")


def _ids(values: Iterable[int], name: str) -> frozenset[int]:
    ids = frozenset(values)
    for value in ids:
        if type(value) is not int or value < 1:
            raise ACStringError(f"{name}: Google ATP ids are positive integers, got {value!r}")
    return ids


def encode_ac_string(consented: Iterable[int], disclosed: Iterable[int]) -> str:
    """The v2 AC string for providers the user consented to among those disclosed.

    Consented ids count as disclosed even when `disclosed` leaves them out.
    """
    consented_ids = _ids(consented, "consented")
    refused = _ids(disclosed, "disclosed") - consented_ids
    return "2~{}~dv.{}".format(".".join(map(str, sorted(consented_ids))), ".".join(map(str, sorted(refused))))


def _parse_ids(text: str, where: str) -> list[int]:
    if not _ID_LIST.fullmatch(text):
        raise ACStringError(f"AC string: {where} must be dot-separated positive ids, got {text[:40]!r}")
    return [int(part) for part in text.split(".")] if text else []


def decode_ac_string(ac_string: str) -> tuple[frozenset[int], frozenset[int]]:
    """(consented, disclosed) provider ids; disclosed includes the consented ones."""
    if not isinstance(ac_string, str) or not ac_string:
        raise ACStringError("AC string: empty")
    if len(ac_string) > MAX_AC_STRING_LENGTH:
        raise ACStringError(
            f"AC string: {len(ac_string)} characters, over the limit of {MAX_AC_STRING_LENGTH}"
        )
    parts = ac_string.split("~")
    if parts[0] == "1":
        if len(parts) != 2:
            raise ACStringError("AC string: version 1 has the form 1~<ids>")
        consented = frozenset(_parse_ids(parts[1], "the consented ids"))
        return consented, consented
    if parts[0] != "2":
        raise ACStringError(f"AC string: unsupported version {parts[0][:10]!r} (expected 1 or 2)")
    if len(parts) != 3:
        raise ACStringError("AC string: version 2 has the form 2~<consented ids>~dv.<disclosed ids>")
    consented_list = _parse_ids(parts[1], "the consented ids")
    tail = parts[2]
    if tail == "dv":
        # Google allows dropping the final '.' when nothing is left after it.
        refused_list: list[int] = []
    elif tail.startswith("dv."):
        refused_list = _parse_ids(tail[3:], "the ids after 'dv.'")
    else:
        raise ACStringError(f"AC string: the third part must start with 'dv.', got {tail[:20]!r}")
    consented = frozenset(consented_list)
    if len(consented) != len(consented_list) or len(set(refused_list)) != len(refused_list):
        raise ACStringError("AC string: an id is repeated")
    if consented & set(refused_list):
        raise ACStringError("AC string: a consented id is repeated after 'dv.'")
    return consented, consented | frozenset(refused_list)

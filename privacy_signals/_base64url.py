"""Base64url text to bits, shared by the TC string and GPP decoders (both use the URL-safe alphabet
without padding, 6 bits per character, and must name the first bad character in their own error)."""

from __future__ import annotations

import binascii

BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
BASE64URL_SET = frozenset(BASE64URL)
# '-_' -> '+/' for binascii; '+/' -> '!' so that standard-alphabet characters fail strict decoding.
TO_STANDARD_BASE64 = bytes.maketrans(b"-_+/", b"+/!!")
# Completes the last 4-character group; the fill is cut off again by the shift in text_to_int.
_ZERO_FILL = ("", "AAA", "AA", "A")


def text_to_int(text: str, where: str, error: type[ValueError]) -> tuple[int, int]:
    """The unpadded base64url `text` as one int and its length in bits (6 per character).

    Raises `error` (the caller's codec error type) with `where` naming the segment."""
    if not text:
        raise error(f"{where} is empty")
    try:
        data = binascii.a2b_base64(
            (text + _ZERO_FILL[len(text) % 4]).encode("ascii").translate(TO_STANDARD_BASE64),
            strict_mode=True,
        )
    except (UnicodeEncodeError, binascii.Error):
        position = next((i for i, char in enumerate(text) if char not in BASE64URL_SET), None)
        if position is None:
            raise error(f"{where} is not valid base64url") from None
        raise error(
            f"{where}: character {text[position]!r} at position {position} is not base64url (A-Z a-z 0-9 - _)"
        ) from None
    nbits = len(text) * 6
    return int.from_bytes(data, "big") >> (len(data) * 8 - nbits), nbits

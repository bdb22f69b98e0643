"""Bit-level building blocks of GPP strings (Consent String Specification, "Creating a GPP String",
"Fibonacci Encoding" and "Section Encoding" data types).

A segment travels as base64url text, 6 bits per character, without '=' padding. It is turned into
one int with C-level primitives (base64 -> bytes -> int) and fields are cut from that int by
shifts; only the variable-length Fibonacci codes are read from '0'/'1' text, where `str.find`
locates each code's terminating "11".

Padding, as the reference library writes it: sections with the "recommended encoding" (the header,
usnat, the states, tcfcav1) pad the bits to a multiple of 8 and then of 6
(`compressed_length`); the TC string of tcfeuv2 pads to a multiple of 24, as TCF does. On input the
codec accepts any number of padding bits as long as they are all zero.
"""

from __future__ import annotations

import binascii
from bisect import bisect_right
from operator import sub

from privacy_signals import _base64url
from privacy_signals.gpp.errors import GppStringError

BASE64URL = _base64url.BASE64URL
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")

#: Fibonacci weights of code positions 0, 1, 2, ... (1, 2, 3, 5, 8, ...), up to 2**48: a longer
#: code cannot be a valid id or offset anywhere in GPP (ids are at most 16 bits).
FIBONACCI: tuple[int, ...]


def _fibonacci_weights() -> tuple[int, ...]:
    weights = [1, 2]
    while weights[-1] < 1 << 48:
        weights.append(weights[-1] + weights[-2])
    return tuple(weights)


FIBONACCI = _fibonacci_weights()


def text_to_int(text: str, where: str) -> tuple[int, int]:
    """The base64url `text` as one int and its length in bits (6 per character).

    `where` names the segment in error messages ("usnat core segment", ...)."""
    if text and text[-1] == "=":
        raise GppStringError(f"{where}: '=' padding is not allowed in GPP strings")
    return _base64url.text_to_int(text, where, GppStringError)


def int_to_text(value: int, nbits: int) -> str:
    """`nbits` bits (a multiple of 6) of `value` as base64url text."""
    padding = -nbits % 24
    data = (value << padding).to_bytes((nbits + padding) >> 3, "big")
    text = binascii.b2a_base64(data, newline=False).translate(_TO_URLSAFE).decode("ascii")
    return text[: nbits // 6] if padding else text


def compressed_length(nbits: int) -> int:
    """Bit length after the reference's padding: to a multiple of 8, then of 6."""
    nbits = -(-nbits // 8) * 8
    return -(-nbits // 6) * 6


def encode_compressed(value: int, nbits: int) -> str:
    """`value` (`nbits` bits) zero-padded as the reference pads recommended-encoding segments."""
    padded = compressed_length(nbits)
    return int_to_text(value << (padded - nbits), padded)


def bit_text(value: int, nbits: int) -> str:
    return format(value, "b").zfill(nbits)


def _zeckendorf_code(number: int) -> str:
    """The Fibonacci code of `number` >= 1, computed: Zeckendorf bits for weights 1, 2, 3, 5, ...
    (position 0 first), then a closing '1', so every code ends in the only "11" it holds."""
    top = bisect_right(FIBONACCI, number) - 1
    code = ["0"] * (top + 2)
    code[top + 1] = "1"
    position = top
    while number:
        if FIBONACCI[position] <= number:
            code[position] = "1"
            number -= FIBONACCI[position]
            position -= 2  # Zeckendorf: no two consecutive weights
        else:
            position -= 1
    return "".join(code)


# Ids and id offsets in GPP strings are small (section ids, vendor ids up to a few thousand), so
# the codes of 1..4095 and their values are tabulated once, at import: a constant table of the
# encoding (like a popcount table), not a memo of inputs, which is why clear_caches leaves it.
_CODE_TABLE_SIZE = 4096
_CODES = ("", *(_zeckendorf_code(number) for number in range(1, _CODE_TABLE_SIZE)))
_VALUES = {code: number for number, code in enumerate(_CODES) if number}
# A range entry holding a single id: IsAGroup 0, then the offset's code.
_SINGLE_ENTRIES = ("", *("0" + code for code in _CODES[1:]))


def fibonacci_code(number: int) -> str:
    """The Fibonacci code of `number` >= 1 (spec: "About Fibonacci Encoding")."""
    if 0 < number < _CODE_TABLE_SIZE:
        return _CODES[number]
    if number < 1:
        raise GppStringError(f"Fibonacci coding needs a number of at least 1, got {number}")
    if number >= FIBONACCI[-1]:
        raise GppStringError(f"{number} is too large for a Fibonacci-coded field")
    return _zeckendorf_code(number)


def read_fibonacci(bits: str, pos: int, field: str) -> tuple[int, int]:
    """The Fibonacci-coded number starting at `pos` and the position after its closing "11"."""
    end = bits.find("11", pos) + 2
    if end < 2:
        raise GppStringError(f"{field}: truncated at bit {pos} reading a Fibonacci-coded number")
    number = _VALUES.get(bits[pos:end])
    if number is not None:
        return number, end
    if end - pos > len(FIBONACCI):
        raise GppStringError(f"{field}: the Fibonacci-coded number at bit {pos} is too large")
    number = 0
    for offset, bit in enumerate(bits[pos : end - 1]):
        if bit == "1":
            number += FIBONACCI[offset]
    return number, end


def read_fibonacci_range(bits: str, pos: int, highest: int, field: str) -> tuple[list[int], int]:
    """A Range(Fibonacci) at `pos`: int(12) NumEntries, then per entry IsAGroup, the Fibonacci offset
    from the previous id and, for a group, the offset from its first id to its last. Ids above
    `highest` are refused before any group is expanded, so a crafted range costs nothing."""
    if pos + 12 > len(bits):
        raise GppStringError(f"{field}: truncated at bit {pos} reading NumEntries (needs 12 bits)")
    count = int(bits[pos : pos + 12], 2)
    pos += 12
    ids: list[int] = []
    last = 0
    size = len(bits)
    find = bits.find
    values = _VALUES
    for number in range(1, count + 1):
        if pos >= size:
            raise GppStringError(f"{field}: truncated at bit {pos} reading entry {number} of {count}")
        is_group = bits[pos] == "1"
        # The table lookups inline: a function call per code would double the cost of a range.
        code_end = find("11", pos + 1) + 2
        offset = values.get(bits[pos + 1 : code_end]) if code_end > 1 else None
        if offset is None:
            offset, code_end = read_fibonacci(bits, pos + 1, f"{field} entry {number}")
        pos = code_end
        start = last + offset
        end = start
        if is_group:
            code_end = find("11", pos) + 2
            length = values.get(bits[pos:code_end]) if code_end > 1 else None
            if length is None:
                length, code_end = read_fibonacci(bits, pos, f"{field} entry {number}")
            pos = code_end
            end = start + length
        if end > highest:
            raise GppStringError(
                f"{field}: entry {number} reaches id {end}; the highest allowed is {highest}"
            )
        if is_group:
            ids.extend(range(start, end + 1))
        else:
            ids.append(start)
        last = end
    return ids, pos


def fibonacci_range(ids: list[int]) -> str:
    """The Range(Fibonacci) bits of ascending, distinct ids >= 1 (consecutive ids form groups)."""
    if ids and ids[-1] < _CODE_TABLE_SIZE:
        offsets = list(map(sub, ids, [0, *ids[:-1]]))
        if 1 not in offsets[1:] and len(ids) <= 0xFFF and min(offsets) > 0:
            # No two ids adjacent, so every entry is a single id: one table lookup each, at C speed.
            return format(len(ids), "012b") + "".join(map(_SINGLE_ENTRIES.__getitem__, offsets))
    codes = _CODES
    table = _CODE_TABLE_SIZE
    parts = [""]
    append = parts.append
    groups = 0
    last = 0
    index = 0
    count = len(ids)
    while index < count:
        start = end = ids[index]
        index += 1
        while index < count and ids[index] == end + 1:
            end += 1
            index += 1
        groups += 1
        step = start - last
        code = codes[step] if 0 < step < table else fibonacci_code(step)
        if end == start:
            append("0" + code)
        else:
            length = end - start
            append("1" + code + (codes[length] if length < table else fibonacci_code(length)))
        last = end
    if groups > 0xFFF:
        raise GppStringError(f"{groups} groups of ids do not fit a range's NumEntries (at most 4095)")
    parts[0] = format(groups, "012b")
    return "".join(parts)

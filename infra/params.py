"""Query parameters, read one way everywhere: a parameter given twice or malformed is a 400 that
names it."""

from __future__ import annotations

from django.http import QueryDict

from infra.errors import bad_request

MAX_ID = 2**31 - 1
TRUE_WORDS, FALSE_WORDS = frozenset({"1", "true", "yes"}), frozenset({"", "0", "false", "no"})


def _single(params: QueryDict, name: str) -> str | None:
    values = params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise bad_request(f"'{name}' is given {len(values)} times; give it once.", name, "invalid_parameter")
    return values[0]


def int_param(params: QueryDict, name: str, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """A whole number from `minimum` to `maximum` in ASCII digits, or None when absent."""
    raw = _single(params, name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or not minimum <= int(raw) <= maximum:
        raise bad_request(
            f"'{name}' must be a whole number from {minimum} to {maximum}, not {raw[:40]!r}.",
            name,
            "invalid_parameter",
        )
    return int(raw)


def bool_param(params: QueryDict, name: str) -> bool:
    raw = (_single(params, name) or "").strip().lower()
    if raw not in TRUE_WORDS | FALSE_WORDS:
        raise bad_request(f"'{name}' must be true or false, not {raw[:40]!r}.", name, "invalid_parameter")
    return raw in TRUE_WORDS


def str_param(params: QueryDict, name: str) -> str | None:
    return _single(params, name)

"""Query parameters, read one way everywhere: a parameter given twice or malformed is a 400 that
names it."""

from __future__ import annotations

from datetime import UTC, datetime

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


def only(params: QueryDict, allowed: frozenset[str] | set[str]) -> None:
    """400 naming the first parameter this endpoint does not know (a typo must not pass silently)."""
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise bad_request(
            f"Unknown parameter(s): {', '.join(unknown)}. Known: {', '.join(sorted(allowed)) or 'none'}.",
            unknown[0],
            "unknown_parameter",
        )


def datetime_param(params: QueryDict, name: str) -> datetime | None:
    """An ISO 8601 date or time with its offset (a date means its UTC midnight)."""
    raw = _single(params, name)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        value = None
    if value is None or (value.tzinfo is None and "T" in raw):
        raise bad_request(
            f"'{name}' must be an ISO 8601 date or a time with its offset, e.g. 2026-12-01T00:00:00Z; "
            f"not {raw[:40]!r}.",
            name,
            "invalid_parameter",
        )
    return value if value.tzinfo else value.replace(tzinfo=UTC)

"""The body of `POST /consents`, checked field by field into a `ChoiceRequest`.

Only the shape is checked here (types, known keys, id ranges); whether a vendor or ATP is one the
site discloses is checked against the site's catalogue in `consent/disclosure.py`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from cmp.memo import BoundedLru
from consent.errors import ApiError, bad_request
from consent.models import CATEGORY_SLUGS, ConsentAction

ALLOWED_KEYS = frozenset(
    {
        "user_id",
        "action",
        "language",
        "categories",
        "purposes",
        "purpose_li_objections",
        "special_features",
        "vendors",
        "vendor_li_objections",
        "atps",
    }
)
PUBLIC_ACTIONS = (
    ConsentAction.ACCEPT_ALL,
    ConsentAction.REJECT_ALL,
    ConsentAction.CUSTOM,
    ConsentAction.WITHDRAW,
)
USER_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
MAX_LIST_LENGTH = 5000


@dataclass(frozen=True)
class ChoiceRequest:
    action: str
    user_id: str | None = None
    language: str | None = None
    categories: dict[str, bool] = field(default_factory=dict)
    purposes: frozenset[int] = frozenset()
    purpose_li_objections: frozenset[int] = frozenset()
    special_features: frozenset[int] = frozenset()
    vendors: frozenset[int] = frozenset()
    vendor_li_objections: frozenset[int] = frozenset()
    atps: frozenset[int] = frozenset()


def parse_json_body(raw: bytes) -> Any:
    if not raw.strip():
        raise bad_request("The request body is empty; send a JSON object.", code="malformed_json")
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise bad_request("The request body is not UTF-8 text.", code="malformed_json") from None
    except json.JSONDecodeError as exc:
        raise bad_request(
            f"The request body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}.",
            code="malformed_json",
        ) from None


def _id_list(body: dict[str, Any], name: str, upper: int) -> frozenset[int]:
    value = body.get(name)
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise bad_request(f"'{name}' must be a list of integers, not {type(value).__name__}.", name)
    if len(value) > MAX_LIST_LENGTH:
        raise bad_request(f"'{name}' has {len(value)} entries; at most {MAX_LIST_LENGTH} are accepted.", name)
    ids = set()
    for item in value:
        # bool is an int subclass in Python; true/false are not ids.
        if not isinstance(item, int) or isinstance(item, bool):
            raise bad_request(f"'{name}' must contain integers only; found {json.dumps(item)}.", name)
        if not 1 <= item <= upper:
            raise bad_request(f"'{name}' contains {item}, outside 1..{upper}.", name)
        ids.add(item)
    return frozenset(ids)


def parse_choice_request(payload: Any) -> ChoiceRequest:
    if not isinstance(payload, dict):
        raise bad_request(f"The body must be a JSON object, not {type(payload).__name__}.")
    unknown = sorted(set(payload) - ALLOWED_KEYS)
    if unknown:
        raise bad_request(
            f"Unknown field(s): {', '.join(unknown)}. Allowed: {', '.join(sorted(ALLOWED_KEYS))}.",
            unknown[0],
            code="unknown_field",
        )
    action = payload.get("action")
    if not isinstance(action, str) or action not in PUBLIC_ACTIONS:
        raise bad_request(
            f"'action' must be one of {', '.join(PUBLIC_ACTIONS)}; got {json.dumps(action)}.", "action"
        )
    user_id = payload.get("user_id")
    if user_id is not None and (not isinstance(user_id, str) or not USER_ID_PATTERN.fullmatch(user_id)):
        raise bad_request(
            "'user_id' must be the opaque id returned by an earlier answer (16-64 characters of "
            "A-Z, a-z, 0-9, '-' and '_'), or omitted.",
            "user_id",
        )
    language = payload.get("language")
    if language is not None and (not isinstance(language, str) or not re.fullmatch(r"[a-zA-Z]{2}", language)):
        raise bad_request("'language' must be a two-letter ISO 639-1 code such as \"en\".", "language")
    categories = payload.get("categories")
    parsed_categories: dict[str, bool] = {}
    if categories is not None:
        if not isinstance(categories, dict):
            raise bad_request(
                "'categories' must be an object mapping category slugs to true/false.", "categories"
            )
        for slug, allowed in categories.items():
            if slug not in CATEGORY_SLUGS:
                raise bad_request(
                    f"Unknown category {slug!r}; known: {', '.join(CATEGORY_SLUGS)}.", "categories"
                )
            if not isinstance(allowed, bool):
                raise bad_request(f"'categories.{slug}' must be true or false.", "categories")
            if slug == "necessary" and not allowed:
                raise bad_request(
                    "Necessary cookies are always active; 'necessary' cannot be false.", "categories"
                )
            parsed_categories[slug] = allowed
    return ChoiceRequest(
        action=action,
        user_id=user_id,
        language=language.lower() if language else None,
        categories=parsed_categories,
        purposes=_id_list(payload, "purposes", 24),
        purpose_li_objections=_id_list(payload, "purpose_li_objections", 24),
        special_features=_id_list(payload, "special_features", 12),
        vendors=_id_list(payload, "vendors", 65535),
        vendor_li_objections=_id_list(payload, "vendor_li_objections", 65535),
        atps=_id_list(payload, "atps", 1_000_000),
    )


# A first-layer button sends the same few bytes for every new visitor (no user id yet), so those
# bodies are parsed once. Bodies carrying a user id are each visitor's own and are not kept; nor are
# long ones (a first-layer body is well under this), so the memo stays small.
_FIRST_CHOICES: BoundedLru[bytes, ChoiceRequest] = BoundedLru(256)
_LONGEST_KEPT_BODY = 1024


def choice_request_from_body(raw: bytes) -> ChoiceRequest:
    """`parse_choice_request(parse_json_body(raw))`, remembered for short bodies without a user id."""
    request = _FIRST_CHOICES.get(raw)
    if request is None:
        request = parse_choice_request(parse_json_body(raw))
        if request.user_id is None and len(raw) <= _LONGEST_KEPT_BODY:
            _FIRST_CHOICES.put(raw, request)
    return request


__all__ = ["ApiError", "ChoiceRequest", "choice_request_from_body", "parse_choice_request", "parse_json_body"]

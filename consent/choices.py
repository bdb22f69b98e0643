"""The body of `POST /api/v1/sites/<key>/consents`: one definition that validates it and documents it.

`CHOICE_BODY` lists every field with its type, limits and description. `parse_choice_request`
checks a decoded body against it into a `ChoiceRequest`, with messages built from the same limits,
and `CHOICE_BODY.openapi_schema()` is the request schema drf-spectacular publishes, so the two cannot
disagree. Only the shape is checked here; whether a vendor or ATP is one the site discloses is
checked against the site's catalogue when the choice is resolved (consent/tc_builder.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from consent.models import ConsentAction, ConsentScreen
from infra.body import Body, BodyField
from infra.errors import ApiError, bad_request
from infra.lru import BoundedLru
from sites.models import CATEGORY_SLUGS

PUBLIC_ACTIONS = (
    ConsentAction.ACCEPT_ALL,
    ConsentAction.REJECT_ALL,
    ConsentAction.CUSTOM,
    ConsentAction.WITHDRAW,
    ConsentAction.OPT_OUT,
)
#: What the US notice lets a visitor opt out of: sale, sharing and targeted advertising together
#: ("Do Not Sell or Share My Personal Information"), and the use of sensitive data ("Limit the Use
#: of My Sensitive Personal Information").
US_OPT_OUTS = ("sale_sharing", "sensitive_data")
USER_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
USER_ID_DESCRIPTION = "16-64 characters of A-Z, a-z, 0-9, '-' and '_'"
WRITE_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
WRITE_TOKEN_DESCRIPTION = "43 characters of A-Z, a-z, 0-9, '-' and '_'"  # noqa: S105 - a description
LANGUAGE_PATTERN = re.compile(r"[a-zA-Z]{2}(-[a-zA-Z]{2,4})?")
MAX_LIST_LENGTH = 5000


@dataclass(frozen=True)
class ChoiceRequest:
    action: str
    user_id: str | None = None
    write_token: str | None = None
    language: str | None = None
    categories: dict[str, bool] = field(default_factory=dict)
    purposes: frozenset[int] = frozenset()
    purpose_li_objections: frozenset[int] = frozenset()
    special_features: frozenset[int] = frozenset()
    vendors: frozenset[int] = frozenset()
    vendor_li_objections: frozenset[int] = frozenset()
    atps: frozenset[int] = frozenset()
    custom_purposes: frozenset[int] = frozenset()
    opt_outs: frozenset[str] = frozenset()
    gpc: bool = False
    # None: the banner did not say; the action decides (consent.models.default_screen).
    screen: str | None = None


def _parse_screen(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in ConsentScreen.values:
        raise bad_request(
            f"'{name}' must be one of {', '.join(ConsentScreen.values)}; got {json.dumps(value)}.", name
        )
    return value


def _parse_opt_outs(name: str, value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(x, str) and x in US_OPT_OUTS for x in value):
        raise bad_request(f"'{name}' must be a list of {', '.join(US_OPT_OUTS)}.", name)
    return frozenset(value)


def _parse_flag(name: str, value: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise bad_request(f"'{name}' must be true or false.", name)
    return value


def _parse_action(name: str, value: Any) -> str:
    if not isinstance(value, str) or value not in PUBLIC_ACTIONS:
        raise bad_request(
            f"'{name}' must be one of {', '.join(PUBLIC_ACTIONS)}; got {json.dumps(value)}.", name
        )
    return value


def _parse_user_id(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not USER_ID_PATTERN.fullmatch(value):
        raise bad_request(
            f"'{name}' must be the opaque id returned by an earlier answer ({USER_ID_DESCRIPTION}), "
            "or omitted.",
            name,
        )
    return value


def _parse_write_token(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not WRITE_TOKEN_PATTERN.fullmatch(value):
        raise bad_request(
            f"'{name}' must be the write token returned with the visitor id ({WRITE_TOKEN_DESCRIPTION}).",
            name,
        )
    return value


def _parse_language(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not LANGUAGE_PATTERN.fullmatch(value):
        raise bad_request(f'\'{name}\' must be a language code such as "en" or "pt-br".', name)
    return value.lower()


def _parse_categories(name: str, value: Any) -> dict[str, bool]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad_request(f"'{name}' must be an object mapping category slugs to true/false.", name)
    parsed: dict[str, bool] = {}
    for slug, allowed in value.items():
        if slug not in CATEGORY_SLUGS:
            raise bad_request(f"Unknown category {slug!r}; known: {', '.join(CATEGORY_SLUGS)}.", name)
        if not isinstance(allowed, bool):
            raise bad_request(f"'{name}.{slug}' must be true or false.", name)
        if slug == "necessary" and not allowed:
            raise bad_request("Necessary cookies are always active; 'necessary' cannot be false.", name)
        parsed[slug] = allowed
    return parsed


def _id_list(upper: int) -> Callable[[str, Any], frozenset[int]]:
    def parse(name: str, value: Any) -> frozenset[int]:
        if value is None:
            return frozenset()
        if not isinstance(value, list):
            raise bad_request(f"'{name}' must be a list of integers, not {type(value).__name__}.", name)
        if len(value) > MAX_LIST_LENGTH:
            raise bad_request(
                f"'{name}' has {len(value)} entries; at most {MAX_LIST_LENGTH} are accepted.", name
            )
        ids = set()
        for item in value:
            # bool is an int subclass in Python; true/false are not ids.
            if not isinstance(item, int) or isinstance(item, bool):
                raise bad_request(f"'{name}' must contain integers only; found {json.dumps(item)}.", name)
            if not 1 <= item <= upper:
                raise bad_request(f"'{name}' contains {item}, outside 1..{upper}.", name)
            ids.add(item)
        return frozenset(ids)

    return parse


def _ids(name: str, upper: int, description: str) -> BodyField:
    schema = {
        "type": "array",
        "maxItems": MAX_LIST_LENGTH,
        "items": {"type": "integer", "minimum": 1, "maximum": upper},
    }
    return BodyField(name, description, schema, _id_list(upper))


CHOICE_BODY = Body(
    BodyField(
        "action",
        "What the visitor did: a first-layer button, a saved custom choice, or a withdrawal.",
        {"type": "string", "enum": [str(a) for a in PUBLIC_ACTIONS]},
        _parse_action,
        required=True,
    ),
    BodyField(
        "user_id",
        f"The visitor's id from an earlier answer ({USER_ID_DESCRIPTION}); omit for a new visitor.",
        {"type": "string", "pattern": f"^{USER_ID_PATTERN.pattern}$"},
        _parse_user_id,
    ),
    BodyField(
        "write_token",
        "The write token answered with the visitor id on their first choice; required with 'user_id'. "
        f"Keep it in first-party storage and send it only here ({WRITE_TOKEN_DESCRIPTION}).",
        {"type": "string", "pattern": f"^{WRITE_TOKEN_PATTERN.pattern}$"},
        _parse_write_token,
    ),
    BodyField(
        "language",
        'Code of the language the banner was shown in (its `site.language`), e.g. "de" or "pt-br".',
        {"type": "string", "pattern": f"^{LANGUAGE_PATTERN.pattern}$"},
        _parse_language,
    ),
    BodyField(
        "categories",
        "Cookie categories allowed (true) or refused (false); 'necessary' cannot be false.",
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {slug: {"type": "boolean"} for slug in CATEGORY_SLUGS},
        },
        _parse_categories,
    ),
    _ids("purposes", 24, "TCF purposes consented to (custom choices)."),
    _ids("purpose_li_objections", 24, "TCF purposes whose legitimate interest the visitor objected to."),
    _ids("special_features", 12, "TCF special features opted in to."),
    _ids("vendors", 65535, "GVL vendors consented to."),
    _ids("vendor_li_objections", 65535, "GVL vendors whose legitimate interest the visitor objected to."),
    _ids("atps", 1_000_000, "Google Ad Tech Providers consented to."),
    _ids(
        "custom_purposes",
        64,
        "The publisher's own custom purposes on consent (PublisherTC) consented to (custom choices).",
    ),
    BodyField(
        "opt_outs",
        "With action opt_out (the US notice): sale_sharing (Do Not Sell or Share My Personal "
        "Information, which covers targeted advertising) and/or sensitive_data (Limit the Use of My "
        "Sensitive Personal Information); empty: the notice was acknowledged without an opt-out.",
        {"type": "array", "items": {"type": "string", "enum": list(US_OPT_OUTS)}, "uniqueItems": True},
        _parse_opt_outs,
    ),
    BodyField(
        "gpc",
        "navigator.globalPrivacyControl as the banner read it (the Sec-GPC header counts too). In a "
        "US experience it is an opt-out of sale, sharing and targeted advertising; elsewhere it is "
        "recorded and changes nothing the visitor did not choose.",
        {"type": "boolean"},
        _parse_flag,
    ),
    BodyField(
        "screen",
        "Where in the banner the visitor chose: first_layer (its buttons) or preferences (the "
        "preferences dialog, which has Accept All and Reject All too). It is recorded and is the TC "
        "string's ConsentScreen (1 and 2). Omitted: preferences for custom, first_layer otherwise.",
        {"type": "string", "enum": list(ConsentScreen.values)},
        _parse_screen,
    ),
)


# The body of `POST .../users/<id>/receipt`: the visitor proves the id is theirs with its token.
RECEIPT_BODY = Body(
    BodyField(
        "write_token",
        f"The write token answered with the visitor id on their first choice ({WRITE_TOKEN_DESCRIPTION}).",
        {"type": "string", "pattern": f"^{WRITE_TOKEN_PATTERN.pattern}$"},
        _parse_write_token,
        required=True,
    ),
)


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
    except RecursionError:
        raise bad_request("The request body is nested too deeply.", code="malformed_json") from None


def parse_choice_request(payload: Any) -> ChoiceRequest:
    return ChoiceRequest(**CHOICE_BODY.parse(payload))


# A first-layer button sends the same few bytes for every new visitor (no user id yet), so those
# bodies are parsed once: a content-addressed memo (the key is the whole input). Bodies carrying a
# user id are each visitor's own and are not kept; nor are long ones (a first-layer body is well
# under this), so the memo stays small.
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


__all__ = [
    "CHOICE_BODY",
    "RECEIPT_BODY",
    "ApiError",
    "ChoiceRequest",
    "choice_request_from_body",
    "parse_choice_request",
    "parse_json_body",
]

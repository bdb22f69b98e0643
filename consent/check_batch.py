"""`POST .../consent-checks`: many check questions in one request, each answered by the same rules as
the single check (consent/check.py), in the order asked. A malformed question gets its own error
entry; the others are still answered."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from consent.check import CHECK_PARAMETERS, US_QUESTIONS, check_processing
from consent.choices import USER_ID_DESCRIPTION, USER_ID_PATTERN
from infra.body import Body, BodyField
from infra.config import cache
from infra.errors import ApiError, bad_request
from sites.models import CATEGORY_SLUGS, Site

MAX_QUESTIONS = 500
#: The single check's query parameters a question may carry, and their JSON types.
QUESTION_FIELDS: dict[str, dict[str, Any]] = {
    "vendor": {"type": "integer", "minimum": 1},
    "purpose": {"type": "integer", "minimum": 1},
    "special_feature": {"type": "integer", "minimum": 1},
    "category": {"type": "string", "enum": list(CATEGORY_SLUGS)},
    "atp": {"type": "integer", "minimum": 1},
    "us": {"type": "string", "enum": list(US_QUESTIONS)},
}
assert tuple(QUESTION_FIELDS) == CHECK_PARAMETERS, "a question carries what the single check takes"


def _parse_questions(name: str, value: Any) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise bad_request(f"'{name}' must be a non-empty list of questions.", name)
    if len(value) > MAX_QUESTIONS:
        raise bad_request(f"'{name}' has {len(value)} questions; at most {MAX_QUESTIONS} per request.", name)
    return value


CHECK_BATCH_BODY = Body(
    BodyField(
        "questions",
        "Each question: a user id and what the single check takes (vendor, optionally with purpose; "
        "purpose; special_feature, optionally with vendor; category; atp; us).",
        {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_QUESTIONS,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["user_id"],
                "properties": {
                    "user_id": {"type": "string", "pattern": f"^{USER_ID_PATTERN.pattern}$"},
                    **QUESTION_FIELDS,
                },
            },
        },
        _parse_questions,
        required=True,
    )
)


def _question(item: Any) -> tuple[str, QueryDict]:
    if not isinstance(item, dict):
        raise bad_request('A question is an object such as {"user_id": "...", "vendor": 755}.')
    unknown = sorted(set(item) - {"user_id", *QUESTION_FIELDS})
    if unknown:
        raise bad_request(
            f"Unknown field(s) in a question: {', '.join(unknown)}.", unknown[0], "unknown_field"
        )
    user_id = item.get("user_id")
    if not isinstance(user_id, str) or not USER_ID_PATTERN.fullmatch(user_id):
        raise bad_request(f"'user_id' must be a user id ({USER_ID_DESCRIPTION}).", "user_id")
    params = QueryDict(mutable=True)
    for name in QUESTION_FIELDS:
        if name in item:
            value = item[name]
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise bad_request(f"'{name}' must be a {QUESTION_FIELDS[name]['type']}.", name)
            params[name] = str(value)
    return user_id, params


def check_batch(site: Site, questions: list[Any]) -> tuple[object, list[dict[str, Any]]]:
    """The configuration version every answer was read under (a fresh object when they differ, so
    that the caller's consistency check repeats the batch), and the answers."""
    versions: set[object] = set()
    answers: list[dict[str, Any]] = []
    for item in questions:
        try:
            user_id, params = _question(item)
            version, answer = check_processing(site, user_id, params)
        except ApiError as error:
            answers.append(error.body())
            continue
        versions.add(version)
        answers.append(answer)
    if len(versions) > 1:
        return object(), answers
    # No question reached the log: nothing depended on a version the cache has not seen.
    return (versions.pop() if versions else cache.observed_version), answers

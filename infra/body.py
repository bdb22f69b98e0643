"""A request body's one definition: the fields that parse and validate it are also its published
schema (`Body.openapi_schema()`), so the two cannot disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infra.errors import bad_request


@dataclass(frozen=True)
class BodyField:
    name: str
    description: str
    schema: dict[str, Any]
    #: (field name, the body's value or None) -> the parsed value; raises ApiError (400).
    parse: Callable[[str, Any], Any]
    required: bool = False


class Body:
    def __init__(self, *fields: BodyField) -> None:
        self.fields = fields
        self.names = frozenset(f.name for f in fields)

    def parse(self, payload: Any) -> dict[str, Any]:
        if not isinstance(payload, dict):
            raise bad_request(f"The body must be a JSON object, not {type(payload).__name__}.")
        unknown = sorted(set(payload) - self.names)
        if unknown:
            raise bad_request(
                f"Unknown field(s): {', '.join(unknown)}. Allowed: {', '.join(sorted(self.names))}.",
                unknown[0],
                code="unknown_field",
            )
        return {f.name: f.parse(f.name, payload.get(f.name)) for f in self.fields}

    def openapi_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "required": [f.name for f in self.fields if f.required],
            "properties": {f.name: {**f.schema, "description": f.description} for f in self.fields},
        }

"""The canonical JSON of a GPP string (docs/gpp-canonical-json.md), spoken by `manage.py gpp`.

    {"gppString": "DBABLA~CVVVkkkkkpFY.YA", "sectionIds": [7],
     "sections": {"usnat": {"Version": 2, "SharingNotice": 1, ..., "Gpc": false}}}

`json.dumps(model_to_canonical(model, gpp_string), sort_keys=True, separators=(",", ":"))` is the
exact line the command prints, and the line the Node adapter over `@iabgpp/cmpapi` prints for the
same string (tests/privacy_signals/gpp/reference/iabgpp.mjs). Values are as JSON.stringify writes
the reference's: datetimes as ISO-8601 UTC with milliseconds, RangeEntry as {"key", "type", "ids"}.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from privacy_signals.gpp.errors import GppStringError
from privacy_signals.gpp.model import FieldValue, GppModel, RangeEntry

#: Fields whose JSON form is an ISO-8601 date, by section.
DATETIME_FIELDS = {name: frozenset({"Created", "LastUpdated"}) for name in ("tcfeuv2", "tcfcav1")}


def iso(moment: dt.datetime) -> str:
    """ISO-8601 UTC with milliseconds, as JavaScript's Date.toISOString() writes it."""
    moment = moment.astimezone(dt.UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def value_to_json(value: FieldValue) -> Any:
    if isinstance(value, tuple):
        return [
            {"key": item.key, "type": item.type, "ids": list(item.ids)}
            if isinstance(item, RangeEntry)
            else item
            for item in value
        ]
    if isinstance(value, dt.datetime):
        return iso(value)
    return value


def model_to_canonical(model: GppModel, gpp_string: str) -> dict[str, Any]:
    """The canonical JSON object of a decoded (or encoded) model; `gpp_string` is echoed verbatim."""
    return {
        "gppString": gpp_string,
        "sectionIds": list(model.section_ids),
        "sections": {
            name: {field: value_to_json(value) for field, value in fields.items()}
            for name, fields in model.items()
        },
    }


def _datetime(text: object, where: str) -> dt.datetime:
    if isinstance(text, dt.datetime):
        return text
    if not isinstance(text, str):
        raise GppStringError(f"{where} must be an ISO-8601 date, got {text!r}")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise GppStringError(f"{where} is not an ISO-8601 date: {text!r}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def model_from_canonical(obj: Any) -> GppModel:
    """The model a canonical JSON object describes: `{"sections": {name: {field: value}}}`, fields
    not given at the reference's defaults. `gppString` and `sectionIds` (as `model_to_canonical`
    writes them) are ignored, so a decoded line can be edited and encoded again."""
    if not isinstance(obj, Mapping):
        raise GppStringError(f"expected a JSON object, got {type(obj).__name__}")
    unknown = set(obj) - {"sections", "gppString", "sectionIds"}
    if unknown:
        raise GppStringError(f"unknown keys {sorted(unknown)}; expected 'sections'")
    sections = obj.get("sections")
    if not isinstance(sections, Mapping):
        raise GppStringError("'sections' must be an object of section name to fields")
    converted: dict[str, Mapping[str, object]] = {}
    for name, fields in sections.items():
        if not isinstance(fields, Mapping):
            raise GppStringError(f"section {name!r}: fields must be an object, got {fields!r}")
        dates = DATETIME_FIELDS.get(name, frozenset())
        converted[name] = {
            field: _datetime(value, f"{name}.{field}") if field in dates else value
            for field, value in fields.items()
        }
    return GppModel(converted)

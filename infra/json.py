"""The API's JSON bytes: compact UTF-8, strict (no NaN), U+2028/2029 escaped for old script parsers."""

from __future__ import annotations

import json
from typing import Any


def render_json(data: Any) -> bytes:
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()

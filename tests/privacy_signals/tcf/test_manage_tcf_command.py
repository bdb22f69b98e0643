"""`manage.py tcf decode|encode` speaks the canonical JSON contract line by line."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from privacy_signals.tcf import decode, model_to_canonical

SPEC_EXAMPLE = "CQSbk4AQSbk4ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA.IDKQA4AAgAKAGQAygAAA"


def canonical_line(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def test_decode_prints_one_canonical_line_per_input_and_goes_on_after_errors(
    manage: Callable[..., Any], vectors: list[dict[str, Any]]
) -> None:
    strings = [SPEC_EXAMPLE, "not a tc string!", vectors[-1]["tcString"]]
    result = manage("tcf", "decode", input_text="\n".join(strings) + "\n")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0] == canonical_line(model_to_canonical(decode(SPEC_EXAMPLE), SPEC_EXAMPLE))
    assert lines[2] == canonical_line(model_to_canonical(decode(strings[2]), strings[2]))
    error = json.loads(lines[1])
    assert error["input"] == "not a tc string!"
    assert error["error"]["name"] == "TCStringError"
    assert "not base64url" in error["error"]["message"]
    assert lines[1] == canonical_line(error)


def test_decode_exits_zero_when_every_line_decodes(manage: Callable[..., Any]) -> None:
    result = manage("tcf", "decode", input_text=SPEC_EXAMPLE + "\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["vendorsDisclosed"] == [1, 2, 3, 4, 5, 100, 404]


def test_encode_reproduces_the_spec_example_and_reports_bad_lines(manage: Callable[..., Any]) -> None:
    request = {
        "createdDeciseconds": 17489088000,
        "lastUpdated": "2025-06-03T00:00:00.000Z",
        "cmpId": 880,
        "vendorListVersion": 48,
        "policyVersion": 2,
        "publisherCountryCode": "DE",
        "vendorConsents": [1, 2, 3, 4],
        "vendorsDisclosed": [1, 2, 3, 4, 5, 100, 404],
    }
    bad = {"createdDeciseconds": 1, "lastUpdatedDeciseconds": 1, "purposeConsents": [25]}
    result = manage(
        "tcf", "encode", input_text="\n".join([json.dumps(request), json.dumps(bad), "{oops"]) + "\n"
    )
    assert result.returncode == 1, result.stderr
    first, second, third = (json.loads(line) for line in result.stdout.splitlines())
    assert first["tcString"] == SPEC_EXAMPLE
    assert first == model_to_canonical(decode(SPEC_EXAMPLE), SPEC_EXAMPLE)
    assert "purpose_consents" in second["error"]["message"]
    assert second["input"] == json.dumps(bad)
    assert "not JSON" in third["error"]["message"]

"""`manage.py gpp decode|encode` speaks the canonical JSON contract (docs/gpp-canonical-json.md)
line by line, like `manage.py tcf`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from privacy_signals.gpp import decode, model_to_canonical

TCF_AND_USNAT = (
    "DBACMMA~CPSG_8APSG_8ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA.IDKQA4AAgAKAGQAygAAA.YAAAAAAAAAAA~CVVVkkkkkpFY.YA"
)


def canonical_line(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def test_decode_prints_one_canonical_line_per_input_and_goes_on_after_errors(
    manage: Callable[..., Any],
) -> None:
    strings = [TCF_AND_USNAT, "DBABLA~CVVVkkkkkpFY.IA", "DBABTA~1YNN"]
    result = manage("gpp", "decode", input_text="\n".join(strings) + "\n")
    assert result.returncode == 1, result.stderr
    first, second, third = result.stdout.splitlines()
    assert first == canonical_line(model_to_canonical(decode(TCF_AND_USNAT), TCF_AND_USNAT))
    decoded = json.loads(first)
    assert decoded["sectionIds"] == [2, 7]
    assert decoded["sections"]["tcfeuv2"]["VendorConsents"] == [1, 2, 3, 4]
    assert decoded["sections"]["usnat"]["SaleOptOut"] == 1
    error = json.loads(second)
    assert error["input"] == strings[1]
    assert error["error"]["name"] == "GppStringError"
    assert "GpcSegmentType is 0" in error["error"]["message"]
    assert json.loads(third)["sections"]["uspv1"] == {
        "Version": 1,
        "Notice": "Y",
        "OptOutSale": "N",
        "LspaCovered": "N",
    }
    assert "1 of 3 lines failed" in result.stderr


def test_encode_writes_the_string_and_its_fields_and_reports_bad_lines(manage: Callable[..., Any]) -> None:
    request = {
        "sections": {
            "usca": {"SaleOptOutNotice": 1, "SaleOptOut": 1, "Gpc": True},
            "usnat": {"SaleOptOutNotice": 1, "SaleOptOut": 1, "SharingOptOut": 1, "Gpc": True},
        }
    }
    decoded_line = canonical_line(model_to_canonical(decode(TCF_AND_USNAT), TCF_AND_USNAT))
    bad = {"sections": {"usnat": {"SaleOptOut": 3}}}
    lines = [json.dumps(request), decoded_line, json.dumps(bad), "{oops"]
    result = manage("gpp", "encode", input_text="\n".join(lines) + "\n")
    assert result.returncode == 1, result.stderr
    first, second, third, fourth = (json.loads(line) for line in result.stdout.splitlines())
    assert first["sectionIds"] == [7, 8]
    assert first == model_to_canonical(decode(first["gppString"]), first["gppString"])
    assert first["sections"]["usca"]["Gpc"] is True
    # A decoded line encodes back to the same string: the contract round-trips.
    assert second["gppString"] == TCF_AND_USNAT
    assert "SaleOptOut must be an integer 0-2, got 3" in third["error"]["message"]
    assert "not JSON" in fourth["error"]["message"]


def test_decode_exits_zero_when_every_line_decodes(manage: Callable[..., Any]) -> None:
    result = manage("gpp", "decode", input_text="DBAA\nDBABLA~CAAAAAAAAABA.QA\n")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["sectionIds"] for line in result.stdout.splitlines()] == [[], [7]]

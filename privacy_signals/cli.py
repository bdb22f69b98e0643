"""The codecs on stdin/stdout, one input per line (the contracts of docs/tcf-canonical-json.md and
docs/gpp-canonical-json.md).

    python -m privacy_signals tcf decode < strings.txt
    python -m privacy_signals tcf encode < models.jsonl
    python -m privacy_signals gpp decode < gpp-strings.txt
    python -m privacy_signals gpp encode < sections.jsonl

decode: one string per line in, one canonical JSON line out. encode: one canonical JSON object per
line in, the canonical JSON of the encoded string out. A line that fails prints
`{"error":{"message":...,"name":...},"input":...}` and the run goes on; the exit status is 1 when any
line failed. `manage.py tcf` and `manage.py gpp` are these same commands inside the project.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

from privacy_signals import gpp
from privacy_signals.tcf import TCStringError, decode, encode, model_from_canonical, model_to_canonical

LineHandler = Callable[[str], dict[str, Any]]


def canonical_line(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def _json_line(line: str, error: type[Exception]) -> Any:
    try:
        return json.loads(line)
    except ValueError as exc:
        raise error(f"the line is not JSON: {exc}") from None


def tcf_decode_line(line: str) -> dict[str, Any]:
    return model_to_canonical(decode(line), line)


def tcf_encode_line(line: str) -> dict[str, Any]:
    model = model_from_canonical(_json_line(line, TCStringError))
    return model_to_canonical(model, encode(model))


def gpp_decode_line(line: str) -> dict[str, Any]:
    return gpp.model_to_canonical(gpp.decode(line), line)


def gpp_encode_line(line: str) -> dict[str, Any]:
    model = gpp.model_from_canonical(_json_line(line, gpp.GppStringError))
    return gpp.model_to_canonical(model, gpp.encode(model))


#: codec name -> (its error type, {action: handler})
CODECS: dict[str, tuple[type[Exception], dict[str, LineHandler]]] = {
    "tcf": (TCStringError, {"decode": tcf_decode_line, "encode": tcf_encode_line}),
    "gpp": (gpp.GppStringError, {"decode": gpp_decode_line, "encode": gpp_encode_line}),
}


def run(codec: str, action: str, lines: Iterable[str], out: TextIO) -> tuple[int, int]:
    """Answers every line on `out`; returns (failed lines, lines)."""
    error_type, handlers = CODECS[codec]
    handler = handlers[action]
    failures = total = 0
    for raw in lines:
        line = raw.rstrip("\r\n")
        total += 1
        try:
            answer = handler(line)
        except error_type as error:
            failures += 1
            answer = {"error": {"message": str(error), "name": type(error).__name__}, "input": line}
        out.write(canonical_line(answer) + "\n")
    out.flush()
    return failures, total


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or args[0] not in CODECS or args[1] not in CODECS[args[0]][1]:
        usage = " | ".join(f"{codec} {'|'.join(actions)}" for codec, (_, actions) in CODECS.items())
        sys.stderr.write(f"usage: python -m privacy_signals {{{usage}}} < input\n")
        return 2
    failures, total = run(args[0], args[1], sys.stdin, sys.stdout)
    if failures:
        sys.stderr.write(f"{failures} of {total} lines failed\n")
    return 1 if failures else 0

"""`manage.py tcf decode|encode`: the codec on stdin/stdout, per ../shared/docs/tcf-canonical-json.md.

decode: one TC string per line in, one canonical JSON line out.
encode: one canonical JSON object per line in, the canonical JSON of the encoded string out.
A line that fails prints `{"error":{"message":...,"name":...},"input":...}` and the run goes on;
the exit status is 1 when any line failed.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from consent.tcf import TCStringError, decode, encode, model_from_canonical, model_to_canonical


def canonical_line(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def decode_line(line: str) -> dict[str, Any]:
    return model_to_canonical(decode(line), line)


def encode_line(line: str) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except ValueError as error:
        raise TCStringError(f"the line is not JSON: {error}") from None
    model = model_from_canonical(obj)
    return model_to_canonical(model, encode(model))


class Command(BaseCommand):
    help = "Decode TC strings or encode canonical JSON models, one per stdin line (tcf-canonical-json.md)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["decode", "encode"])

    def handle(self, *args: Any, **options: Any) -> None:
        handler = decode_line if options["action"] == "decode" else encode_line
        failures = total = 0
        for raw in sys.stdin:
            line = raw.rstrip("\r\n")
            total += 1
            try:
                answer = handler(line)
            except TCStringError as error:
                failures += 1
                answer = {"error": {"message": str(error), "name": type(error).__name__}, "input": line}
            self.stdout.write(canonical_line(answer))
        self.stdout.flush()
        if failures:
            raise CommandError(f"{failures} of {total} lines failed", returncode=1)

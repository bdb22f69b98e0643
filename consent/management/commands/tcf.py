"""`manage.py tcf decode|encode`: `python -m privacy_signals tcf ...` inside the project (same
contract: docs/tcf-canonical-json.md)."""

from __future__ import annotations

from consent.management.codec_command import CodecCommand


class Command(CodecCommand):
    codec = "tcf"
    help = "Decode TC strings or encode canonical JSON models, one per stdin line (tcf-canonical-json.md)."

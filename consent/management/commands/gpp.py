"""`manage.py gpp decode|encode`: `python -m privacy_signals gpp ...` inside the project (same
contract: docs/gpp-canonical-json.md)."""

from __future__ import annotations

from consent.management.codec_command import CodecCommand


class Command(CodecCommand):
    codec = "gpp"
    help = "Decode GPP strings or encode canonical JSON sections, one per stdin line (gpp-canonical-json.md)."

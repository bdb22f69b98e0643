"""`manage.py rotate_consent_key [--env-file PATH]`: a new current consent key; the old ones verify.

Keys come from the environment (cmp/settings.py), so rotating is: a new random key becomes
CMP_CONSENT_HMAC_KEY and the previous one moves to the front of CMP_CONSENT_OLD_HMAC_KEYS, which
only verify. Nothing is re-signed: every record, seal and deletion names the key id that signed it
(consent/keyring.py). With --env-file the two lines are rewritten in that file (the rest is kept);
without it they are printed. Restart the web and worker processes afterwards.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from consent import keyring

NAMES = ("CMP_CONSENT_HMAC_KEY", "CMP_CONSENT_OLD_HMAC_KEYS")


class Command(BaseCommand):
    help = "Make a new consent key current and keep the previous ones for verification only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--env-file", type=Path, help="Rewrite the two key lines in this env file.")

    def handle(self, *args: object, **options: object) -> None:
        new_key = secrets.token_urlsafe(48)
        old = [settings.CMP_CONSENT_HMAC_KEY, *settings.CMP_CONSENT_OLD_HMAC_KEYS]
        lines = {NAMES[0]: f"{NAMES[0]}={new_key}", NAMES[1]: f"{NAMES[1]}={','.join(old)}"}
        env_file = options["env_file"]
        if isinstance(env_file, Path):
            kept = []
            if env_file.exists():
                kept = [
                    line
                    for line in env_file.read_text().splitlines()
                    if line.split("=", 1)[0].strip() not in NAMES
                ]
            try:
                env_file.write_text("\n".join([*kept, *lines.values()]) + "\n")
                env_file.chmod(0o600)
            except OSError as exc:
                raise CommandError(f"Cannot write {env_file}: {exc}. Nothing was rotated.") from None
            self.stderr.write(f"Rewrote {NAMES[0]} and {NAMES[1]} in {env_file}; restart the processes.")
        else:
            self.stdout.write("\n".join(lines.values()))
        self.stderr.write(
            f"New key id {keyring.key_id(new_key.encode())}; key {keyring.current()[0]} and "
            f"{len(old) - 1} older now verify only."
        )

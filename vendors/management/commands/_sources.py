"""Shared --file/--url handling of the catalogue import commands."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from vendors.fetching import FetchError, fetch


def add_source_arguments(parser: CommandParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", help="Path of a local file to import.")
    source.add_argument("--url", help="http(s) URL to download and import.")


def read_source(options: dict[str, object]) -> tuple[bytes, str]:
    if options.get("file"):
        path = Path(str(options["file"]))
        try:
            return path.read_bytes(), str(path)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
    url = str(options["url"])
    if not url.startswith(("http://", "https://")):
        raise CommandError(f"--url must be an http(s) URL, not {url!r}.")
    try:
        return fetch(url), url
    except FetchError as exc:
        raise CommandError(str(exc)) from None

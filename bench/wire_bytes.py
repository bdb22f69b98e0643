"""Bytes on the wire of a first load, as served, without and with compression; writes the "Bytes on
the wire" section of docs/PERFORMANCE.md.

Everything goes through the whole stack (Django's test client, every middleware): the static files
collected into a scratch directory and served by whitenoise from there (as the image and
`make run` serve them), the API documents of the demo site from a scratch SQLite database with the
bundled GVL. "Without" is a client that sends no Accept-Encoding, which is what every client got
before compression was served; "with" sends `Accept-Encoding: gzip, deflate, br`. Figures are
response bodies (headers and TLS framing aside), one measurement each: they do not vary between
runs but for the up to 100 random bytes Django's gzip adds to each API answer (BREACH padding).

Usage: .venv/bin/python bench/wire_bytes.py [--no-write]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.perf_doc import machine_line, replace_section  # noqa: E402

ACCEPT = "gzip, deflate, br"
# (row name, path, part of the opt-in banner's first load)
PATHS = (
    ("`/static/consent/cmp.js`", "/static/consent/cmp.js", True),
    ("`/static/consent/prefs.js` (when the preferences open)", "/static/consent/prefs.js", False),
    ("`/static/consent/gpp.js` (US and notice experiences only)", "/static/consent/gpp.js", False),
    ("`GET /banner?lang=en`", "/api/v1/sites/demo/banner?lang=en", True),
    ("`GET /banner?lang=fr`", "/api/v1/sites/demo/banner?lang=fr", False),
    (
        "`GET /preferences?lang=en` (when the preferences open)",
        "/api/v1/sites/demo/preferences?lang=en",
        False,
    ),
    ("`GET /vendors?lang=en` (when the Vendors tab opens)", "/api/v1/sites/demo/vendors?lang=en", False),
)


def measure() -> list[tuple[str, int, int, str, bool]]:
    scratch = Path(tempfile.mkdtemp(prefix="wire-bytes-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DEBUG", "1")
    os.environ["CMP_STATIC_ROOT"] = str(scratch / "static")
    os.environ["CMP_STATIC_USE_FINDERS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmp.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("load_bundled_catalogue", verbosity=0)
    call_command("create_demo_site", verbosity=0)
    client = Client(HTTP_HOST="localhost")
    rows = []
    for name, path, first_load in PATHS:
        sizes = []
        encoding = ""
        for headers in ({}, {"Accept-Encoding": ACCEPT}):
            response = client.get(path, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            body = b"".join(response.streaming_content) if response.streaming else response.content
            sizes.append(len(body))
            encoding = response.get("Content-Encoding", "identity")
        rows.append((name, sizes[0], sizes[1], encoding, first_load))
    return rows


def kb(size: int) -> str:
    return f"{size / 1000:.1f} kB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows = measure()
    lines = [
        "`bench/wire_bytes.py`: response bodies as served through the whole stack (static files "
        "collected and served by whitenoise, the demo site's API documents with the bundled GVL "
        "v106, 902 vendors + 632 Google ATPs), to a client that does not accept compression (what "
        "every client got before compression was served) and to one sending "
        f"`Accept-Encoding: {ACCEPT}`. Bodies only, headers and TLS aside; one measurement each "
        "(sizes are deterministic, except that Django's gzip adds up to 100 random bytes to each "
        "API answer against BREACH).",
        "",
        f"Machine: {machine_line()}.",
        "",
        "| Response | Uncompressed | As served compressed | Encoding | Saved |",
        "|---|---|---|---|---|",
    ]
    for name, plain, compressed, encoding, _ in rows:
        saved = 100 - 100 * compressed / plain
        lines.append(f"| {name} | {kb(plain)} | {kb(compressed)} | {encoding} | {saved:.0f}% |")
    first = [row for row in rows if row[4]]
    plain_total = sum(row[1] for row in first)
    compressed_total = sum(row[2] for row in first)
    lines += [
        "",
        f"- First load of the opt-in banner (`cmp.js` + `GET /banner`, the stub inline aside): "
        f"**{kb(plain_total)} uncompressed, {kb(compressed_total)} as served now**.",
        "- Static files: collectstatic's gzip copies (whitenoise `CompressedStaticFilesStorage`, "
        "names unhashed so the URL publishers embed stays `/static/consent/cmp.js`); no brotli "
        "encoder is a dependency, so `br` is never chosen. The API: Django's GZipMiddleware "
        '(level 6), ETags weak (`W/"..."`) on both the 200 and the 304.',
        "- Not compressed on purpose: the consent POST's answer (it carries the visitor's write "
        "token, BREACH; cmp/compression.py).",
    ]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        replace_section("Bytes on the wire", body)


if __name__ == "__main__":
    main()

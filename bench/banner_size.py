"""Bytes the banner costs a page; writes the "Banner script size" section of docs/PERFORMANCE.md.

Measured, each raw and gzip-compressed at levels 1, 6 and 9 (Python's zlib, as a server would):

* `static/consent/cmp.js`: the script every page loads, CSS inlined, minified by build.mjs;
* `static/consent/stub.js`: the inline stub;
* `static/consent/gpp.js`: the GPP part (`__gpp`, the US and notice experiences), which cmp.js
  loads only where such an experience applies;
* `static/consent/prefs.js`: the preferences dialog and vendor list (CSS inlined), which cmp.js
  loads only when the visitor opens the preferences;
* the reference, measured in the same run: the unminified sources `src/cmp.js` + `src/cmp.css`;
* the API documents, from a scratch SQLite database with the bundled GVL and the demo site:
  `GET /banner` (the first layer, loaded on every page without consent), `GET /preferences` (what
  the preferences add, fetched when they open), `GET /vendors` (the vendor tab, fetched only when it
  opens), and `GET /requirements` (the stamp a return visit revalidates on every page view).

Brotli is not measured (no brotli encoder is a dependency of this project). Sizes do not vary
between runs, so each figure is a single measurement. Budget: cmp.js at most 12 KB gzipped.

`--json FILE` writes the figures; `--before FILE` adds a table comparing them with such a file
written by this script in a checkout of the code before a change (rows named alike; a part that did
not exist then is left out of it).

Usage: .venv/bin/python bench/banner_size.py [--no-write] [--json FILE] [--before FILE]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.perf_doc import machine_line, replace_section  # noqa: E402

CONSENT_STATIC = REPO_ROOT / "static" / "consent"
BUDGET = 12 * 1024
LEVELS = (1, 6, 9)


def sizes(data: bytes) -> dict[str, int]:
    result = {"raw": len(data)}
    for level in LEVELS:
        result[f"gzip-{level}"] = len(gzip.compress(data, compresslevel=level, mtime=0))
    return result


def api_documents() -> dict[str, bytes]:
    """The banner and vendor documents of the demo site, from a throw-away SQLite database."""
    scratch = tempfile.mkdtemp(prefix="banner-size-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmp.settings")
    # The US document is the one a Californian gets behind Cloudflare.
    os.environ["CMP_LOCATION_COUNTRY_HEADER"] = "CF-IPCountry"
    os.environ["CMP_LOCATION_REGION_HEADER"] = "CF-Region-Code"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_bundled_catalogue", verbosity=0)
    call_command("create_demo_site", verbosity=0)
    client = Client(HTTP_HOST="localhost")
    documents = {}
    california = {"HTTP_CF_IPCOUNTRY": "US", "HTTP_CF_REGION_CODE": "CA"}
    for name, path, headers in (
        ("GET /banner?lang=en", "/api/v1/sites/demo/banner?lang=en", {}),
        ("GET /banner?lang=fr", "/api/v1/sites/demo/banner?lang=fr", {}),
        ("GET /banner?lang=en (US-CA visitor)", "/api/v1/sites/demo/banner?lang=en", california),
        ("GET /vendors?lang=en (on opening the Vendors tab)", "/api/v1/sites/demo/vendors?lang=en", {}),
        ("GET /requirements?lang=en (every return page view)", "/api/v1/sites/demo/requirements?lang=en", {}),
    ):
        response = client.get(path, **headers)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}: {response.content[:200]!r}")
        documents[name] = response.content
    # Linked from the banner document (a checkout from before the preferences had their own has none).
    linked = json.loads(documents["GET /banner?lang=en"]).get("preferences_url")
    if linked:
        documents["GET /preferences?lang=en (on opening the preferences)"] = client.get(linked).content
    return documents


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--before", type=Path, help="figures of an earlier build, to compare with")
    args = parser.parse_args()

    def read(path: Path) -> bytes:
        return path.read_bytes() if path.exists() else b""

    script = (CONSENT_STATIC / "cmp.js").read_bytes()
    stub = (CONSENT_STATIC / "stub.js").read_bytes()
    gpp = (CONSENT_STATIC / "gpp.js").read_bytes()
    prefs = read(CONSENT_STATIC / "prefs.js")
    sources = ("cmp.js", "cmp.css", "prefs.js", "prefs.css")
    source = b"".join(read(CONSENT_STATIC / "src" / name) for name in sources)
    rows = [
        ("`cmp.js` (JS + inlined CSS, minified)", sizes(script)),
        ("`stub.js` (inline in the page)", sizes(stub)),
        ("`gpp.js` (GPP part: US and notice experiences only)", sizes(gpp)),
        ("`prefs.js` (preferences dialog and vendor list: on opening the preferences)", sizes(prefs)),
        ("Reference: `src/` cmp.js + cmp.css + prefs.js + prefs.css, unminified", sizes(source)),
    ]

    documents = api_documents()
    rows += [(f"API `{name}`", sizes(body)) for name, body in documents.items()]

    script_gz = rows[0][1]["gzip-6"]
    gpp_gz = rows[2][1]["gzip-6"]
    prefs_gz = rows[3][1]["gzip-6"]
    source_gz = rows[4][1]["gzip-6"]
    first_load = {
        "opt-in banner (EEA, UK, CH, unknown)": script_gz + sizes(documents["GET /banner?lang=en"])["gzip-6"],
        "US opt-out notice (US-CA)": script_gz
        + gpp_gz
        + sizes(documents["GET /banner?lang=en (US-CA visitor)"])["gzip-6"],
    }
    lines = [
        "`bench/banner_size.py`: bytes of the banner script, the stub, and the API documents the banner "
        "loads (demo site, bundled GVL v106, 902 vendors + 632 Google ATPs), raw and gzip-compressed "
        "(Python zlib, levels 1/6/9). Reference, measured in the same run: the unminified sources the "
        "build starts from. Sizes are deterministic: one measurement each, no median needed.",
        "",
        f"Machine: {machine_line()}.",
        "",
        "| What | Raw | gzip -1 | gzip -6 | gzip -9 |",
        "|---|---|---|---|---|",
    ]
    for name, s in rows:
        lines.append(
            f"| {name} | {kb(s['raw'])} | {kb(s['gzip-1'])} | {kb(s['gzip-6'])} | {kb(s['gzip-9'])} |"
        )
    verdict = "within" if script_gz <= BUDGET else "OVER"
    lines += [
        "",
        f"- Budget: `cmp.js` at most 12 KB gzipped, CSS included: **{kb(script_gz)} at gzip -6, {verdict} "
        f"the budget** ({script_gz / BUDGET:.0%} of it). "
        "`tests/banner/test_banner_script_fits_size_budget.py` asserts it on every run.",
        "- Ratio cmp.js + prefs.js / unminified reference (gzip -6): "
        f"{(script_gz + prefs_gz) / source_gz:.2f}.",
        f"- Opening the preferences adds `prefs.js` ({kb(prefs_gz)} gzipped, loaded once) and "
        "`GET /preferences` to the first load.",
        "- A first visit without consent loads the stub (inline), `cmp.js` and `GET /banner`, which "
        "carries only what the first layer shows (its texts, the names it lists, the category slugs, "
        "the stacks the first layer shows if the site enables them); `prefs.js` and `GET /preferences` "
        "(every text, descriptions, illustrations, cookies, counts) when the visitor opens the "
        "preferences, the vendor list (`GET /vendors`) only when the visitor opens the Vendors tab. "
        "A return visit with a current "
        "consent applies it before any request, then revalidates `GET /requirements` (no-cache, a 304 "
        "when nothing changed) and fetches `GET /banner?...&v=<stamp>` (cached for max-age). The opt-in "
        "documents carry the three pre-issued TC strings of `interim` (about 0.7 KB gzipped; "
        "docs/BANNER.md §3).",
        "- First load per experience (gzip -6, stub aside): "
        + "; ".join(f"{name}: {kb(total)}" for name, total in first_load.items())
        + " (cmp.js + gpp.js + the US document). The opt-in banner loads no GPP part unless a GPP "
        "reader already called `__gpp`.",
    ]
    if args.before:
        before = json.loads(args.before.read_text())
        lines += [
            "",
            f"Before and after ({args.before.name}: the same script in a checkout of the earlier code, "
            "same data):",
            "",
            "| What | Before raw | After raw | Before gzip -6 | After gzip -6 |",
            "|---|---|---|---|---|",
        ]
        for name, s in rows:
            if before.get(name, {}).get("raw"):
                b = before[name]
                lines.append(
                    f"| {name} | {kb(b['raw'])} | {kb(s['raw'])} | {kb(b['gzip-6'])} | {kb(s['gzip-6'])} |"
                )
    if args.json:
        args.json.write_text(json.dumps(dict(rows), indent=2))
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        replace_section("Banner script size", body)


if __name__ == "__main__":
    main()

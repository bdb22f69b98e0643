"""The script every page loads stays within its budget (12 KB gzipped, CSS included), the GPP part
that only US and notice experiences load (gpp.js) and the preferences part loaded when the visitor
opens the preferences (prefs.js) within their own, and the committed builds are what
static/consent/build.mjs makes from src/ today."""

from __future__ import annotations

import gzip
import subprocess

import pytest

BUDGET_BYTES = 12 * 1024
GPP_BUDGET_BYTES = 4 * 1024
PREFS_BUDGET_BYTES = 8 * 1024


def test_cmp_js_gzipped_is_within_budget(repo_root):
    script = (repo_root / "static" / "consent" / "cmp.js").read_bytes()
    assert b"#cmp-root" in script, "the CSS is inlined into cmp.js"
    assert not (repo_root / "static" / "consent" / "cmp.css").exists(), "no separate stylesheet to count"
    assert len(gzip.compress(script, compresslevel=6)) <= BUDGET_BYTES


def test_gpp_part_gzipped_is_within_its_budget(repo_root):
    script = (repo_root / "static" / "consent" / "gpp.js").read_bytes()
    assert len(gzip.compress(script, compresslevel=6)) <= GPP_BUDGET_BYTES


def test_preferences_part_gzipped_is_within_its_budget(repo_root):
    script = (repo_root / "static" / "consent" / "prefs.js").read_bytes()
    assert b"#cmp-root .cmp-dlg" in script, "the dialog's CSS is inlined into prefs.js"
    assert b".cmp-dlg" not in (repo_root / "static" / "consent" / "cmp.js").read_bytes(), "not in cmp.js"
    assert len(gzip.compress(script, compresslevel=6)) <= PREFS_BUDGET_BYTES


@pytest.mark.parametrize(
    ("flag", "name"),
    [
        ("--stdout", "cmp.js"),
        ("--stdout-gpp", "gpp.js"),
        ("--stdout-prefs", "prefs.js"),
        ("--stdout-stub", "stub.js"),
    ],
)
def test_committed_build_matches_sources(repo_root, flag, name):
    built = subprocess.run(
        ["node", "static/consent/build.mjs", flag],
        cwd=repo_root,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    committed = (repo_root / "static" / "consent" / name).read_text()
    assert built == committed, f"static/consent/{name} is stale: run `node static/consent/build.mjs`"

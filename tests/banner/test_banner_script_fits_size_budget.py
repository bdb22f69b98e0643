"""The script every page loads stays within its budget (12 KB gzipped, CSS included), and the
committed build is what static/consent/build.mjs makes from src/ today."""

from __future__ import annotations

import gzip
import subprocess

BUDGET_BYTES = 12 * 1024


def test_cmp_js_gzipped_is_within_budget(repo_root):
    script = (repo_root / "static" / "consent" / "cmp.js").read_bytes()
    assert b"#cmp-root" in script, "the CSS is inlined into cmp.js"
    assert not (repo_root / "static" / "consent" / "cmp.css").exists(), "no separate stylesheet to count"
    assert len(gzip.compress(script, compresslevel=6)) <= BUDGET_BYTES


def test_committed_build_matches_sources(repo_root):
    built = subprocess.run(
        ["node", "static/consent/build.mjs", "--stdout"],
        cwd=repo_root,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    committed = (repo_root / "static" / "consent" / "cmp.js").read_text()
    assert built == committed, "static/consent/cmp.js is stale: run `node static/consent/build.mjs`"

"""The product, its tests and its benchmarks read nothing outside the repository at run time: a
clone in any folder works. What the team keeps beside the repository (its shared research folder)
is copied in, with provenance (tests/data/PROVENANCE.md, vendors/data/PROVENANCE.md)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

# A path that leaves the repository towards a sibling folder, written as text or built in Python.
OUTSIDE = re.compile(r"\.\./shared|/work/shared|\.parents?(?:\[\d\])?\s*/\s*[\"']shared[\"']")
TEXT_SUFFIXES = {".py", ".mjs", ".cjs", ".js", ".sh", ".toml", ".cfg", ".ini", ".yml", ".yaml", ""}


def tracked_files(repo_root: Path) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=repo_root, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return [repo_root / name for name in listed]


def test_no_file_reaches_outside_the_repository(repo_root: Path) -> None:
    offenders = []
    for path in tracked_files(repo_root):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file() or path.name == Path(__file__).name:
            continue
        if path.suffix == "" and path.name not in {"Makefile", "run", "Dockerfile"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{path.relative_to(repo_root)}: {m.group(0)}" for m in OUTSIDE.finditer(text)]
    assert offenders == []

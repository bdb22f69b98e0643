"""privacy_signals is pure Python: importing and using any of its modules loads nothing of Django,
DRF or the project. A fresh interpreter imports every module under an import hook that fails on
any such import (so an import hidden in a function body counts once it runs, too)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

FORBIDDEN = (
    "django",
    "rest_framework",
    "drf_spectacular",
    "celery",
    "infra",
    "sites",
    "consent",
    "vendors",
    "cmp",
    "scanner",
)

PROBE = f"""
import importlib, importlib.abc, pkgutil, sys

FORBIDDEN = {FORBIDDEN!r}

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in FORBIDDEN:
            raise ImportError(f"privacy_signals imported {{name}}")
        return None

sys.meta_path.insert(0, Refuse())
import privacy_signals
walked = pkgutil.walk_packages(privacy_signals.__path__, "privacy_signals.")
names = [m.name for m in walked if m.name != "privacy_signals.__main__"]
for name in names:
    importlib.import_module(name)
from privacy_signals.tcf import TCModel, decode, encode
from privacy_signals import gpp, cli
encode(TCModel(created=0, last_updated=0))
decode("CQSbk4AQSbk4ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA.IDKQA4AAgAKAGQAygAAA")
gpp.decode(gpp.encode({{"usnat": {{"SaleOptOutNotice": 1, "SaleOptOut": 1}}}}))
print(len(names))
"""


def test_every_module_imports_without_django_or_the_project(repo_root: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=repo_root, capture_output=True, text=True, check=False, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert int(completed.stdout) >= 15  # tcf, gpp and the top-level modules were all walked


def test_no_module_mentions_an_import_of_them(repo_root: Path) -> None:
    statement = re.compile(rf"^\s*(?:from|import)\s+(?:{'|'.join(FORBIDDEN)})\b", re.MULTILINE)
    for path in (repo_root / "privacy_signals").rglob("*.py"):
        assert not statement.search(path.read_text()), path

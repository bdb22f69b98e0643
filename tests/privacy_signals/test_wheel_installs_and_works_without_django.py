"""privacy_signals is a distribution of its own: its wheel builds, installs into a fresh virtualenv
that has no Django, and decodes and encodes a TC string and a GPP string there."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PROBE = """
import importlib.util, json
assert importlib.util.find_spec("django") is None, "Django is installed in the fresh virtualenv"
import privacy_signals
from privacy_signals.tcf import decode, encode
from privacy_signals.gpp import decode as gpp_decode, encode as gpp_encode
tc = "CQSbk4AQSbk4ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA.IDKQA4AAgAKAGQAygAAA"
model = decode(tc)
gpp = gpp_encode({"usnat": {"SaleOptOutNotice": 1, "SaleOptOut": 1, "Gpc": True}})
print(json.dumps({
    "version": privacy_signals.__version__,
    "file": privacy_signals.__file__,
    "round_trip": encode(model) == tc,
    "disclosed": sorted(model.vendors_disclosed),
    "gpp_sale_opt_out": gpp_decode(gpp)["usnat"]["SaleOptOut"],
}))
"""


def test_the_wheel_installs_and_works_in_a_virtualenv_without_django(repo_root: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(repo_root / "privacy_signals", source, ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", dist, source],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("privacy_signals-*.whl")

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-index", "--no-deps", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr

    ran = subprocess.run([str(python), "-c", PROBE], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    import json

    result = json.loads(ran.stdout)
    assert str(env_dir) in result["file"]  # the installed copy, not the repository's
    assert result["round_trip"] is True
    assert result["disclosed"] == [1, 2, 3, 4, 5, 100, 404]
    assert result["gpp_sale_opt_out"] == 1

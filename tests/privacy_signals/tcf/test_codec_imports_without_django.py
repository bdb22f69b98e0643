"""The codec is pure Python: importing and using it loads no Django module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
import privacy_signals.tcf
from privacy_signals import ac_string, consent_mode, cli
from privacy_signals.tcf import decode, encode, TCModel
encode(TCModel(created=0, last_updated=0))
decode("CQSbk4AQSbk4ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA.IDKQA4AAgAKAGQAygAAA")
loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
print(",".join(loaded))
"""


def test_importing_the_codec_loads_no_django(repo_root: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=repo_root, capture_output=True, text=True, check=False, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == ""


def test_no_module_of_the_codec_mentions_django(repo_root: Path) -> None:
    for path in (repo_root / "privacy_signals").rglob("*.py"):
        source = path.read_text()
        assert "import django" not in source, path
        assert "from django" not in source, path

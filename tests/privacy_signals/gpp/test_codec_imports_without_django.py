"""The GPP codec is pure Python: importing and using it loads no Django module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
from privacy_signals.gpp import decode, encode
decode(encode({"usnat": {"SaleOptOut": 1, "Gpc": True}, "usca": {}}))
decode("DBABMA~CPSG_8APSG_8ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA.IDKQA4AAgAKAGQAygAAA.YAAAAAAAAAAA")
loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
print(",".join(loaded))
"""


def test_importing_the_gpp_codec_loads_no_django(repo_root: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=repo_root, capture_output=True, text=True, check=False, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == ""

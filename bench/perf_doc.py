"""Writes one section of docs/PERFORMANCE.md, leaving every other section as it is."""

from __future__ import annotations

import platform
import subprocess
from pathlib import Path

PERFORMANCE_MD = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"


def replace_section(title: str, body: str, path: Path = PERFORMANCE_MD) -> None:
    """Replaces the text under `## {title}` up to the next `## ` heading (appends if absent)."""
    lines = path.read_text().splitlines()
    heading = f"## {title}"
    try:
        start = lines.index(heading)
    except ValueError:
        lines += ["", heading, "", body.strip(), ""]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines[start + 1 : end] = ["", body.strip(), ""]
    path.write_text("\n".join(lines).rstrip("\n") + "\n")


def machine_line() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        cores = "?"
    return (
        f"{cores} cores ({cpu}), Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )

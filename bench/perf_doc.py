"""Writes one section of docs/PERFORMANCE.md, leaving every other section as it is; and the timing
loop the codec benchmarks share."""

from __future__ import annotations

import json
import platform
import subprocess
import timeit
from collections.abc import Callable
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


def publish(title: str, body: str, write: bool = True) -> None:
    """A benchmark's result: printed, and (unless `write` is off: its --no-write) its section of
    docs/PERFORMANCE.md rewritten."""
    print(body)
    if write:
        replace_section(title, body)


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


def ops_per_second(function: Callable[[], object], seconds: float) -> float:
    """Calls per second of `function` over about `seconds` (timeit, after sizing the loop)."""
    number = 1
    while True:
        elapsed = timeit.timeit(function, number=number)
        if elapsed >= seconds / 5:
            break
        number *= 2
    number = max(1, int(number * seconds / elapsed))
    return number / timeit.timeit(function, number=number)


def cold(clear: Callable[[], object], function: Callable[[], object]) -> Callable[[], object]:
    """`function` with the codec's memos emptied by `clear` before every call (inside the timing)."""

    def run() -> object:
        clear()
        return function()

    return run


def node_reference_round(script: Path, cases_file: Path, seconds: float) -> dict[str, dict[str, list[float]]]:
    """One timing round of a reference codec's Node script (`node <script> bench <cases> <s> 1`):
    operations per second by case and by "decode" / "encode"."""
    completed = subprocess.run(
        ["node", str(script), "bench", str(cases_file), str(seconds), "1"],
        cwd=script.parents[4],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, dict[str, list[float]]] = json.loads(completed.stdout)
    return result

"""`make bench`: every benchmark in bench/, one after the other, each rewriting its own section of
docs/PERFORMANCE.md (bench/perf_doc.replace_section).

A benchmark is a module of bench/ with a `main` guard that is not one of the helper modules below.
They run one at a time because the machine has two cores: two benchmarks at once would measure each
other. `--only NAME ...` runs some of them; `--database` and `--redis-url` are passed to those that
take them (scratch databases and a Redis db of their own; see each script's --help).

Usage: .venv/bin/python bench/run_all.py [--only tcf_codec http_load ...] [--database NAME] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO_ROOT = BENCH.parent
HELPERS = {"perf_doc", "scratch_db", "servers", "run_all"}


def benchmarks() -> list[Path]:
    return sorted(
        path
        for path in BENCH.glob("*.py")
        if path.stem not in HELPERS and not path.stem.startswith("_") and "__main__" in path.read_text()
    )


def accepts(path: Path, option: str) -> bool:
    return f'"{option}"' in path.read_text()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="names of the benchmarks to run (default: all)")
    parser.add_argument("--database", help="scratch PostgreSQL database name for those that take one")
    parser.add_argument("--redis-url", help="Redis URL for those that take one")
    args = parser.parse_args()
    chosen = [path for path in benchmarks() if not args.only or path.stem in args.only]
    unknown = set(args.only or ()) - {path.stem for path in benchmarks()}
    if unknown:
        parser.error(f"no benchmark named {', '.join(sorted(unknown))}")
    results = []
    for path in chosen:
        command = [sys.executable, str(path)]
        if args.database and accepts(path, "--database"):
            command += ["--database", f"{args.database}_{path.stem}"]
        if args.redis_url and accepts(path, "--redis-url"):
            command += ["--redis-url", args.redis_url]
        print(f"=== {path.stem}: {' '.join(command[1:])}", flush=True)
        started = time.monotonic()
        code = subprocess.call(command, cwd=REPO_ROOT)
        results.append((path.stem, code, time.monotonic() - started))
    print(
        "\n".join(
            f"{name}: {'ok' if code == 0 else f'exit {code}'} in {seconds:.0f} s"
            for name, code, seconds in results
        )
    )
    return 0 if all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())

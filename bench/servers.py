"""What the benchmarks that serve the application share: a free loopback port, `manage.py` in a
child process, and waiting until a server they started answers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def manage(env: dict[str, str], *args: str, ok: tuple[int, ...] = (0,)) -> str:
    """`manage.py ARGS` with `env`; its output, or the benchmark stops with what it printed when it
    exits with a status not in `ok`."""
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode not in ok:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def runserver(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """Django's development server on loopback (for the benchmarks that measure a browser, not the
    server); wait for it with `wait_for_url`."""
    return subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_url(url: str, seconds: float = 60, server: subprocess.Popen[bytes] | None = None) -> None:
    """Until a GET of `url` answers; after `seconds` the benchmark stops (and `server` with it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    if server is not None:
        server.terminate()
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def wait_for_port(port: int, seconds: float = 60) -> None:
    """Until something accepts connections on loopback `port` (a server that answers no GET yet)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"nothing listens on port {port} after {seconds:.0f} s")

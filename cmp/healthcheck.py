"""`python -m cmp.healthcheck [URL]`: the container health check. Exit 0 when /healthz answers 200.

It sends the Host of the first name in ALLOWED_HOSTS: Django refuses any other (a health check
with Host 127.0.0.1 fails as soon as ALLOWED_HOSTS is the deployment's real domain)."""

from __future__ import annotations

import os
import sys
import urllib.request


def health_host(allowed_hosts: str) -> str:
    for name in (part.strip() for part in allowed_hosts.split(",")):
        if name and name != "*":
            return name.lstrip(".") or "localhost"
    return "localhost"


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else "http://127.0.0.1:8000/healthz"
    if not url.startswith("http://"):
        print("unhealthy: the health check URL must be http://", file=sys.stderr)
        return 2
    host = health_host(os.environ.get("ALLOWED_HOSTS", ""))
    # It talks to gunicorn directly, as the TLS proxy does, and says what the proxy would: https
    # (behind the proxy, SECURE_SSL_REDIRECT would otherwise answer this plain request with a 301).
    headers = {"Host": host, "X-Forwarded-Proto": "https"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http only, checked above
    try:
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310 - a fixed local URL
            return 0 if response.status == 200 else 1
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

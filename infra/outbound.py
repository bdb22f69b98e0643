"""Requests the server makes to addresses someone else chose (an admin's import URL, a vendor's
device storage disclosure, a publisher's page, a webhook endpoint): only to public hosts, with every
redirect checked again, within size and time limits.

A URL is refused when its scheme is not allowed, when it carries credentials, or when its host
resolves to any address that is not globally routable (loopback, private, link-local, CGNAT,
multicast, reserved, unspecified), unless `CMP_OUTBOUND_ALLOW_PRIVATE` is on (tests talk to
loopback). The connection then goes to the address that was checked, not to a second lookup, so a
DNS answer that changes between the check and the connect (rebinding) cannot reach an internal
host. Error messages name the URL and the rule, never the internal address or port that answered.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

MAX_REDIRECTS = 5


class OutboundRefused(Exception):
    """The URL (or a redirect from it) may not be fetched; the message says which rule refused it."""


class OutboundFailed(Exception):
    """The fetch was allowed but failed (network, timeout, status, size)."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class OutboundResponse:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve_allowed(url: str, schemes: Iterable[str] = ("https",)) -> str:
    """The one address of `url`'s host that may be connected to; OutboundRefused otherwise."""
    parts = urlsplit(url)
    allowed = tuple(schemes)
    if parts.scheme not in allowed:
        raise OutboundRefused(f"{url[:200]!r}: only {' or '.join(allowed)} URLs are fetched.")
    if parts.username or parts.password:
        raise OutboundRefused(f"{url[:200]!r}: URLs with credentials are not fetched.")
    host = parts.hostname
    if not host:
        raise OutboundRefused(f"{url[:200]!r} has no host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError):
        raise OutboundRefused(f"{url[:200]!r}: the host {host!r} does not resolve.") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not settings.CMP_OUTBOUND_ALLOW_PRIVATE and not all(_public(a) for a in addresses):
        raise OutboundRefused(
            f"{url[:200]!r}: the host {host!r} is not a public internet address; it is not fetched."
        )
    return str(addresses[0])


class _PinnedAdapter(HTTPAdapter):
    """Connects to the address that was checked, while TLS and the Host header keep the name."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(max_retries=0)

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):  # type: ignore[no-untyped-def]
        connection = super().get_connection_with_tls_context(request, verify, proxies, cert)
        connection.host = self.address
        if request.url and urlsplit(request.url).scheme == "https":
            connection.conn_kw["server_hostname"] = urlsplit(request.url).hostname
            connection.assert_hostname = urlsplit(request.url).hostname
        return connection


def fetch(
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    schemes: Iterable[str] = ("https",),
    max_bytes: int = 1024 * 1024,
    timeout: float = 10.0,
    follow_redirects: bool = True,
) -> OutboundResponse:
    """Fetches `url` under the rules above; every redirect target is checked like the first URL.
    `timeout` bounds the whole fetch, redirects and body included, so a server that trickles its
    answer cannot hold a worker. Statuses are returned as they are (the caller decides);
    OutboundFailed for network trouble, a timeout or an oversized body (`transient` says whether a
    retry may help)."""
    schemes = tuple(schemes)
    current = url
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        address = resolve_allowed(current, schemes)
        remaining = max(deadline - time.monotonic(), 0.001)
        with requests.Session() as session:
            # No proxy from the environment may route around the check; the CA bundle it names is
            # still the one to trust.
            session.trust_env = False
            session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE") or True
            adapter = _PinnedAdapter(address)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            try:
                response = session.request(
                    method,
                    current,
                    data=data,
                    headers=headers,
                    timeout=(min(remaining, 5.0), remaining),
                    allow_redirects=False,
                    stream=True,
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                raise OutboundFailed(
                    f"{current[:200]!r} could not be reached ({type(exc).__name__}).", transient=True
                ) from None
            except requests.RequestException as exc:
                raise OutboundFailed(
                    f"{current[:200]!r} could not be requested ({type(exc).__name__}).", transient=False
                ) from None
            with response:
                if follow_redirects and response.is_redirect and "location" in response.headers:
                    current = urljoin(current, response.headers["location"])
                    if response.status_code in (301, 302, 303):
                        method, data = "GET", None
                    continue
                body = _read(response, current, max_bytes, deadline)
                return OutboundResponse(current, response.status_code, dict(response.headers), body)
    raise OutboundFailed(f"{url[:200]!r} redirected more than {MAX_REDIRECTS} times.", transient=False)


def _read(response: requests.Response, url: str, max_bytes: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(chunk_size=16 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise OutboundFailed(f"{url[:200]!r} sent more than {max_bytes} bytes.", transient=False)
            if time.monotonic() > deadline:
                raise OutboundFailed(f"{url[:200]!r} did not finish in time.", transient=True)
            chunks.append(chunk)
    except (requests.ConnectionError, requests.Timeout):
        raise OutboundFailed(f"The answer from {url[:200]!r} was cut off.", transient=True) from None
    return b"".join(chunks)

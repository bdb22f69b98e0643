"""Server-side fetches of URLs someone else chose go only to public hosts, re-check every redirect,
and keep within their size limit (infra/outbound.py)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from infra import outbound


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/to-loopback":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/secret")
            self.end_headers()
            return
        body = b"x" * (4096 if self.path == "/big" else 5)
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
    ],
)
def test_private_and_loopback_addresses_are_refused(settings, url):
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = False
    with pytest.raises(outbound.OutboundRefused, match="not a public internet address"):
        outbound.fetch(url, schemes=("http", "https"))


def test_schemes_and_credentials_are_refused(settings):
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = True
    with pytest.raises(outbound.OutboundRefused, match="only https"):
        outbound.fetch("http://example.com/")
    with pytest.raises(outbound.OutboundRefused, match="only https"):
        outbound.fetch("file:///etc/passwd")
    with pytest.raises(outbound.OutboundRefused, match="credentials"):
        outbound.fetch("https://user:secret@example.com/")


def test_allowed_loopback_is_fetched_within_its_size_limit(settings, local_server):
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = True
    answer = outbound.fetch(f"http://127.0.0.1:{local_server}/ok", schemes=("http",))
    assert (answer.status, answer.body) == (200, b"xxxxx")
    with pytest.raises(outbound.OutboundFailed, match="more than 1000 bytes") as failed:
        outbound.fetch(f"http://127.0.0.1:{local_server}/big", schemes=("http",), max_bytes=1000)
    assert failed.value.transient is False


def test_a_redirect_is_checked_like_the_first_url(settings, local_server, monkeypatch):
    """A public URL that redirects to loopback is refused at the redirect. The test server stands
    for the public host: loopback is allowed for the first hop only."""
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = True
    checked: list[str] = []
    original = outbound.resolve_allowed

    def first_hop_public(url: str, schemes: object = ("https",)) -> str:
        checked.append(url)
        if len(checked) > 1:
            settings.CMP_OUTBOUND_ALLOW_PRIVATE = False
        return original(url, schemes)  # type: ignore[arg-type]

    monkeypatch.setattr(outbound, "resolve_allowed", first_hop_public)
    with pytest.raises(outbound.OutboundRefused, match="not a public internet address"):
        outbound.fetch(f"http://127.0.0.1:{local_server}/to-loopback", schemes=("http",))
    assert checked[-1].endswith("/secret")


def test_an_unreachable_host_is_a_transient_failure_without_internal_details(settings, unused_port):
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = True
    with pytest.raises(outbound.OutboundFailed) as failed:
        outbound.fetch(f"http://127.0.0.1:{unused_port}/", schemes=("http",), timeout=2)
    assert failed.value.transient is True
    assert "Errno" not in str(failed.value)
    assert "refused" not in str(failed.value)


def test_https_connects_to_the_checked_address_and_verifies_the_name(settings, tmp_path, monkeypatch):
    """TLS keeps the host name (SNI and certificate check) while the socket goes to the address
    that was checked."""
    import ssl
    import subprocess

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.CMP_OUTBOUND_ALLOW_PRIVATE = True
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
        answer = outbound.fetch(f"https://localhost:{server.server_port}/ok")
        assert answer.body == b"xxxxx"
        monkeypatch.setattr(outbound, "resolve_allowed", lambda url, schemes=(): "127.0.0.1")
        with pytest.raises(outbound.OutboundFailed):  # the certificate names localhost, not this
            outbound.fetch(f"https://127.0.0.1.nip.invalid:{server.server_port}/ok")
    finally:
        server.shutdown()

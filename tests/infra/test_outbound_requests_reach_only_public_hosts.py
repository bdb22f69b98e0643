"""Server-side fetches of URLs someone else chose go only to public hosts, re-check every redirect,
and keep within their size limit (infra/outbound.py)."""

from __future__ import annotations

import pytest

from infra import outbound

#: What the loopback server answers (a `RouteServer` of tests/conftest.py).
ROUTES = {
    "/ok": {"body": b"x" * 5},
    "/big": {"body": b"x" * 4096},
    "/to-loopback": {"status": 302, "headers": {"Location": "http://127.0.0.1:{port}/secret"}},
}


@pytest.fixture
def local_server(route_server) -> int:
    return route_server(ROUTES).port


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


def test_a_redirect_is_checked_like_the_first_url(local_server, first_hop_public):
    """A public URL that redirects to loopback is refused at the redirect. The test server stands
    for the public host: loopback is allowed for the first hop only."""
    with pytest.raises(outbound.OutboundRefused, match="not a public internet address"):
        outbound.fetch(f"http://127.0.0.1:{local_server}/to-loopback", schemes=("http",))
    assert first_hop_public[-1].endswith("/secret")


def test_an_unreachable_host_is_a_transient_failure_without_internal_details(settings, unused_port):
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = True
    with pytest.raises(outbound.OutboundFailed) as failed:
        outbound.fetch(f"http://127.0.0.1:{unused_port}/", schemes=("http",), timeout=2)
    assert failed.value.transient is True
    assert "Errno" not in str(failed.value)
    assert "refused" not in str(failed.value)


def test_https_connects_to_the_checked_address_and_verifies_the_name(
    settings, tmp_path, monkeypatch, route_server
):
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
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = route_server(ROUTES, tls=context)
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = True
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    answer = outbound.fetch(f"https://localhost:{server.port}/ok")
    assert answer.body == b"xxxxx"
    monkeypatch.setattr(outbound, "resolve_allowed", lambda url, schemes=(): "127.0.0.1")
    with pytest.raises(outbound.OutboundFailed):  # the certificate names localhost, not this
        outbound.fetch(f"https://127.0.0.1.nip.invalid:{server.port}/ok")

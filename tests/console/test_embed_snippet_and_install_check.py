"""The embed page gives the exact snippet (inline stub and script tag with the site key), and its
install check fetches a page of the site server-side and reports whether it loads the banner."""

from __future__ import annotations

import re
import threading
from functools import partial
from html import unescape
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sites.models import Site


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def publisher_pages(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_snippet_and_install_check(client, catalogue, member, publisher_pages, settings, repo_root):
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = True
    site = Site.objects.create(key="fresh", name="Fresh")
    client.force_login(member(site, "viewer"))
    page = client.get("/console/sites/fresh/embed").content.decode()
    snippet = unescape(re.search(r'<pre class="snippet"[^>]*>(.*?)</pre>', page, re.S).group(1))
    assert snippet.startswith('<script data-consent-default="denied" data-consent-regions="US-CA ')
    assert "__tcfapiLocator" in snippet
    stub = (repo_root / "static" / "consent" / "stub.js").read_text()
    assert stub.strip()[:200] in snippet
    assert snippet.endswith(
        '<script src="http://testserver/static/consent/cmp.js" data-site="fresh" async></script>'
    )

    root, base = publisher_pages
    (root / "with.html").write_text(f"<!doctype html><html><head>{snippet}</head><body>Shop</body></html>")
    (root / "other.html").write_text(f"<html><head>{snippet.replace('fresh', 'someone-else')}</head></html>")
    (root / "without.html").write_text("<html><head><title>No banner</title></head></html>")

    found = client.get("/console/sites/fresh/embed", {"url": f"{base}/with.html"}).content.decode()
    assert 'data-install="ok"' in found
    wrong = unescape(client.get("/console/sites/fresh/embed", {"url": f"{base}/other.html"}).content.decode())
    assert 'data-install="missing"' in wrong
    assert "for site key someone-else, not fresh" in wrong
    missing = unescape(
        client.get("/console/sites/fresh/embed", {"url": f"{base}/without.html"}).content.decode()
    )
    assert "No banner script" in missing
    assert "inline stub is missing" in missing


def test_install_check_reaches_only_public_hosts(client, catalogue, member, settings):
    settings.CMP_OUTBOUND_ALLOW_PRIVATE = False
    site = Site.objects.create(key="fresh", name="Fresh")
    client.force_login(member(site, "viewer"))
    answer = unescape(
        client.get("/console/sites/fresh/embed", {"url": "https://127.0.0.1/"}).content.decode()
    )
    assert 'data-install="missing"' in answer
    assert "127.0.0.1" in answer

"""The scanner's test site: a small publisher served on two loopback host names, 127.0.0.1 (the
publisher, first party) and localhost (an embedded third party), with our banner from the live
CMP server on 127.0.0.1 too.

What each page does (the acceptance test expects exactly this):
- every page: a `csrftoken` cookie from the response header (declared necessary), `_ga` written by
  an inline script before any choice (undeclared; the Open Cookie Database says analytics),
  localStorage `lang_pref` and sessionStorage `cart_token` (declared necessary), a script tagged
  `data-category="analytics"` that writes `_pk_id.1.a1b2` once analytics is allowed (declared
  analytics as a pattern), and an iframe from localhost whose response sets `embed_uid` and whose
  script writes localStorage `embed_seen` (neither declared nor known);
- / links to /about.html, /private/secret.html (robots.txt disallows /private/), /missing.html
  (404) and off-site URLs;
  /about.html links to /about/team.html (depth 2), which links to /deep.html (depth 3: not loaded);
- /from-sitemap.html is linked from nowhere: only sitemap.xml names it.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.conftest import load_catalogue

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<script>{stub}</script>
<script src="{cmp}/static/consent/cmp.js" data-site="{site}" async></script></head>
<body><h1>{title}</h1>{links}
<script>
document.cookie = "_ga=GA1.1.123.456; max-age=63072000; path=/";
localStorage.setItem("lang_pref", "en");
sessionStorage.setItem("cart_token", "c1");
</script>
<script type="text/plain" data-category="analytics">
document.cookie = "_pk_id.1.a1b2=abc.123; max-age=34128000; path=/";
</script>
<iframe src="http://localhost:{port}/embed" title="embed"></iframe>
</body></html>"""

EMBED = """<!doctype html><html><body>embed
<script>localStorage.setItem("embed_seen", "1");</script></body></html>"""

LINKS = {
    "/": [
        "/about.html",
        "/private/secret.html",
        "/missing.html",
        "http://localhost:{port}/elsewhere",
        "mailto:a@example.com",
    ],
    "/about.html": ["/about/team.html", "/"],
    "/about/team.html": ["/deep.html"],
    "/from-sitemap.html": [],
    "/deep.html": [],
    "/private/secret.html": [],
}


class TestSite:
    def __init__(self, stub: str) -> None:
        self.stub = stub
        self.cmp_url = ""
        self.site_key = ""
        self.delay = 0.0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _handler(self) -> Any:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                headers = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}
                if path == "/robots.txt":
                    body = f"User-agent: *\nDisallow: /private/\n\nSitemap: {site.url}/sitemap.xml\n"
                    headers["Content-Type"] = "text/plain"
                elif path == "/sitemap.xml":
                    body = (
                        '<?xml version="1.0" encoding="UTF-8"?>'
                        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                        f"<url><loc>{site.url}/</loc></url><url><loc>{site.url}/from-sitemap.html</loc></url>"
                        "</urlset>"
                    )
                    headers["Content-Type"] = "application/xml"
                elif path == "/embed":
                    body = EMBED
                    headers["Set-Cookie"] = "embed_uid=u-42; Max-Age=31536000; Path=/; SameSite=None; Secure"
                elif path.startswith("/bulk/") or path in LINKS:
                    if site.delay:
                        threading.Event().wait(site.delay)
                    links = LINKS.get(path, [])
                    if path.startswith("/bulk/"):
                        number = int(path.rsplit("/", 1)[1].split(".")[0])
                        links = [f"/bulk/{n}.html" for n in range(number * 7 + 1, number * 7 + 8)]
                    body = PAGE.format(
                        title=path,
                        stub=site.stub,
                        cmp=site.cmp_url,
                        site=site.site_key,
                        port=site.port,
                        links="".join(
                            f'<p><a href="{link.format(port=site.port)}">{link}</a></p>' for link in links
                        ),
                    )
                    headers["Set-Cookie"] = "csrftoken=t0k3n; Path=/; HttpOnly; SameSite=Lax"
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = body.encode()
                self.send_response(200)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="session")
def test_site_server(repo_root):
    server = TestSite((repo_root / "static" / "consent" / "stub.js").read_text())
    yield server
    server.close()


@pytest.fixture
def scanned_site(live_server, test_site_server, settings):
    """The site as configured in the CMP: its domain 127.0.0.1, the test site allowed to call the
    API, its declarations; the test site's pages load our banner from the live server."""
    from sites.models import CookieCategory, CookieDeclaration, Site

    settings.CMP_OUTBOUND_ALLOW_PRIVATE = True
    load_catalogue()
    site = Site.objects.create(
        key="shop",
        name="Test shop",
        domains=["127.0.0.1"],
        allowed_origins=[test_site_server.url],
        publisher_country_code="FR",
    )
    categories = {c.slug: c for c in CookieCategory.objects.filter(site=site)}
    for slug, name, pattern in (
        ("necessary", "csrftoken", False),
        ("necessary", "lang_pref", False),
        ("necessary", "cart_token", False),
        ("analytics", "_pk_id", True),
        ("advertisement", "old_ad_cookie", False),
    ):
        CookieDeclaration.objects.create(category=categories[slug], name=name, is_pattern=pattern)
    test_site_server.cmp_url = live_server.url.replace("localhost", "127.0.0.1")
    test_site_server.site_key = site.key
    test_site_server.delay = 0.0
    return site


@pytest.fixture
def stored_scan():
    """`stored_scan(site, {run kind: [(name, domain, party), ...]})` -> a finished scan holding those
    cookies as if a crawl had found them, classified and with its findings built."""
    from scanner import findings
    from scanner.classify import Classifier
    from scanner.models import FoundCookie, Scan, ScanPage, ScanRun, ScanStatus

    def make(site, found):
        scan = Scan.objects.create(site=site, status=ScanStatus.RUNNING, options={})
        page = ScanPage.objects.create(
            scan=scan, url=f"https://{site.domains[0]}/", source="domain", status="done"
        )
        classifier = Classifier(site)
        for kind in ("no_choice", "reject_all", "accept_all"):
            run = ScanRun.objects.create(scan=scan, kind=kind, pages_loaded=1)
            for name, domain, party in found.get(kind, []):
                match = classifier.cookie(name, domain, party == "first")
                FoundCookie.objects.create(
                    run=run, name=name, domain=domain, party=party, set_by="script", first_page=page,
                    before_choice=kind == "no_choice", category=match.category, match_source=match.source,
                    match_detail=match.detail, declared=match.declared,
                )  # fmt: skip
        findings.build(scan, classifier)
        scan.status = ScanStatus.FINISHED
        scan.summary = findings.summarise(scan)
        scan.save()
        return scan

    return make

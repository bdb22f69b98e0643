"""Which pages a scan loads: start URLs, the sitemap, robots.txt and same-site links.

Everything fetched here (robots.txt, sitemap.xml) goes through `infra.outbound`, so a site's
domains cannot point the server at an internal address. The browser's own loads are checked by
`scanner.browser` under the same rule.
"""

from __future__ import annotations

import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from lxml import etree

from infra.outbound import OutboundFailed, OutboundRefused, fetch

#: The product token robots.txt rules are matched against.
ROBOTS_AGENT = "cmp-cookie-scanner"
SCHEMES = ("http", "https")
SITEMAP_MAX_BYTES = 5 * 1024 * 1024
SITEMAP_MAX_FILES = 10


def host_matches(host: str, domain: str) -> bool:
    """`host` is `domain` or one of its subdomains."""
    host, domain = host.lower().rstrip("."), domain.lower().lstrip(".").rstrip(".")
    return host == domain or host.endswith("." + domain)


class SiteScope:
    """The hosts that belong to the site: its domains and their subdomains. A cookie or request is
    first party when its domain is one of them or a parent of one (a cookie on .example.com set by
    www.example.com)."""

    def __init__(self, domains: list[str]) -> None:
        self.domains = [d.lower().lstrip(".") for d in domains if d]

    def contains_host(self, host: str) -> bool:
        return any(host_matches(host, d) for d in self.domains)

    def is_first_party(self, domain: str) -> bool:
        domain = domain.lower().lstrip(".")
        return self.contains_host(domain) or any(host_matches(d, domain) for d in self.domains)

    def allows_url(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in SCHEMES and bool(parts.hostname) and self.contains_host(parts.hostname or "")


def normalise(url: str) -> str:
    """The URL without its fragment: #a and #b are one page."""
    return urldefrag(url.strip())[0]


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class Robots:
    """robots.txt of each origin, fetched once per scan. Unreachable or missing: everything allowed
    (what crawlers do, RFC 9309 section 2.3.1.3)."""

    parsers: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)
    sitemaps: list[str] = field(default_factory=list)

    def _parser(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        key = origin(url)
        if key not in self.parsers:
            parser: urllib.robotparser.RobotFileParser | None = None
            try:
                answer = fetch(key + "/robots.txt", schemes=SCHEMES, max_bytes=512 * 1024, timeout=10)
            except (OutboundRefused, OutboundFailed):
                answer = None
            if answer is not None and answer.status == 200:
                parser = urllib.robotparser.RobotFileParser()
                parser.parse(answer.body.decode("utf-8", "replace").splitlines())
                self.sitemaps.extend(parser.site_maps() or [])
            self.parsers[key] = parser
        return self.parsers[key]

    def allowed(self, url: str) -> bool:
        parser = self._parser(url)
        return parser is None or parser.can_fetch(ROBOTS_AGENT, url)


def sitemap_urls(sitemap: str, scope: SiteScope) -> tuple[list[str], list[str]]:
    """Page URLs of a sitemap (following a sitemap index one level down), same-site ones only;
    and the problems met, as messages."""
    pages: list[str] = []
    problems: list[str] = []
    queue, seen = [sitemap], set()
    while queue and len(seen) < SITEMAP_MAX_FILES:
        current = queue.pop(0)
        if current in seen or not scope.allows_url(current):
            continue
        seen.add(current)
        try:
            answer = fetch(current, schemes=SCHEMES, max_bytes=SITEMAP_MAX_BYTES, timeout=15)
        except (OutboundRefused, OutboundFailed) as exc:
            problems.append(str(exc))
            continue
        if answer.status != 200:
            if current != sitemap or answer.status != 404:
                problems.append(f"{current}: HTTP {answer.status}")
            continue
        try:
            # No entities and no network: a sitemap is data, never instructions to the parser.
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            root = etree.fromstring(answer.body, parser)
        except etree.XMLSyntaxError as exc:
            problems.append(f"{current}: not XML ({exc})")
            continue
        for loc in root.iter("{*}loc"):
            target = normalise(loc.text or "")
            if not target:
                continue
            if etree.QName(root).localname == "sitemapindex":
                queue.append(target)
            elif scope.allows_url(target):
                pages.append(target)
    return pages, problems


@dataclass
class PlannedPage:
    url: str
    depth: int
    source: str


def start_pages(
    domains: list[str], publisher_urls: list[str], scope: SiteScope, robots: Robots
) -> tuple[list[PlannedPage], list[str]]:
    """The depth-0 pages: publisher URLs, the home page of each domain no publisher URL already
    covers (https), and the pages of each origin's sitemap (robots.txt Sitemap lines, else
    /sitemap.xml)."""
    planned: list[PlannedPage] = []
    problems: list[str] = []
    seen: set[str] = set()

    def add(url: str, source: str) -> None:
        url = normalise(url)
        if url not in seen:
            seen.add(url)
            planned.append(PlannedPage(url, 0, source))

    for url in publisher_urls:
        if scope.allows_url(url):
            add(url, "publisher")
        else:
            problems.append(f"{url[:200]}: not an http(s) URL on the site's domains; skipped.")
    covered = {urlsplit(u).hostname for u in publisher_urls}
    for domain in domains:
        if domain.lower() not in covered:
            add(f"https://{domain}/", "domain")
    origins = list(dict.fromkeys(origin(p.url) for p in planned))
    for base in origins:
        robots.allowed(base + "/")  # fetches robots.txt, which may name the sitemaps
    sitemaps = [s for s in robots.sitemaps if scope.allows_url(s)] or [o + "/sitemap.xml" for o in origins]
    for sitemap in dict.fromkeys(sitemaps):
        pages, found = sitemap_urls(sitemap, scope)
        problems.extend(found)
        for url in pages:
            add(url, "sitemap")
    return planned, problems

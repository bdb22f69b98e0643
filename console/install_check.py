"""Does a page of the site load the banner? The page is fetched server-side under the rules of
infra/outbound.py (public hosts only, redirects re-checked, size and time limits), then its HTML
is read for the stub and for the script tag with this site's key."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from django.conf import settings

from infra.outbound import OutboundFailed, OutboundRefused, fetch

MAX_PAGE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class InstallReport:
    url: str
    ok: bool
    findings: list[str]


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[dict[str, str]] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.tags.append({k: v or "" for k, v in attrs})
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline.append(data)


def check_page(url: str, site_key: str) -> InstallReport:
    schemes = ("https", "http") if settings.CMP_OUTBOUND_ALLOW_PRIVATE else ("https",)
    try:
        answer = fetch(url, schemes=schemes, max_bytes=MAX_PAGE_BYTES, timeout=10.0)
    except (OutboundRefused, OutboundFailed) as error:
        return InstallReport(url, False, [str(error)])
    if answer.status >= 400:
        return InstallReport(url, False, [f"The page answered HTTP {answer.status}."])
    parser = _Scripts()
    parser.feed(answer.body.decode("utf-8", "replace"))
    findings = []
    ours = [t for t in parser.tags if t.get("src", "").split("?")[0].endswith("/consent/cmp.js")]
    keyed = [t for t in ours if t.get("data-site") == site_key]
    stub = any("__tcfapiLocator" in text for text in parser.inline)
    if keyed:
        findings.append(f'The banner script is loaded with data-site="{site_key}".')
    elif ours:
        others = ", ".join(sorted({t.get("data-site", "") or "(none)" for t in ours}))
        findings.append(f"The banner script is loaded, but for site key {others}, not {site_key}.")
    else:
        findings.append("No banner script (…/static/consent/cmp.js) on the page.")
    findings.append(
        "The inline stub is in place." if stub else "The inline stub is missing: put it before any ad tag."
    )
    return InstallReport(answer.url, bool(keyed) and stub, findings)

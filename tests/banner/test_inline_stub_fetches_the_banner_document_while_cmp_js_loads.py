"""On a first visit the inline stub starts the request for the banner document (its tag carries
`data-banner`), so the document travels while cmp.js loads instead of after it; cmp.js uses that
answer and asks for nothing twice. A return visit leaves it to cmp.js, which revalidates the
requirements stamp first."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def requests_of(page) -> list[tuple[float, str, str]]:
    seen: list[tuple[float, str, str]] = []
    page.on("request", lambda request: seen.append((time.monotonic(), "request", request.url)))
    page.on("response", lambda response: seen.append((time.monotonic(), "response", response.url)))
    return seen


def slow_script(page, seconds: float) -> None:
    """cmp.js arrives `seconds` late, as it would on a slow network."""

    def delayed(route) -> None:
        time.sleep(seconds)
        route.continue_()

    page.route("**/static/consent/cmp.js", delayed)


def test_first_visit_asks_for_the_banner_document_before_cmp_js_arrives(page, cmp_server):
    seen = requests_of(page)
    slow_script(page, 1.0)
    page.goto(cmp_server + "/demo/")
    expect(page.locator(".cmp-bar [data-cmp=accept]")).to_be_visible()

    banner_requests = [at for at, kind, url in seen if kind == "request" and "/banner?" in url]
    script_arrived = [at for at, kind, url in seen if kind == "response" and url.endswith("/cmp.js")]
    assert len(banner_requests) == 1, "cmp.js took the stub's answer instead of asking again"
    assert banner_requests[0] < script_arrived[0], "the document was asked for while cmp.js loaded"


def test_return_visit_leaves_the_document_to_cmp_js(page, cmp_server):
    page.goto(cmp_server + "/demo/")
    page.click(".cmp-bar [data-cmp=accept]")
    page.wait_for_function("() => document.cookie.includes('cmp_consent=')")
    assert "/api/v1/sites/demo/banner?lang=" in page.evaluate("() => window.__cmpConfig.url")

    seen = requests_of(page)
    page.reload()
    page.wait_for_function("() => typeof window.__tcfapi === 'function'")
    expect(page.locator(".cmp-bar")).to_have_count(0)
    assert page.evaluate("() => window.__cmpConfig === undefined"), "the stub did not fetch on a return visit"
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => e.name.includes('/banner?'))"
    )
    banner_requests = [url for _, kind, url in seen if kind == "request" and "/banner?" in url]
    assert len(banner_requests) == 1
    assert "&v=" in banner_requests[0], "fetched under the requirements stamp"


def test_the_snippet_stub_names_the_sites_banner_document(demo_site):
    from sites.views import stub_tag

    tag = stub_tag(demo_site, "https://cmp.example")
    assert ' data-banner="https://cmp.example/api/v1/sites/demo/banner"' in tag

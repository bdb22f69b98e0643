"""The pages this service renders run their own inline scripts and styles (they carry the response's
CSP nonce) and nothing that was injected into them: markup slipped into the HTML on its way to the
browser, as a template that forgot to escape would let through, is refused by Chromium, and so is
a script another script inserts without the nonce."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Runs before any page script (through the DevTools protocol, which CSP does not govern) and keeps
# every violation the page reports.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  {directive: e.effectiveDirective, blocked: e.blockedURI, line: e.lineNumber}));
"""

INJECTED = (
    "<script>window.__injected = 'plain';</script>"
    "<script nonce='AAAAAAAAAAAAAAAAAAAAAA=='>window.__injected = 'guessed nonce';</script>"
    "<img id='injected-img' src='/static/none.png' onerror=\"window.__injected = 'handler'\">"
    "<style>#analytics-state { color: rgb(255, 0, 0) }</style>"
    "<p id='injected-style' style='color: rgb(255, 0, 0)'>styled</p>"
)


def violations(page) -> list[dict[str, str]]:
    return page.evaluate("window.__violations")


@pytest.fixture
def watched(page):
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def test_markup_injected_into_the_demo_page_does_not_run_while_its_own_scripts_do(
    watched, cmp_server, cmp_ping
):
    page = watched

    def inject(route):
        response = route.fetch()
        assert "'nonce-" in response.headers["content-security-policy"]
        body = response.text().replace("</main>", INJECTED + "</main>")
        route.fulfill(response=response, body=body)

    page.route(f"{cmp_server}/demo/", inject)
    page.goto(cmp_server + "/demo/")
    cmp_ping.wait_loaded(page)  # the inline stub and cmp.js ran
    expect(page.locator("#injected-style")).to_be_attached()  # the injected markup is in the page
    page.wait_for_function("() => window.__violations.length >= 5")

    assert page.evaluate("window.__injected") is None
    assert page.locator("#injected-style").evaluate("e => getComputedStyle(e).color") != "rgb(255, 0, 0)"
    assert page.locator("#analytics-state").evaluate("e => getComputedStyle(e).color") != "rgb(255, 0, 0)"
    directives = sorted(v["directive"] for v in violations(page))
    assert directives.count("script-src-elem") == 2, directives
    assert "script-src-attr" in directives, directives
    assert "style-src-elem" in directives, directives
    assert "style-src-attr" in directives, directives

    # The banner's own stylesheet applied (it reuses cmp.js's nonce) ...
    expect(page.locator(".cmp-bar")).to_be_visible()
    assert page.locator(".cmp-bar").evaluate("e => getComputedStyle(e).position") == "fixed"
    # ... and the blocked script it releases after consent runs with that nonce too.
    page.click(".cmp-bar [data-cmp=accept]")
    expect(page.locator("#analytics-state")).to_have_text("ran")
    before = len(violations(page))

    # A script that some other script inserts without the nonce is refused as well.
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = "window.__injected = 'inserted'"; document.body.appendChild(s); }"""
    )
    page.wait_for_function(f"() => window.__violations.length > {before}")
    assert page.evaluate("window.__injected") is None
    assert violations(page)[-1]["directive"] == "script-src-elem"


def test_every_rendered_page_runs_its_own_inline_code_without_a_violation(
    watched, cmp_server, demo_site, live_server
):
    page = watched
    get_user_model().objects.create_superuser("csp-admin", "csp@example.com", "a long admin password")
    page.goto(cmp_server + "/admin/login/")
    page.fill("#id_username", "csp-admin")
    page.fill("#id_password", "a long admin password")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    assert violations(page) == []

    pages = [
        "/admin/",
        "/admin/sites/site/",
        f"/admin/sites/site/{demo_site.pk}/change/",
        "/admin/consent/apikey/add/",
        "/admin/vendors/gvlversion/",
        f"/console/sites/{demo_site.key}/dashboard",
        f"/console/sites/{demo_site.key}/appearance",
        "/demo/",
    ]
    for path in pages:
        page.goto(cmp_server + path)
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], (path, violations(page))

    # The docs page renders: Redoc's bundle, the inline call that starts it and the stylesheets it
    # inserts all run. Only Redocly's logo, an image on their CDN, is refused (img-src 'self').
    page.goto(cmp_server + "/api/v1/docs/")
    expect(page.locator("#redoc-container h1").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert page.locator(".menu-content").evaluate("e => getComputedStyle(e).display") == "flex"
    refused = violations(page)
    assert [v for v in refused if v["directive"] != "img-src"] == [], refused
    assert all(v["blocked"].startswith("https://cdn.redoc.ly/") for v in refused), refused

"""A return visit applies the stored choice from its cookies at once: Consent Mode's `update`,
`__tcfapi`'s `tcloaded` and the release of the blocked scripts happen in the task that runs cmp.js,
before it sends any request to the CMP API. Then the banner revalidates the small requirements
stamp and fetches the banner document under it, so a change of the site's policy version re-prompts
on the very next page view although the document the browser cached (max-age) still says the old
one."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from consent.models import ConsentRecord

pytestmark = pytest.mark.browser

# Runs before the stub: logs every dataLayer entry, TCF event, released script and fetch in the
# order they happen. The first of the stored choice's effects queues a microtask, which can only run
# once the task that caused it has finished: whatever is logged before "end of task" happened in
# that one task.
RECORDER = """<script>
window.__log = [];
window.__effect = function (entry) {
  __log.push(entry);
  if (window.__marked) return;
  window.__marked = true;
  queueMicrotask(function () { __log.push("end of task"); });
};
window.dataLayer = [];
dataLayer.push = function (e) {
  if (e && e[0] === "consent") (e[1] === "update" ? __effect : __log.push.bind(__log))("consent " + e[1]);
  else if (e && e.event) __log.push("event " + e.event);
  return Array.prototype.push.call(this, e);
};
var realFetch = window.fetch;
window.fetch = function (url) {
  __log.push("fetch " + new URL(String(url), location.href).pathname);
  return realFetch.apply(this, arguments);
};
</script>"""

AFTER_STUB = """<script>
__tcfapi("addEventListener", 2, function (d) {
  __effect("tcf " + d.eventStatus);
  window.__tcdata = JSON.parse(JSON.stringify(d));
});
</script>
<script type="text/plain" data-category="analytics">__effect("script analytics")</script>
<script type="text/plain" data-vendor="755">__effect("script vendor 755")</script>"""


@pytest.fixture
def publisher_page(other_origin, stub_source, cmp_server):
    root, port = other_origin
    (root / "return-visit.html").write_text(
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Return visit</title>
{RECORDER}<script>{stub_source}</script>{AFTER_STUB}
<script src="{cmp_server}/static/consent/cmp.js" data-site="demo" async></script>
</head><body><h1>Publisher</h1></body></html>"""
    )
    return f"http://127.0.0.1:{port}/return-visit.html"


def api_requests(page):
    seen: list[str] = []
    page.on("request", lambda r: "/api/v1/" in r.url and seen.append(r.url))
    return seen


def accept_all(page, url) -> None:
    page.goto(url)
    page.click(".cmp-bar [data-cmp=accept]")
    page.wait_for_function("() => document.cookie.includes('euconsent-v2=')")
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()


def test_stored_choice_applies_in_one_task_before_any_request(page, publisher_page, cookies):
    accept_all(page, publisher_page)
    jar = cookies()
    record = ConsentRecord.objects.get(consent_id=jar["meta"]["consent_id"])

    requests = api_requests(page)
    page.goto(publisher_page)
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()
    log = page.evaluate("window.__log")
    effects = [
        "consent update",
        "event cmp_consent_loaded",
        "tcf tcloaded",
        "script analytics",
        "script vendor 755",
    ]
    assert set(effects) <= set(log), log
    last_effect = max(log.index(e) for e in effects)
    first_fetch = next(i for i, entry in enumerate(log) if entry.startswith("fetch "))
    assert log.index("consent default") < log.index("consent update")
    assert last_effect < log.index("end of task"), f"one task: {log}"
    assert last_effect < first_fetch, f"before any request: {log}"
    assert log.count("consent update") == 1, "the config's arrival sends no second update"

    tcdata = page.evaluate("window.__tcdata")
    assert (tcdata["eventStatus"], tcdata["tcString"], tcdata["gdprApplies"]) == ("tcloaded", jar["tc"], True)
    layer = page.evaluate(
        "() => dataLayer.filter(e => e[0] === 'consent' && e[1] === 'update').map(e => e[2])"
    )
    assert layer == [record.consent_mode]

    # Then, and only then, the requests: the stamp, and the document fetched under it.
    stamp_url, banner_url = requests[:2]
    assert urlsplit(stamp_url).path == "/api/v1/sites/demo/requirements"
    assert urlsplit(banner_url).path == "/api/v1/sites/demo/banner"
    stamp = page.evaluate("url => fetch(url).then(r => r.json())", stamp_url)["stamp"]
    assert parse_qs(urlsplit(banner_url).query)["v"] == [stamp]
    assert not [u for u in requests if "/consents" in u]


def test_policy_change_reprompts_on_the_next_page_view(page, publisher_page, demo_site, cookies):
    requests = api_requests(page)
    accept_all(page, publisher_page)
    first_document = next(u for u in requests if "/banner" in u)
    page.goto(publisher_page)
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()
    expect(page.locator(".cmp-bar")).to_have_count(0)

    demo_site.policy_version = "2"
    demo_site.save()
    requests.clear()
    page.goto(publisher_page)
    expect(page.locator(".cmp-bar")).to_be_visible()
    tcdata = page.evaluate("window.__tcdata")
    assert tcdata["eventStatus"] == "cmpuishown"
    assert tcdata["tcString"] == cookies()["tc"], "the stored string holds until the visitor answers"
    # The document the first visit fetched is still fresh in the browser's cache, and still says
    # the old version: only the revalidated stamp made this page view ask again.
    cached = page.evaluate("url => fetch(url).then(r => r.json())", first_document)
    assert cached["consent_requirements"]["policy_version"] == "1"
    banner_url = next(u for u in requests if "/banner" in u)
    assert (
        json.loads(page.evaluate("url => fetch(url).then(r => r.text())", banner_url))[
            "consent_requirements"
        ]["policy_version"]
        == "2"
    )

    page.click(".cmp-bar [data-cmp=accept]")
    page.wait_for_function("() => !!window.__cmp.consent().meta.policy_version.match(/^2$/)")
    assert cookies()["meta"]["policy_version"] == "2"
    page.goto(publisher_page)
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()
    expect(page.locator(".cmp-bar")).to_have_count(0)

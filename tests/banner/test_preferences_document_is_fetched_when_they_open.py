"""What only the preferences show (every text, descriptions, cookies, counts) is a document of its
own: a first page view loads the small first-layer document alone, and the preferences document
comes with prefs.js when the visitor reaches for Customise, once, and fills the dialog."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_first_layer_loads_without_it_and_customise_brings_it_once(page, cmp_server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(cmp_server + "/demo/")
    expect(page.locator(".cmp-bar [data-cmp=accept]")).to_be_visible()
    page.wait_for_load_state("networkidle")
    preferences = lambda: [u for u in requested if "/preferences?" in u]  # noqa: E731
    assert preferences() == [], "a first page view needs only the first layer's document"
    assert [u for u in requested if "/banner?" in u], "the first layer's document was fetched"

    # Pointing at Customise fetches both parts ahead of the click; the click then asks for nothing.
    page.hover(".cmp-bar [data-cmp=customise]")
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => e.name.includes('/preferences?'))"
    )
    page.click(".cmp-bar [data-cmp=customise]")
    dialog = page.locator(".cmp-dlg")
    expect(dialog).to_be_visible()
    assert len(preferences()) == 1
    assert "&v=" in preferences()[0], "fetched under the first layer's requirements stamp"

    document = page.evaluate(f"fetch({preferences()[0]!r}).then(r => r.json())")
    analytics = next(c for c in document["categories"] if c["slug"] == "analytics")
    dialog.locator("[data-key='c-analytics'] .cmp-acc").click()
    expect(dialog.locator("[data-key='c-analytics']")).to_contain_text(analytics["description"])
    expect(dialog.locator("[data-cmp=save]")).to_have_text(document["texts"]["save"])

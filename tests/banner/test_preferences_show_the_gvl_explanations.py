"""The Purposes & Features tab shows, under the Features and Special Features headings, the GVL's
explanation of them (TCF v2.4 standardTexts; fixture tests/data/gvl-v2.4-standard-texts.json), as
the GVL version in use words it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sites.texts import BANNER_TEXTS

pytestmark = pytest.mark.browser


def test_the_features_are_explained_in_the_gvls_words(page, gvl_v2_4, open_demo, screenshots_dir):
    open_demo()
    page.click(".cmp-bar [data-cmp=customise]")
    page.get_by_role("tab", name=BANNER_TEXTS["tab_purposes"]).click()
    texts = gvl_v2_4["gvl"]["standardTexts"]
    features = page.locator(".cmp-dlg [data-cmp=std-features]")
    expect(features).to_have_text(texts["features"])
    expect(page.locator(".cmp-dlg [data-cmp=std-special_features]")).to_have_text(texts["specialFeatures"])
    # Under its own heading, not under another section's.
    assert features.evaluate("p => p.previousElementSibling.textContent") == BANNER_TEXTS["features"]
    expect(page.locator(".cmp-dlg")).to_contain_text(gvl_v2_4["gvl"]["specialFeatureNames"]["2"])
    features.scroll_into_view_if_needed()
    page.screenshot(path=screenshots_dir / "preferences-feature-explanations.png")

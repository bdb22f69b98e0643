"""A publisher page on another origin than the CMP host embeds the stub and cmp.js; a script in a
cross-origin iframe reaches __tcfapi through __tcfapiLocator and postMessage and gets the same
TCData as the page."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

FRAME = Path(__file__).with_name("pages") / "tcf_frame.html"


def test_iframe_on_another_origin_gets_the_same_tcdata(
    page, other_origin, framing_publisher, cookies, reference_tcdata, string_fields
):
    _, port = other_origin
    page.goto(framing_publisher("tcf", FRAME.read_text()))
    page.click(".cmp-bar [data-cmp=accept]")
    page.wait_for_function("() => document.cookie.includes('euconsent-v2=')")

    frame = page.locator("#ad").element_handle().content_frame()
    frame.wait_for_function("() => typeof window.tcfCall === 'function'")
    assert frame.evaluate("location.origin") == f"http://localhost:{port}"
    ping = frame.evaluate("tcfCall('ping')")
    assert ping["success"] is True
    assert ping["returnValue"]["cmpStatus"] == "loaded"

    in_frame = frame.evaluate("tcfCall('addEventListener')")
    assert in_frame["success"] is True
    in_page = page.evaluate(
        "new Promise(r => __tcfapi('addEventListener', 2, (d, ok) => ok && d.tcString && r(d)))"
    )
    jar = cookies()
    assert in_frame["returnValue"]["tcString"] == jar["tc"]
    assert string_fields(in_frame["returnValue"]) == string_fields(in_page)
    assert string_fields(in_frame["returnValue"]) == reference_tcdata([jar["tc"]])[0]
    assert in_frame["returnValue"]["addtlConsent"] == jar["ac"]

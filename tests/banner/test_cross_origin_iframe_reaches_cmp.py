"""A publisher page on another origin than the CMP host embeds the stub and cmp.js; a script in a
cross-origin iframe reaches __tcfapi through __tcfapiLocator and postMessage and gets the same
TCData as the page."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

FRAME = Path(__file__).with_name("pages") / "tcf_frame.html"


def test_iframe_on_another_origin_gets_the_same_tcdata(
    page, cmp_server, other_origin, stub_source, cookies, reference_tcdata, string_fields
):
    root, port = other_origin
    (root / "frame.html").write_text(FRAME.read_text())
    (root / "publisher.html").write_text(
        f"""<!doctype html><html lang="en"><head><title>Publisher</title><script>{stub_source}</script>
<script src="{cmp_server}/static/consent/cmp.js" data-site="demo" async></script></head>
<body><h1>Publisher on another origin</h1>
<iframe id="ad" title="ad" src="http://localhost:{port}/frame.html" width="300" height="250"></iframe>
</body></html>"""
    )
    page.goto(f"http://127.0.0.1:{port}/publisher.html")
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

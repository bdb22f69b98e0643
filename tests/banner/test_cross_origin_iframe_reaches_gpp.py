"""Chromium: a script in a cross-origin iframe of a Californian's page finds __gppLocator up the
frame tree and gets the page's __gpp answers through postMessage (__gppCall / __gppReturn), as a
string or an object like its request."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FRAME = """<!doctype html><html><head><title>ad</title><script>
function gppCall(command, parameter, asString) {
  let target = window, locator = null;
  while (target) {
    try { if (target.frames.__gppLocator) { locator = target; break; } } catch (e) {}
    if (target === window.top) break;
    target = target.parent;
  }
  const callId = Math.random().toString(36).slice(2);
  return new Promise(resolve => {
    window.addEventListener("message", function answer(event) {
      const data = typeof event.data === "string" ? JSON.parse(event.data) : event.data;
      if (data && data.__gppReturn && data.__gppReturn.callId === callId) {
        window.removeEventListener("message", answer);
        resolve({ ...data.__gppReturn, asString: typeof event.data === "string" });
      }
    });
    const call = { __gppCall: { command, parameter, version: "1.1", callId } };
    locator.postMessage(asString ? JSON.stringify(call) : call, "*");
  });
}
</script></head><body>ad</body></html>"""


def test_iframe_on_another_origin_reads_the_gpp_string(
    page, cmp_server, other_origin, framing_publisher, cloudflare, gpp_ready
):
    _, port = other_origin
    publisher = framing_publisher("gpp", FRAME)

    # The CDN in front of the CMP adds the location headers to the API requests (not the browser).
    def at_the_edge(route):
        route.continue_(headers={**route.request.headers, "cf-ipcountry": "US", "cf-region-code": "CA"})

    page.route(cmp_server + "/api/**", at_the_edge)
    page.goto(publisher)
    in_page = gpp_ready(page)
    frame = page.locator("#ad").element_handle().content_frame()
    frame.wait_for_function("() => typeof window.gppCall === 'function'")
    assert frame.evaluate("location.origin") == f"http://localhost:{port}"
    ping = frame.evaluate("gppCall('ping', undefined, false)")
    assert ping["success"] is True
    assert ping["asString"] is False
    assert ping["returnValue"]["applicableSections"] == [7, 8]
    assert ping["returnValue"]["gppString"] == in_page["gppString"]
    field = frame.evaluate("gppCall('getField', 'usca.SaleOptOut', true)")
    assert (field["returnValue"], field["success"], field["asString"]) == (2, True, True)

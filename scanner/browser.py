"""Loading pages in headless Chromium: Debian's `chromium`, started by us and driven by Playwright
over the DevTools protocol.

We start the browser process ourselves instead of letting Playwright launch it because:
- its profile must allow third-party cookies. Playwright's contexts are off-the-record profiles,
  which block them by default; a visitor's ordinary Chrome does not, and a scan must see what that
  visitor gets. The preference lives in the profile directory we create.
- the process must die with the worker: it gets PR_SET_PDEATHSIG (killed by the kernel when the
  worker dies, even by SIGKILL) and a process group of its own, which `stop` and the next scan's
  recovery (`scanner.service.recover_abandoned`) kill as a whole.

Every page load is a fresh browser context (no cookies, no storage), optionally seeded with the
consent cookies our banner set when Reject All or Accept All was clicked. What the browser tells
us is recorded: the cookie jar, each frame's localStorage and sessionStorage keys, the requests
and their frames, the Set-Cookie headers of each response, and (through an init script that wraps
`document.cookie` and `Storage.setItem`) the script that wrote a cookie or key.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from infra.outbound import OutboundRefused, resolve_allowed
from scanner.crawl import SCHEMES, SiteScope
from sites.setup import OWN_COOKIES

#: The cookies our banner writes: a choice made in one context is carried to the next page's fresh
#: context through these alone.
CMP_COOKIES = tuple(name for name, _ in OWN_COOKIES)
#: Marks our browsers' profile directories, so recovery kills only processes we started.
PROFILE_PREFIX = "cmp-scan-"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-dev-shm-usage",
    "--remote-debugging-port=0",
]

INIT_SCRIPT = r"""
(() => {
  const caller = () => {
    const lines = (new Error().stack || "").split("\n").slice(3);
    for (const line of lines) {
      const m = line.match(/(https?:\/\/[^\s)]+?):\d+:\d+/);
      if (m) return m[1];
    }
    return "";
  };
  const writes = [];
  Object.defineProperty(window, "__cmpScanWrites", { value: writes });
  const tell = (area, name) => { try { writes.push([area, name, caller()]); } catch (e) {} };
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  Object.defineProperty(Document.prototype, "cookie", {
    configurable: true,
    enumerable: cookie.enumerable,
    get() { return cookie.get.call(this); },
    set(value) {
      tell("cookie", String(value).split(";")[0].split("=")[0].trim());
      cookie.set.call(this, value);
    },
  });
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    let area = "session";
    try { if (this === window.localStorage) area = "local"; } catch (e) {}
    tell(area, String(key));
    return setItem.call(this, key, value);
  };
})();
"""

STORAGE_KEYS = """() => {
  const keys = area => { try { return Object.keys(window[area]); } catch (e) { return []; } };
  return {
    origin: location.origin,
    local: keys("localStorage"),
    session: keys("sessionStorage"),
    writes: window.__cmpScanWrites || [],
  };
}"""
#: A page has settled when no request has been in flight for this long after its load event (the
#: banner and the scripts it releases run by then).
QUIET_SECONDS = 0.3


def _die_with_parent() -> None:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class BrowserProcess:
    """One Chromium process with its own profile directory."""

    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix=PROFILE_PREFIX)
        os.makedirs(os.path.join(self.profile, "Default"))
        with open(os.path.join(self.profile, "Default", "Preferences"), "w") as prefs:
            # cookie_controls_mode 0: third-party cookies allowed, as in a default Chrome profile.
            json.dump({"profile": {"cookie_controls_mode": 0}}, prefs)
        self.process = subprocess.Popen(  # noqa: S603 (our own setting's executable and fixed flags)
            [settings.CMP_SCAN_CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # runs in the child before exec: it only calls prctl
        )
        self.pid = self.process.pid
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + 30
        while not _read(port_file):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Chromium ({settings.CMP_SCAN_CHROMIUM}) did not start.")
            time.sleep(0.05)
        # The browser writes the port it listens on once it is ready (--remote-debugging-port=0).
        self.endpoint = f"http://127.0.0.1:{_read(port_file).split()[0]}"

    def stop(self) -> None:
        kill_group(self.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def _read(path: str) -> str:
    try:
        with open(path) as handle:
            return handle.read().strip()
    except OSError:
        return ""


def kill_group(pid: int) -> None:
    """Kills the process group `pid` leads (the browser and its renderers and helpers)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def remove_stale_profiles(older_than: float = 300.0) -> int:
    """Deletes the profile directories of our browsers that no process uses any more (a worker
    killed mid-scan cannot delete its own); returns how many."""
    in_use = b""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                in_use += cmdline.read() + b"\n"
    removed = 0
    base = tempfile.gettempdir()
    for name in os.listdir(base):
        folder = os.path.join(base, name)
        if not name.startswith(PROFILE_PREFIX) or folder.encode() in in_use:
            continue
        with contextlib.suppress(OSError):
            if time.time() - os.stat(folder).st_mtime > older_than:
                shutil.rmtree(folder)
                removed += 1
    return removed


def is_our_browser(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return f"--user-data-dir={tempfile.gettempdir()}/{PROFILE_PREFIX}".encode() in cmdline.read()
    except OSError:
        return False


@dataclass
class Visit:
    """What one load of one page in one run found."""

    url: str
    final_url: str = ""
    http_status: int | None = None
    error: str = ""
    cookies: list[dict[str, Any]] = field(default_factory=list)
    # name -> URL of the response whose Set-Cookie header named it
    header_cookies: dict[str, str] = field(default_factory=dict)
    # (area, name) -> URL of the script that wrote it; area is cookie, local or session
    script_writes: dict[tuple[str, str], str] = field(default_factory=dict)
    # (origin, area, key)
    storage: list[tuple[str, str, str]] = field(default_factory=list)
    # (url, resource type, frame url)
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Browser:
    """A browser process and a Playwright connection to it, driven from synchronous code. The
    event loop runs in a thread of its own: the caller's thread never has a running loop, so the
    ORM may be used there (Django refuses it inside one), and a sync Playwright elsewhere in the
    process (tests) is not disturbed."""

    def __init__(self, scope: SiteScope) -> None:
        from playwright.async_api import async_playwright

        self.scope = scope
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="scanner-browser", daemon=True)
        self.thread.start()
        self.process = BrowserProcess()
        self._allowed: dict[str, str] = {}
        try:
            self.playwright = self.run(async_playwright().start())
            self.browser = self.run(self.playwright.chromium.connect_over_cdp(self.process.endpoint))
        except BaseException:
            self.process.stop()
            self._stop_loop()
            raise
        self.timeout_ms = settings.CMP_SCAN_PAGE_TIMEOUT_SECONDS * 1000
        self.semaphore = asyncio.Semaphore(settings.CMP_SCAN_CONCURRENCY)

    @property
    def pid(self) -> int:
        return self.process.pid

    def close(self) -> None:
        try:
            self.run(self._close())
        except Exception:  # noqa: S110 (the process is killed below, whatever the driver's state)
            pass
        finally:
            self.process.stop()
            self._stop_loop()

    def _stop_loop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()

    async def _close(self) -> None:
        await asyncio.wait_for(self.browser.close(), 10)
        await asyncio.wait_for(self.playwright.stop(), 10)

    def run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    # --- the address rule, for every request the browser makes -----------------------------------

    def refusal(self, url: str) -> str:
        """Why `url` may not be loaded ('' when it may): http(s) to an allowed address only."""
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return ""
        if parts.scheme not in SCHEMES:
            return f"{parts.scheme}: URLs are not loaded"
        key = f"{parts.scheme}://{parts.netloc}"
        if key not in self._allowed:
            try:
                resolve_allowed(url, SCHEMES)
                self._allowed[key] = ""
            except OutboundRefused as exc:
                self._allowed[key] = str(exc)
        return self._allowed[key]

    async def _context(self, state: dict[str, Any] | None, visit: Visit) -> Any:
        context = await self.browser.new_context(
            storage_state=state, accept_downloads=False, viewport={"width": 1280, "height": 800}
        )
        context.set_default_timeout(self.timeout_ms)

        async def route(route: Any) -> None:
            reason = self.refusal(route.request.url)
            if reason:
                visit.refused.append(reason)
                await route.abort("blockedbyclient")
            else:
                await route.continue_()

        await context.route("**/*", route)

        closing: list[Any] = []

        def on_page(page: Any) -> None:
            # Popups are refused: the scan loads the pages it planned, nothing a script opens.
            if visit.final_url or len(context.pages) > 1:
                closing.append(asyncio.ensure_future(page.close()))

        context.on("page", on_page)
        await context.add_init_script(INIT_SCRIPT)
        return context

    # --- making a choice in our banner ------------------------------------------------------------

    def choice_state(self, url: str, action: str) -> tuple[dict[str, Any] | None, str]:
        """The consent cookies our banner sets when `action` (reject or accept) is clicked on
        `url`; or None and why not."""
        return self.run(self._choice_state(url, action))  # type: ignore[no-any-return]

    async def _choice_state(self, url: str, action: str) -> tuple[dict[str, Any] | None, str]:
        visit = Visit(url)
        if reason := self.refusal(url):
            return None, f"Refused: {reason}"
        context = await self._context(None, visit)
        try:
            page = await context.new_page()
            await page.goto(url, wait_until="load")
            button = page.locator(f"#cmp-root [data-cmp={action}]").first
            try:
                await button.click(timeout=min(self.timeout_ms, 10000))
            except Exception:
                return None, f"Our banner's {action} button was not found on {url}."
            deadline = time.monotonic() + self.timeout_ms / 1000
            while time.monotonic() < deadline:
                cookies = [c for c in await context.cookies() if c["name"] in CMP_COOKIES]
                if any(c["name"] == "cmp_consent" for c in cookies):
                    return {"cookies": cookies, "origins": []}, ""
                await asyncio.sleep(0.1)
            return None, f"No consent cookie was set after clicking {action} on {url}."
        except Exception as exc:
            return None, f"{url}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        finally:
            await context.close()

    # --- loading pages ------------------------------------------------------------------------------

    def visit_all(self, jobs: list[tuple[str, dict[str, Any] | None, bool]]) -> list[Visit]:
        """Loads each (url, seeded state, collect links) in a fresh context, a few at a time."""

        async def gather() -> list[Visit]:
            return list(await asyncio.gather(*(self._guarded(u, s, links) for u, s, links in jobs)))

        return self.run(gather())  # type: ignore[no-any-return]

    async def _guarded(self, url: str, state: dict[str, Any] | None, links: bool) -> Visit:
        async with self.semaphore:
            return await self._visit(url, state, links)

    async def _settle(self, inflight: set[Any], activity: list[float]) -> None:
        """Waits until nothing has been in flight for QUIET_SECONDS, at most the page timeout."""
        deadline = time.monotonic() + self.timeout_ms / 1000
        while time.monotonic() < deadline:
            if not inflight and time.monotonic() - activity[0] >= QUIET_SECONDS:
                return
            await asyncio.sleep(0.05)
        raise TimeoutError("the page kept loading")

    async def _visit(self, url: str, state: dict[str, Any] | None, collect_links: bool) -> Visit:
        started = time.monotonic()
        visit = Visit(url)
        if reason := self.refusal(url):
            visit.error = f"Refused: {reason}"
            return visit
        responses: list[Any] = []
        context = await self._context(state, visit)

        def on_request(request: Any) -> None:
            try:
                frame = request.frame
                # An iframe's own document is requested by the frame that embeds it.
                if request.resource_type == "document" and frame.parent_frame is not None:
                    frame = frame.parent_frame
                initiator = frame.url
            except Exception:
                initiator = ""
            visit.requests.append((request.url, request.resource_type, initiator))

        inflight: set[Any] = set()
        activity = [time.monotonic()]

        def done(request: Any) -> None:
            inflight.discard(request)
            activity[0] = time.monotonic()

        def begun(request: Any) -> None:
            inflight.add(request)
            activity[0] = time.monotonic()
            on_request(request)

        context.on("request", begun)
        context.on("requestfinished", done)
        context.on("requestfailed", done)
        context.on("response", lambda answer: responses.append(answer))
        try:
            page = await context.new_page()
            try:
                response = await page.goto(url, wait_until="load")
                await self._settle(inflight, activity)
            except Exception as exc:
                message = str(exc).splitlines()[0]
                if "Timeout" in type(exc).__name__ or "Timeout" in message:
                    visit.error = f"Timeout: the page did not settle within {self.timeout_ms // 1000} s."
                else:
                    visit.error = message[:300]
                # Chromium refuses to show an error status with an empty body (the navigation
                # fails); the status is still that of the page's own response.
                response = next(
                    (
                        a
                        for a in reversed(responses)
                        if a.request.is_navigation_request() and a.frame == page.main_frame
                    ),
                    None,
                )
            visit.final_url = page.url
            if response is not None:
                visit.http_status = response.status
                if response.status >= 400:
                    visit.error = f"HTTP {response.status}"
            if visit.final_url and not visit.error and not self.scope.allows_url(visit.final_url):
                visit.error = f"Redirected off the site to {urlsplit(visit.final_url).hostname}; not scanned."
            for frame in page.frames:
                with contextlib.suppress(Exception):
                    keys = await frame.evaluate(STORAGE_KEYS)
                    for area, name, script in keys["writes"]:
                        visit.script_writes.setdefault((area, name), script or frame.url)
                    if keys["origin"] == "null":
                        continue  # about:blank and srcdoc frames: their parent's storage, counted there
                    visit.storage.extend((keys["origin"], "local", k) for k in keys["local"])
                    visit.storage.extend((keys["origin"], "session", k) for k in keys["session"])
            if collect_links and not visit.error:
                with contextlib.suppress(Exception):
                    visit.links = await page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            visit.cookies = await context.cookies()
            headers = await asyncio.gather(
                *(answer.header_values("set-cookie") for answer in responses), return_exceptions=True
            )
            for answer, values in zip(responses, headers, strict=True):
                for header in values if isinstance(values, list) else []:
                    for line in header.split("\n"):
                        name = line.split(";")[0].split("=")[0].strip()
                        if name:
                            visit.header_cookies.setdefault(name, answer.url)
        finally:
            with contextlib.suppress(Exception):
                await context.close()
        visit.seconds = time.monotonic() - started
        return visit

"""The site of the real plans and examples, built once per session by `dansokh site`, served over
HTTP from a sub-path (as Pages serves it) and opened from disk; Debian's Chromium, launched once; a
tab per test that records every console error, page error and failed request, which fails the test.

Every test here is marked `browser` and `slow`, and skipped, with the reason, only where
/usr/bin/chromium is absent (.ci/run installs it)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, Response, sync_playwright

from .chromium import CHROMIUM, ROOT, build_site, launch

NO_CHROMIUM = "/usr/bin/chromium is not installed (.ci/run installs Debian's chromium)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


class Tab:
    """One page of a fresh browser context, and what went wrong in it: console errors, uncaught
    exceptions, requests that failed (a missing asset, a broken link) and HTTP errors."""

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.base = base
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: uncaught {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "assert"):
            where = message.location.get("url", "")
            self.problems.append(f"{self.page.url}: console {message.type}: {message.text} ({where})")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"{self.page.url}: HTTP {response.status} {response.url}")

    def _failed(self, request: Request) -> None:
        self.problems.append(f"{self.page.url}: request failed: {request.url} ({request.failure})")

    def open(self, path: str) -> Page:
        """The site's page at PATH (relative to the site's folder)."""
        self.page.goto(urljoin(self.base, path))
        return self.page


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of this repository's plans and the 2025 results (examples/results-2025)."""
    out = tmp_path_factory.mktemp("served") / "public"
    return build_site(ROOT, out, "plans", "examples/results-2025")


@pytest.fixture(scope="session")
def served(site: Path) -> Iterator[str]:
    """The site over HTTP on the loopback, from a sub-path as GitHub and GitLab Pages publish it."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{site.name}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = launch(playwright)
    try:
        yield chromium
    finally:
        chromium.close()


def new_tab(browser: Browser, base: str) -> Tab:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    return Tab(context.new_page(), base)


@pytest.fixture
def tab(browser: Browser, served: str) -> Iterator[Tab]:
    """A fresh context (no cookies, no storage) on the served site."""
    opened = new_tab(browser, served)
    try:
        yield opened
    finally:
        opened.page.context.close()


@pytest.fixture
def disk_tab(browser: Browser, site: Path) -> Iterator[Tab]:
    """A fresh context on the site opened from its folder (file://), as a person opens it."""
    opened = new_tab(browser, site.as_uri() + "/")
    try:
        yield opened
    finally:
        opened.page.context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A test passes only if nothing went wrong in its pages: any console error, uncaught
    exception or failed request fails it, listed."""
    outcome = yield
    funcargs = getattr(item, "funcargs", {})
    problems = [p for name in ("tab", "disk_tab") if name in funcargs for p in funcargs[name].problems]
    if problems:
        raise AssertionError("the browser reported problems:\n" + "\n".join(problems))
    return outcome


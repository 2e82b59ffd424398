"""Browser fixtures: a live server on the test database, headless Chromium, and axe on every page.

Tests drive the real pages through `site` (a `Site`): `site.visit(path)` and `site.follow(locator)`
load a page and run axe-core on it, at the test's width and again at 320px, where the page must not be
wider than the screen; `site.finish(at_least=n)` fails if any page that loaded was not checked, if fewer
than n pages were, or if the page raised a JavaScript error or broke the Content Security Policy.

Every page runs under the app's real Content Security Policy: axe-core is served from the live server's own
origin (`/__axe__.js`, a route only the test server has), so it needs no inline script and no `bypass_csp`.
"""
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask, send_file
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from app.extensions import db, limiter
from tests.browser.page_checks import TARGET_SIZE_PROBLEMS
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL = "/__axe__.js"  # served by the live test server only
AXE_RUN = ("async () => (await axe.run(document, {runOnly: "
           "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']})).violations")
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 800}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark every test in this folder `browser` (before `-m` selection runs)."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


class _QuietHandler(WSGIRequestHandler):
    """Serve requests without logging each one to stderr."""

    def log_request(self, code="-", size="-"):
        """Stay quiet: failures are reported by the tests."""


@dataclass
class LiveServer:
    """The running server's base URL and its Flask app."""

    url: str
    app: Flask


@pytest.fixture(scope="session")
def live_server(database_url):
    """Serve a CSRF-protected app on the test database from a background thread."""
    live_app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": True})
    # axe-core from the page's own origin, so the CSP's script-src 'self' lets it in.
    live_app.add_url_rule(AXE_URL, "test_axe_core", lambda: send_file(AXE, mimetype="text/javascript"))
    server = make_server("127.0.0.1", 0, live_app, threaded=True, request_handler=_QuietHandler)
    url = f"http://127.0.0.1:{server.server_port}"
    live_app.config["BASE_URL"] = url  # so links in emails point at this server
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(url, live_app)
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    with live_app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, once per run; missing Chromium or axe fails (never skips)."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}. The browser tests need Debian's chromium: "
                    "run `make browser-deps` (never `playwright install`).", pytrace=False)
    if not AXE.is_file():
        pytest.fail(f"axe-core not found at {AXE}: run `make install-test` (npm ci).", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def viewport():
    """The window size; parametrize `viewport` to test other widths."""
    return DESKTOP


@pytest.fixture
def site(app, browser, live_server, viewport):
    """A fresh browser context on the live server; the `app` fixture has emptied the database."""
    limiter.reset()  # the live app shares the module-level limiter: sign-ins start from zero
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    context.set_default_timeout(10_000)
    yield Site(context.new_page(), live_server.url, viewport)
    context.close()


def format_violations(url: str, violations: list[dict]) -> str:
    """A readable summary of axe violations: rule, impact, help and the first three targets."""
    lines = [f"axe found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        more = len(violation["nodes"]) - len(targets)
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"    at {', '.join(targets)}" + (f" and {more} more" if more > 0 else ""))
    return "\n".join(lines)


class Site:
    """A browser tab on the live server that runs axe on every page it lands on."""

    def __init__(self, page, base_url: str, viewport: dict = DESKTOP):
        self.page = page
        self.base_url = base_url
        self.viewport = viewport
        self.checked: list[str] = []
        self.loads = 0
        self._checked_loads: set[int] = set()
        self.js_errors: list[str] = []
        page.on("load", self._loaded)
        page.on("pageerror", lambda error: self.js_errors.append(f"{page.url}: {error}"))
        page.on("console", self._console)

    def _loaded(self, _page) -> None:
        """Count full page loads so `finish` can tell if one escaped the checks."""
        self.loads += 1

    def _console(self, message) -> None:
        """Record the browser's reports of anything the Content Security Policy refused."""
        if message.type == "error" and "Content Security Policy" in message.text:
            self.js_errors.append(f"{self.page.url}: {message.text}")

    def visit(self, path: str, status: int = 200):
        """Open a path (or an absolute URL), expect a status, and check the page."""
        response = self.page.goto(path)
        assert response is not None and response.status == status, \
            f"GET {path}: expected {status}, got {response and response.status}"
        self.check()
        return response

    def follow(self, locator, status: int = 200):
        """Click a link or submit button that loads a new page, expect its status, and check it."""
        with self.page.expect_navigation() as navigation:
            locator.click()
        return self._arrived(navigation.value, status)

    def press(self, key: str = "Enter", status: int = 200):
        """Press a key that loads a new page (Enter on a focused link or button), expect its status, and check it."""
        with self.page.expect_navigation() as navigation:
            self.page.keyboard.press(key)
        return self._arrived(navigation.value, status)

    def _arrived(self, response, status: int):
        """Expect the page that loaded to have this status, and check it."""
        assert response is not None and response.status == status, \
            f"{self.page.url}: expected {status}, got {response and response.status}"
        self.check()
        return response

    def check(self) -> None:
        """Run axe on the current page at this width and at 320px, where it must fit the screen (WCAG 1.4.10).

        At both widths every target must also be big enough, or spaced enough, to press (WCAG 2.5.8).
        """
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.add_script_tag(url=AXE_URL)
        self.checked.append(self.page.url)
        self._checked_loads.add(self.loads)
        self._axe_and_width()
        if self.viewport["width"] != NARROW["width"]:
            self.page.set_viewport_size(NARROW)
            try:
                self._axe_and_width()
            finally:
                self.page.set_viewport_size(self.viewport)

    def _axe_and_width(self) -> None:
        """Fail on any axe violation, a page wider than the window, or a target too small to press."""
        width = self.page.viewport_size["width"]
        violations = self.page.evaluate(AXE_RUN)
        if violations:
            pytest.fail(format_violations(f"{self.page.url} at {width}px", violations), pytrace=False)
        scroll_width, inner_width = self.page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width, \
            f"{self.page.url} scrolls sideways at {inner_width}px wide (content is {scroll_width}px)"
        small = self.page.evaluate(TARGET_SIZE_PROBLEMS)
        assert not small, f"{self.page.url} at {width}px has targets under 24x24px (WCAG 2.5.8):\n" + "\n".join(small)

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        """Sign in through the real sign-in form."""
        self.visit("/sign-in")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.follow(self.page.get_by_role("button", name="Sign in"))

    def sign_out(self) -> None:
        """Sign out with the header's button."""
        self.follow(self.page.get_by_role("button", name="Sign out"))
        assert self.page.get_by_text("You have signed out.").is_visible()

    def path(self) -> str:
        """The current page's path (and query), without the server's address."""
        return self.page.url.removeprefix(self.base_url)

    def finish(self, at_least: int) -> None:
        """Every page that loaded was checked, enough were, no script failed and the CSP refused nothing."""
        unchecked = sorted(set(range(1, self.loads + 1)) - self._checked_loads)
        assert not unchecked, f"page load(s) {unchecked} of {self.loads} were not checked with axe"
        assert len(self.checked) >= at_least, f"only {len(self.checked)} page(s) checked: {self.checked}"
        assert not self.js_errors, "JavaScript or Content Security Policy errors:\n" + "\n".join(self.js_errors)

"""Browser tests: a real uvicorn serving the app, driven by Playwright in Debian's Chromium.

Every page a test opens through `new_page` is watched: a script error, a console error or a
Content-Security-Policy violation fails the test (see `BrowserErrors`)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import IN_CI, LiveServer

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Recorded in the page before any of its own scripts run (an init script is not subject to
# the page's CSP), so a violation is caught even when the console message is not.
RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
      + ` at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`
  );
});
"""

# A 400 or 409 answer to a form is part of the design (validation, a stale version): the
# browser logs it as "Failed to load resource"; any other failed load is an error.
EXPECTED_LOAD_FAILURE = re.compile(
    r"Failed to load resource: the server responded with a status of (400|409)"
)


class BrowserErrors:
    """What went wrong in a page: script errors, console errors, CSP violations."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.allowed: list[re.Pattern[str]] = [EXPECTED_LOAD_FAILURE]

    def allow(self, pattern: str) -> None:
        """Accept one more kind of console error in this test (say why where you call it)."""
        self.allowed.append(re.compile(pattern))

    def watch(self, page: Any) -> Any:
        page.add_init_script(RECORD_CSP)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("console", self._console)
        return page

    def _console(self, message: Any) -> None:
        if message.type not in {"error", "warning"}:
            return
        text = message.text
        if message.type == "warning" and "Content Security Policy" not in text:
            return
        if not any(pattern.search(text) for pattern in self.allowed):
            self.errors.append(f"console {message.type}: {text}")

    def collect_csp(self, page: Any) -> None:
        try:
            self.errors.extend(f"CSP: {v}" for v in page.evaluate("window.__cspViolations || []"))
            page.evaluate("window.__cspViolations = []")
        except Exception:  # noqa: S110 - a closed or navigating page has nothing left to tell
            pass

    def check(self, *pages: Any) -> None:
        for page in pages:
            self.collect_csp(page)
        errors, self.errors = self.errors, []
        assert errors == [], "\n".join(errors)


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return None


def sign_in_page(page: Any, live_server: LiveServer, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/tasks")


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    path = chromium_path()
    if path is None:
        if IN_CI:
            pytest.fail("Chromium is required in CI (.ci/run installs Debian's chromium)")
        pytest.skip("no Chromium installed here (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_errors() -> Iterator[BrowserErrors]:
    """Fails the test on any script error, console error or CSP violation of a watched page."""
    errors = BrowserErrors()
    yield errors
    errors.check()


@pytest.fixture
def new_page(chromium: Any, browser_errors: BrowserErrors) -> Iterator[Any]:
    """`new_page(**context_options)`: a tab in a fresh context, watched for errors. Ask for
    the server first (`live_server, new_page`): fixtures end in reverse order, so the tabs
    then close before the server stops, and a request the page still sends (a debounced
    preview) does not meet a closed port and fail the test as a console error."""
    contexts: list[Any] = []
    pages: list[Any] = []

    def open_page(**options: Any) -> Any:
        context = chromium.new_context(**options)
        contexts.append(context)
        page = browser_errors.watch(context.new_page())
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        browser_errors.collect_csp(page)
    for context in contexts:
        context.close()

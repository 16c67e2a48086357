"""In a real browser: sign up (the page reports the browser's time zone), sign out, sign in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser


def test_sign_up_takes_the_browser_time_zone_then_sign_out_and_in(
    chromium: Any, live_server: LiveServer
) -> None:
    context = chromium.new_context(timezone_id="Pacific/Kiritimati", java_script_enabled=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error"
            and "Failed to load resource" not in m.text  # 4xx are expected here
            else None
        ),
    )

    page.goto(f"{live_server.url}/signup")
    page.get_by_label("Email").fill("browser@example.com")
    page.get_by_label("Password").fill("a-Browser-passphrase-1")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/tasks")

    page.goto(f"{live_server.url}/account")
    assert page.get_by_label("Time zone").input_value() == "Pacific/Kiritimati"

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/signin")
    assert page.locator(".flash").inner_text() == "You are signed out."

    page.get_by_label("Email").fill("browser@example.com")
    page.get_by_label("Password").fill("wrong password entirely")
    page.get_by_role("button", name="Sign in").click()
    assert "do not match" in page.locator(".form-error").inner_text()
    assert errors == [], errors  # no CSP violations or script errors
    context.close()

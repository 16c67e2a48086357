"""In a real browser: sign up (the page reports the browser's time zone), sign out, sign in;
the time-zone field searches as you type and still takes only a real zone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser


def test_sign_up_takes_the_browser_time_zone_then_sign_out_and_in(
    live_server: LiveServer, new_page: Any
) -> None:
    page = new_page(timezone_id="Pacific/Kiritimati")

    page.goto(f"{live_server.url}/signup")
    page.get_by_label("Email").fill("browser@example.com")
    page.get_by_label("Password").fill("a-Browser-passphrase-1")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/tasks")

    page.goto(f"{live_server.url}/account")
    assert page.get_by_label("Time zone").input_value() == "Pacific/Kiritimati"
    assert page.get_by_label("Time zone").get_attribute("list") == "timezones"
    page.get_by_label("Time zone").fill("Mars/Olympus")
    page.get_by_role("button", name="Save").first.click()
    assert "time zone" in page.locator("#f-timezone-error").inner_text().lower()
    page.get_by_label("Time zone").fill("Europe/Paris")
    page.get_by_role("button", name="Save").first.click()
    assert page.locator(".flash").inner_text() == "Your settings were saved."
    assert page.get_by_label("Time zone").input_value() == "Europe/Paris"

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/signin")
    assert page.locator(".flash").inner_text() == "You are signed out."

    page.get_by_label("Email").fill("browser@example.com")
    page.get_by_label("Password").fill("wrong password entirely")
    page.get_by_role("button", name="Sign in").click()
    assert "do not match" in page.locator(".form-error").inner_text()

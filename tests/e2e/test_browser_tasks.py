"""In a real browser: active search filters the list in place, updates the URL, Back restores."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from app.config import Settings
from app.db import create_db_engine
from app.models import TaskInput
from app.tasks.service import create_task
from tests.e2e.conftest import LiveServer, sign_in_page
from tests.web import PASSWORD, create_account

pytestmark = pytest.mark.browser


def seed(live_server: LiveServer) -> None:
    engine = create_db_engine(Settings(_env_file=None, database_url=live_server.database_url))
    user = create_account(engine, "seeker@example.com")
    with Session(engine) as session:
        for title in ("Pay rent", "Pay the plumber", "Buy milk", "Call Mum", "Renew passport"):
            create_task(session, owner_id=user.id, data=TaskInput(title=title, tags=["home"]))
        session.commit()
    engine.dispose()


def titles(page: Any) -> list[str]:
    return sorted(page.locator("#task-list .task-title").all_inner_texts())


@pytest.fixture
def page(chromium: Any, live_server: LiveServer) -> Iterator[Any]:
    """A signed-in browser tab, with JavaScript, on the seeded list of five tasks."""
    seed(live_server)
    context = chromium.new_context()
    tab = context.new_page()
    sign_in_page(tab, live_server, "seeker@example.com", PASSWORD)
    yield tab
    context.close()


def test_typing_filters_in_place_updates_the_url_and_back_restores(page: Any) -> None:
    assert len(titles(page)) == 5

    page.evaluate("window.__marker = 'same document'")  # survives only in-place updates
    page.get_by_label("Search").press_sequentially("pay", delay=40)
    page.wait_for_url("**/tasks?q=pay")
    expect(page.locator("#task-list .task-title")).to_have_count(2)
    assert titles(page) == ["Pay rent", "Pay the plumber"]
    assert page.locator("#task-list").get_attribute("data-total") == "2"
    assert page.evaluate("window.__marker") == "same document"

    page.get_by_role("link", name="Completed").click()
    page.wait_for_url("**/tasks?status=completed&q=pay")
    expect(page.locator("#task-list")).to_have_attribute("data-total", "0")

    page.go_back()
    page.wait_for_url("**/tasks?q=pay")
    expect(page.locator("#task-list .task-title")).to_have_count(2)
    assert page.get_by_label("Search").input_value() == "pay"

    page.go_back()
    page.wait_for_url("**/tasks")
    expect(page.locator("#task-list .task-title")).to_have_count(5)
    assert page.get_by_label("Search").input_value() == ""


def test_without_javascript_the_same_controls_work(chromium: Any, live_server: LiveServer) -> None:
    seed(live_server)
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in_page(page, live_server, "seeker@example.com", PASSWORD)
    page.get_by_label("Search").fill("milk")
    page.get_by_role("button", name="Apply", exact=True).click()
    page.wait_for_url("**/tasks?q=milk**")
    assert titles(page) == ["Buy milk"]
    page.get_by_role("button", name="Complete Buy milk").click()
    page.wait_for_url("**/tasks?q=milk**")
    assert "Completed “Buy milk”." in page.locator(".flash").inner_text()
    page.get_by_label("Quick add").fill("Walk the dog")
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url("**/tasks")
    assert "Walk the dog" in titles(page)
    context.close()


def test_inline_add_edit_toggle_delete_and_bulk_without_leaving_the_page(page: Any) -> None:
    page.evaluate("window.__marker = 'same document'")
    rows = page.locator("#task-rows > li")

    # Quick add: the row appears at once and the field empties for the next one.
    page.get_by_label("Quick add").fill("Feed the cat")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(rows.first.locator(".task-title")).to_have_text("Feed the cat")
    expect(page.get_by_label("Quick add")).to_have_value("")
    page.get_by_label("Quick add").fill("Feed the fish")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(rows.first.locator(".task-title")).to_have_text("Feed the fish")  # a new token each time

    # An empty quick add shows its message in place; nothing is added.
    count = rows.count()
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#f-quick-error")).to_have_text("Title is required.")
    assert rows.count() == count

    # Edit swaps the row for its form, a bad value is refused in place, then the row returns.
    row = rows.filter(has_text="Buy milk")
    row.get_by_role("link", name="Edit").click()
    form = page.locator("#task-rows form.task-form")
    form.get_by_label("Estimate (hours)").fill("5000")
    form.get_by_role("button", name="Save").click()
    form = page.locator("#task-rows form.task-form")
    expect(form.locator(".field-error")).to_contain_text("from 1 to 1000")
    expect(form.get_by_label("Estimate (hours)")).to_have_attribute("aria-invalid", "true")
    form.get_by_label("Estimate (hours)").fill("2")
    form.get_by_label("Title").fill("Buy oat milk")
    form.get_by_role("button", name="Save").click()
    edited = rows.filter(has_text="Buy oat milk")
    expect(edited.locator(".estimate")).to_have_text("2 h")

    # Toggle and delete swap or remove the row in place.
    edited.get_by_role("button", name="Complete Buy oat milk").click()
    expect(rows.filter(has_text="Buy oat milk")).to_have_attribute("data-status", "completed")
    rows.filter(has_text="Call Mum").get_by_role("button", name="Delete Call Mum").click()
    expect(rows.filter(has_text="Call Mum")).to_have_count(0)

    # Bulk: select all on the page, complete them, the list refreshes with a count.
    page.get_by_label("Select all on this page").check()
    page.get_by_label("With the selected").select_option("complete")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.locator("#task-list .flash")).to_contain_text("tasks completed.")
    expect(page.locator("#task-list")).to_have_attribute("data-total", "0")
    assert page.evaluate("window.__marker") == "same document"

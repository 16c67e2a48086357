"""In a real browser, with and without JavaScript: the list stays true after every change
(counts, empty state, pager), Undo works, focus follows what changed, the shortcuts work, and
nothing breaks the CSP (every page here is watched: see conftest.BrowserErrors)."""

from __future__ import annotations

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

TITLES = ("Pay rent", "Pay the plumber", "Buy milk", "Call Mum", "Renew passport")


def seed(live_server: LiveServer, titles: tuple[str, ...] = TITLES) -> None:
    engine = create_db_engine(Settings(_env_file=None, database_url=live_server.database_url))
    user = create_account(engine, "seeker@example.com")
    with Session(engine) as session:
        for title in titles:
            create_task(session, owner_id=user.id, data=TaskInput(title=title, tags=["home"]))
        session.commit()
    engine.dispose()


def titles(page: Any) -> list[str]:
    return sorted(page.locator("#task-list .task-title").all_inner_texts())


def count(page: Any, status: str) -> Any:
    return page.locator(f'[data-status-tab="{status}"] .count')


@pytest.fixture
def page(live_server: LiveServer, new_page: Any) -> Any:
    """A signed-in browser tab, with JavaScript, on the seeded list of five tasks."""
    seed(live_server)
    tab = new_page()
    sign_in_page(tab, live_server, "seeker@example.com", PASSWORD)
    return tab


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


def test_without_javascript_the_same_controls_work(live_server: LiveServer, new_page: Any) -> None:
    seed(live_server)
    page = new_page(java_script_enabled=False)
    sign_in_page(page, live_server, "seeker@example.com", PASSWORD)
    page.get_by_label("Search").fill("milk")
    page.get_by_role("button", name="Apply", exact=True).click()
    page.wait_for_url("**/tasks?q=milk**")
    assert titles(page) == ["Buy milk"]
    page.get_by_role("button", name="Complete Buy milk").click()
    page.wait_for_url("**/tasks?q=milk**")
    assert "Completed “Buy milk”." in page.locator(".flash").inner_text()
    assert titles(page) == []
    # Undo is a plain form too.
    page.get_by_role("button", name="Undo").click()
    page.wait_for_url("**/tasks?q=milk**")
    assert titles(page) == ["Buy milk"]
    page.get_by_label("Quick add").fill("Walk the dog")
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url("**/tasks")
    assert "Walk the dog" in titles(page)
    # "Select all on this page" works as a plain field.
    page.get_by_label("Select all on this page").check()
    page.get_by_label("With the selected").select_option("delete")
    page.get_by_role("button", name="Apply to selected").click()
    page.wait_for_url("**/tasks")
    assert "6 tasks moved to the Trash." in page.locator(".flash").inner_text()
    # Emptying the Trash asks first, on a page of its own.
    page.get_by_role("link", name="Trash", exact=True).click()
    page.get_by_role("link", name="Empty the Trash…").click()
    page.wait_for_url("**/trash/empty")
    page.get_by_role("button", name="Delete 6 tasks for good").click()
    page.wait_for_url("**/trash")
    assert "Deleted 6 tasks for good." in page.locator(".flash").inner_text()


def test_adding_to_an_empty_list_updates_counts_empty_state_and_summary(
    live_server: LiveServer, new_page: Any
) -> None:
    seed(live_server, titles=())
    page = new_page()
    sign_in_page(page, live_server, "seeker@example.com", PASSWORD)
    expect(page.locator(".empty")).to_have_text("Nothing here. Add a task above.")
    expect(page.locator("#bulk")).to_have_count(0)
    page.get_by_label("Quick add").fill("Feed the cat")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#task-rows .task-title")).to_have_text(["Feed the cat"])
    expect(page.locator(".empty")).to_have_count(0)
    expect(count(page, "pending")).to_have_text("1")
    expect(page.locator(".summary")).to_have_text("1 task")
    expect(page.get_by_label("Quick add")).to_have_value("")

    # Added from the Completed tab: it does not show there, and the message says where it went.
    page.get_by_role("link", name="Completed").click()
    page.wait_for_url("**/tasks?status=completed")
    page.get_by_label("Quick add").fill("Feed the fish")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Added “Feed the fish” to Pending")
    expect(page.locator("#task-rows .task-title")).to_have_count(0)
    expect(count(page, "pending")).to_have_text("2")
    page.locator(".flash").get_by_role("link", name="Open it").click()
    expect(page.locator("h1")).to_have_text("Feed the fish")


def test_inline_add_edit_toggle_delete_undo_and_bulk_without_leaving_the_page(
    page: Any,
) -> None:
    page.evaluate("window.__marker = 'same document'")
    rows = page.locator("#task-rows > li")

    page.get_by_label("Quick add").fill("Feed the cat")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(rows.filter(has_text="Feed the cat")).to_have_count(1)
    expect(count(page, "pending")).to_have_text("6")

    # An empty quick add shows its message in place; nothing is added.
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#f-quick-error")).to_have_text("Title is required.")
    expect(rows).to_have_count(6)

    # Edit: the title gets focus, a bad value is refused in place, then the row returns.
    row = rows.filter(has_text="Buy milk")
    row.get_by_role("link", name="Edit").click()
    form = page.locator("#task-rows form.task-form")
    expect(form.get_by_label("Title")).to_be_focused()
    form.get_by_label("Estimate (hours)").fill("5000")
    form.get_by_role("button", name="Save").click()
    form = page.locator("#task-rows form.task-form")
    expect(form.locator(".field-error")).to_contain_text("from 1 to 1000")
    expect(form.get_by_label("Estimate (hours)")).to_have_attribute("aria-invalid", "true")
    # Focus is back on the title once htmx has settled (and set up) the re-rendered form.
    expect(form.get_by_label("Title")).to_be_focused()
    form.get_by_label("Estimate (hours)").fill("2")
    form.get_by_label("Title").fill("Buy oat milk")
    form.get_by_role("button", name="Save").click()
    edited = rows.filter(has_text="Buy oat milk")
    expect(edited.locator(".estimate")).to_have_text("2 h")
    expect(edited.locator(".task-title")).to_be_focused()  # focus back on the row

    # Complete: the row leaves the Pending view, the counts follow, and Undo brings it back.
    edited.get_by_role("button", name="Complete Buy oat milk").click()
    expect(rows.filter(has_text="Buy oat milk")).to_have_count(0)
    expect(count(page, "pending")).to_have_text("5")
    expect(count(page, "completed")).to_have_text("1")
    expect(page.locator("#announcer")).to_have_text("Completed “Buy oat milk”.")
    page.locator(".flash").get_by_role("button", name="Undo").click()
    expect(rows.filter(has_text="Buy oat milk")).to_have_count(1)
    expect(count(page, "completed")).to_have_text("0")

    rows.filter(has_text="Call Mum").get_by_role("button", name="Delete Call Mum").click()
    expect(rows.filter(has_text="Call Mum")).to_have_count(0)
    expect(page.locator(".flash")).to_contain_text("Moved “Call Mum” to the Trash.")
    expect(page.locator(".summary")).to_have_text("5 tasks")

    # Bulk: select all on the page, complete them; the list and "select all" start afresh.
    page.get_by_label("Select all on this page").check()
    page.get_by_label("With the selected").select_option("complete")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.locator("#task-list .flash")).to_contain_text("5 tasks completed.")
    expect(page.locator("#task-list")).to_have_attribute("data-total", "0")
    expect(page.locator("#bulk")).to_have_count(0)
    expect(page.locator(".empty")).to_be_visible()
    page.locator(".flash").get_by_role("button", name="Undo").click()
    expect(page.locator("#task-list")).to_have_attribute("data-total", "5")
    expect(page.get_by_label("Select all on this page")).not_to_be_checked()
    assert page.evaluate("window.__marker") == "same document"


def test_keyboard_shortcuts_and_escape(page: Any) -> None:
    page.keyboard.press("n")
    expect(page.get_by_label("Quick add")).to_be_focused()
    page.get_by_label("Quick add").press("Escape")
    page.locator("h1").click()
    page.keyboard.press("/")
    expect(page.get_by_label("Search")).to_be_focused()
    page.locator("h1").click()
    page.keyboard.press("j")
    first = page.locator("#task-rows > li").first
    expect(first.locator(".task-title")).to_be_focused()
    page.keyboard.press("j")
    second = page.locator("#task-rows > li").nth(1)
    expect(second.locator(".task-title")).to_be_focused()
    page.keyboard.press("k")
    expect(first.locator(".task-title")).to_be_focused()
    title = first.locator(".task-title").inner_text()

    page.keyboard.press("e")
    field = page.locator("#task-rows li.editing").get_by_label("Title")
    expect(field).to_be_focused()
    field.press("Escape")
    expect(page.locator("#task-rows li.editing")).to_have_count(0)
    expect(page.locator("#task-rows .task-title").first).to_be_focused()

    page.keyboard.press("x")
    expect(page.locator(".flash")).to_contain_text(f"Completed “{title}”.")
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_have_attribute("open", "")


def test_no_inline_style_from_a_resized_box_or_an_empty_title(page: Any) -> None:
    """htmx's settle step copied `style` (a resized textarea has one) onto the re-rendered
    form: a CSP violation. The watched page fails the test on any."""
    page.get_by_text("New task with details").click()
    box = page.locator("#f-new-description").bounding_box()
    page.mouse.move(box["x"] + box["width"] - 3, box["y"] + box["height"] - 3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 3, box["y"] + box["height"] + 60, steps=5)
    page.mouse.up()
    assert page.locator("#f-new-description").get_attribute("style")
    page.get_by_role("button", name="Add task").click()
    expect(page.locator("#new-task .field-error")).to_contain_text("required")
    page.get_by_label("Search").press_sequentially("pay", delay=30)
    page.wait_for_url("**/tasks?q=pay")


def test_page_two_starts_at_the_top(live_server: LiveServer, new_page: Any) -> None:
    seed(live_server, titles=tuple(f"Errand {n:02}" for n in range(30)))
    page = new_page(viewport={"width": 390, "height": 844})
    sign_in_page(page, live_server, "seeker@example.com", PASSWORD)
    page.get_by_role("link", name="Page 2").scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 0
    page.get_by_role("link", name="Page 2").click()
    page.wait_for_url("**/tasks?page=2")
    expect(page.locator("#task-list")).to_have_attribute("data-page", "2")
    for _ in range(20):  # wait_for_function would eval a string, which the CSP forbids
        if page.evaluate("window.scrollY") == 0:
            break
        page.wait_for_timeout(50)
    assert page.evaluate("window.scrollY") == 0


def test_quick_add_previews_the_line_as_it_is_typed_and_starts_clean_after_a_refusal(
    page: Any,
) -> None:
    box = page.get_by_label("Quick add")
    preview = page.locator("#quick-preview")
    box.press_sequentially("Call mum", delay=20)
    expect(preview.locator('[data-field="title"]')).to_have_attribute("data-value", "Call mum")
    box.press_sequentially(" tomorrow 9am !high", delay=20)
    expect(preview.locator('[data-field="priority"]')).to_have_attribute("data-value", "high")
    # One preview, of the whole line: each answer replaces the last.
    expect(preview.locator(".preview")).to_have_count(1)
    expect(preview.locator('[data-field="title"]')).to_have_attribute("data-value", "Call mum")
    expect(preview.locator('[data-field="due_time"]')).to_have_attribute("data-value", "09:00")

    box.fill("Lunch feb 30")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#f-quick-error")).to_contain_text("30 February")
    box = page.get_by_label("Quick add")  # the form was re-rendered with its message
    box.fill("Lunch feb 28 noon")
    box.press("Enter")
    expect(page.locator(".flash").first).to_contain_text("Added: Lunch")
    expect(page.get_by_label("Quick add")).to_have_value("")
    expect(page.locator("#f-quick-error")).to_have_count(0)
    expect(page.get_by_label("Quick add")).not_to_have_attribute("aria-invalid", "true")

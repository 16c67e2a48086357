"""In a real browser: the assistant's chat appends each exchange in place, empties and focuses
the box, and answers a "Which one?" through its number buttons."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
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
    user = create_account(engine, "chatter@example.com")
    today = datetime.now(UTC).date()
    with Session(engine) as session:
        for title in ("Pay rent March", "Pay rent April"):
            data = TaskInput(title=title, due_date=today)
            create_task(session, owner_id=user.id, data=data)
        session.commit()
    engine.dispose()


@pytest.fixture
def page(chromium: Any, live_server: LiveServer) -> Iterator[Any]:
    seed(live_server)
    context = chromium.new_context()
    tab = context.new_page()
    sign_in_page(tab, live_server, "chatter@example.com", PASSWORD)
    yield tab
    context.close()


def test_the_chat_appends_messages_in_place_and_keeps_the_box_ready(page: Any) -> None:
    page.get_by_role("link", name="Assistant").click()
    page.wait_for_url("**/assistant")
    page.wait_for_load_state("load")  # htmx has taken over the forms; Enter no longer navigates
    page.evaluate("window.__marker = 'same document'")  # survives only in-place updates

    def still_in_place(step: str) -> None:
        assert page.evaluate("window.__marker") == "same document", f"reloaded at: {step}"

    messages = page.locator("#messages > .message")
    box = page.get_by_label("Message")

    box.fill("what's due today")
    box.press("Enter")
    expect(messages).to_have_count(2)
    assert [m.get_attribute("data-role") for m in messages.all()] == ["user", "assistant"]
    expect(messages.last.locator("[data-task-id]")).to_have_count(2)
    expect(messages.last).to_contain_text("Today")
    expect(box).to_have_value("")
    expect(box).to_be_focused()
    still_in_place("the first message")
    page.wait_for_url("**/assistant/*")  # the conversation's own URL, pushed
    expect(page.locator("#suggestions button")).to_have_count(0)
    expect(page.locator("#conversations a[aria-current='page']")).to_have_text("what's due today")

    box.fill("done pay rent")
    box.press("Enter")
    expect(messages).to_have_count(4)
    expect(messages.last).to_contain_text("Which one?")
    messages.last.locator(".choice-button").nth(1).click()
    expect(messages).to_have_count(6)
    expect(messages.last).to_contain_text("Completed “Pay rent April”")
    expect(page.locator(".choice-button")).to_have_count(0)  # the question is closed
    expect(box).to_be_focused()
    still_in_place("the answer to Which one?")

    box.fill("   ")
    box.press("Enter")
    expect(page.locator("#assistant-form .field-error")).to_have_text("Message is required.")
    expect(messages).to_have_count(6)
    still_in_place("an empty message")
    # The refused form was swapped in anew; htmx takes it over when the swap settles (20 ms).
    # A person cannot type in between, a test can: Enter would then post it as a plain form.
    expect(page.locator("#assistant-form")).not_to_have_class(re.compile(r"htmx-(added|settling)"))

    page.get_by_label("Message").fill("undo")
    page.get_by_label("Message").press("Enter")
    expect(messages).to_have_count(8)
    expect(messages.last).to_contain_text("Reopened “Pay rent April”")
    expect(page.get_by_label("Message")).to_have_value("")
    expect(page.locator("#assistant-form .field-error")).to_have_count(0)
    expect(page.get_by_label("Message")).to_be_focused()
    still_in_place("undo")

    page.reload()  # what was appended was stored: the page shows the same conversation
    expect(page.locator("#messages > .message")).to_have_count(8)

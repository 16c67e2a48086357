"""A task's life after creation: recurrence, locking, one-time forms, Trash, bulk actions."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.models import Tag, Task, TaskTag, User
from app.tasks.forms import TaskInput
from app.tasks.service import create_task
from tests.web import create_account, csrf_token, sign_in, submit

Client = TestClient[Litestar]


@pytest.fixture
def me(client: Client, engine: Engine) -> User:
    user = create_account(engine, "me@example.com", timezone="Europe/Paris")
    sign_in(client, "me@example.com")
    return user


def add(engine: Engine, owner: uuid.UUID, title: str = "Task", **fields: object) -> Task:
    with Session(engine, expire_on_commit=False) as session:
        task = create_task(session, owner_id=owner, data=TaskInput(title=title, **fields))  # type: ignore[arg-type]
        session.commit()
        return task


def all_tasks(engine: Engine) -> list[Task]:
    with Session(engine) as session:
        return list(session.scalars(select(Task).order_by(Task.created_at, Task.id)))


def tag_names(engine: Engine, task_id: uuid.UUID) -> list[str]:
    with Session(engine) as session:
        return sorted(session.scalars(
            select(Tag.name).join(TaskTag, TaskTag.tag_id == Tag.id).where(TaskTag.task_id == task_id)
        ))


# --- recurrence -----------------------------------------------------------------------------


def test_completing_a_repeating_task_creates_the_next_one(
    client: Client, me: User, engine: Engine
) -> None:
    task = add(engine, me.id, "Pay rent", due_date=date(2026, 1, 31), due_time=time(9, 0),
               recurrence="monthly", priority="high", tags=["bills", "home"], estimated_hours=1)
    response = submit(client, "/tasks", f"/tasks/{task.id}/toggle", {})
    assert response.status_code == 303
    done, following = all_tasks(engine)
    assert (done.id, done.status) == (task.id, "completed")
    assert following.status == "pending" and following.completed_at is None
    assert (following.title, following.priority, following.recurrence) == ("Pay rent", "high", "monthly")
    assert (following.due_date, following.due_time) == (date(2026, 2, 28), time(9, 0))
    assert following.estimated_hours == 1
    assert tag_names(engine, following.id) == ["bills", "home"]
    assert "Next one due 2026-02-28." in client.get("/tasks").text

    # Reopening the first one creates nothing more.
    submit(client, "/tasks", f"/tasks/{task.id}/toggle", {})
    assert len(all_tasks(engine)) == 2


def test_htmx_completion_returns_the_row_and_the_next_occurrence(
    client: Client, me: User, engine: Engine
) -> None:
    task = add(engine, me.id, "Stand-up", due_date=date(2026, 11, 20), recurrence="weekdays")
    response = submit(client, "/tasks", f"/tasks/{task.id}/toggle", {}, headers={"HX-Request": "true"})
    rows = re.findall(r'<li id="task-[^"]+"[^>]*data-status="(\w+)"[^>]*data-due="([^"]*)"', response.text)
    assert rows == [("completed", "2026-11-20"), ("pending", "2026-11-23")]  # Friday → Monday


def test_a_task_that_does_not_repeat_creates_nothing(client: Client, me: User, engine: Engine) -> None:
    task = add(engine, me.id, "Once", due_date=date(2026, 11, 20))
    submit(client, "/tasks", f"/tasks/{task.id}/toggle", {})
    assert len(all_tasks(engine)) == 1


# --- optimistic locking ---------------------------------------------------------------------


def test_two_simultaneous_edits_from_one_version_exactly_one_wins(
    app: Litestar, me: User, engine: Engine, new_client: Callable[..., Client]
) -> None:
    task = add(engine, me.id, "Contested")
    browsers = [new_client() for _ in range(4)]
    tokens = []
    for browser in browsers:
        sign_in(browser, "me@example.com")
        tokens.append(csrf_token(browser.get(f"/tasks/{task.id}/edit").text))
    start = threading.Barrier(len(browsers))
    statuses: list[int] = []

    def edit(i: int) -> None:
        start.wait()
        response = browsers[i].post(
            f"/tasks/{task.id}/edit",
            data={"_csrf_token": tokens[i], "title": f"Edit {i}", "version": "1"},
            follow_redirects=False,
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [303, 409, 409, 409]
    [saved] = all_tasks(engine)
    assert saved.version == 2 and saved.title.startswith("Edit ")


# --- one-time form tokens -------------------------------------------------------------------


def test_the_same_form_submitted_again_creates_one_task(
    client: Client, me: User, engine: Engine
) -> None:
    page = client.get("/tasks/new").text
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token
    form = {"_csrf_token": csrf_token(page), "form_token": token.group(1), "title": "Once only"}
    first = client.post("/tasks", data=form, follow_redirects=False)
    again = client.post("/tasks", data=form, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert [t.title for t in all_tasks(engine)] == ["Once only"]
    htmx = client.post("/tasks", data=form, headers={"HX-Request": "true"})
    assert htmx.status_code == 201 and "Once only" in htmx.text
    assert len(all_tasks(engine)) == 1
    # A new rendering of the form carries a new token.
    assert token.group(1) not in client.get("/tasks/new").text


def test_parallel_posts_of_one_form_create_one_task(
    me: User, engine: Engine, new_client: Callable[..., Client]
) -> None:
    browser = new_client()
    sign_in(browser, "me@example.com")
    page = browser.get("/tasks/new").text
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token
    form = {"_csrf_token": csrf_token(page), "form_token": token.group(1), "title": "Parallel"}
    start = threading.Barrier(4)
    statuses: list[int] = []

    def post() -> None:
        start.wait()
        statuses.append(browser.post("/tasks", data=form, follow_redirects=False).status_code)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(status in {303, 409} for status in statuses) and 303 in statuses
    assert [t.title for t in all_tasks(engine)] == ["Parallel"]


def test_creates_without_a_form_token_are_still_accepted(
    client: Client, me: User, engine: Engine
) -> None:
    token = csrf_token(client.get("/tasks").text)
    for _ in range(2):
        response = client.post("/tasks", data={"_csrf_token": token, "quick": "Scripted"},
                               follow_redirects=False)
        assert response.status_code == 303
    assert len(all_tasks(engine)) == 2

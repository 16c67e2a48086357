"""Creating, viewing, editing, toggling and deleting tasks through HTTP."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.models import Tag, Task, User
from tests.factories import add_task as add
from tests.web import create_account, csrf_token, sign_in, submit

Client = TestClient[Litestar]
VALID = {
    "title": "  Pay rent  ",
    "description": "Line one\n\tindented",
    "priority": "high",
    "due_date": "2026-12-01",
    "due_time": "09:30",
    "tags": "bills, Home, #money",
    "estimated_hours": "2",
    "recurrence": "monthly",
}


@pytest.fixture
def me(client: Client, engine: Engine) -> User:
    user = create_account(engine, "me@example.com")
    sign_in(client, "me@example.com")
    return user


def tasks_in(engine: Engine) -> list[Task]:
    with Session(engine) as session:
        return list(session.scalars(select(Task).order_by(Task.created_at)))


def test_creating_a_task_stores_every_field(client: Client, me: User, engine: Engine) -> None:
    response = submit(client, "/tasks/new", "/tasks", VALID)
    assert response.status_code == 303 and response.headers["location"] == "/tasks"
    [task] = tasks_in(engine)
    assert (task.title, task.description, task.priority) == (
        "Pay rent",
        "Line one\n\tindented",
        "high",
    )
    assert (task.due_date, task.due_time) == (date(2026, 12, 1), time(9, 30))
    assert (task.estimated_hours, task.recurrence, task.status) == (2, "FREQ=MONTHLY", "pending")
    page = client.get("/tasks", params={"status": "all"}).text
    assert "Added “Pay rent”." in page
    assert re.findall(r'class="tag"[^>]*>([^<]+)<', page) == ["bills", "Home", "money"]


def test_tags_are_per_user_and_case_insensitive(client: Client, me: User, engine: Engine) -> None:
    submit(client, "/tasks/new", "/tasks", {"title": "One", "tags": "Home"})
    submit(client, "/tasks/new", "/tasks", {"title": "Two", "tags": "HOME, home, work"})
    other = create_account(engine, "other@example.com")
    add(engine, other.id, "Theirs", tags=["home"])
    with Session(engine) as session:
        mine = session.scalars(
            select(Tag.name).where(Tag.user_id == me.id).order_by(Tag.name)
        ).all()
        assert mine == ["Home", "work"]
    ids = re.findall(r'data-task-id="([^"]+)"', client.get("/tasks", params={"tag": "hOmE"}).text)
    assert len(ids) == 2


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "   "}, "title", "Title is required."),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
        ({"title": "bad\x00title"}, "title", "not allowed"),
        ({"title": "bell\x07"}, "title", "not allowed"),
        ({"description": "x" * 5001}, "description", "at most 5000 characters"),
        ({"description": "nul\x00here"}, "description", "not allowed"),
        ({"priority": "urgent"}, "priority", "Choose one of"),
        ({"due_date": "2026-02-30"}, "due_date", "YYYY-MM-DD"),
        ({"due_date": "tomorrow"}, "due_date", "YYYY-MM-DD"),
        (
            {"due_date": "", "due_time": "09:00", "recurrence": "none"},
            "due_date",
            "A time needs a date.",
        ),
        ({"due_time": "25:00"}, "due_time", "HH:MM"),
        ({"estimated_hours": "0"}, "estimated_hours", "from 1 to 1000"),
        ({"estimated_hours": "1001"}, "estimated_hours", "from 1 to 1000"),
        ({"estimated_hours": "2.5"}, "estimated_hours", "from 1 to 1000"),
        ({"tags": "ok, not ok"}, "tags", "letters, digits"),
        ({"tags": "x" * 33}, "tags", "letters, digits"),
        ({"recurrence": "hourly"}, "recurrence", "not a part of a repeat rule"),
        ({"due_date": "", "due_time": "", "recurrence": "weekly"}, "due_date", "needs a due date"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_written(
    client: Client, me: User, engine: Engine, fields: dict[str, str], field: str, message: str
) -> None:
    form = VALID | fields
    response = submit(client, "/tasks/new", "/tasks", form)
    assert response.status_code == 400
    assert re.search(rf'id="f-{field}-error">[^<]*{re.escape(message)}', response.text), (
        response.text
    )
    assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', response.text)
    assert 'class="form-error"' in response.text
    if field != "title" and "\x00" not in form["title"]:
        assert 'value="  Pay rent  "' in response.text or 'value="Pay rent"' in response.text
    assert tasks_in(engine) == []

    htmx = submit(client, "/tasks", "/tasks", form, headers={"HX-Request": "true"})
    assert htmx.status_code == 400
    assert htmx.headers["hx-retarget"] == "#new-task" and "<html" not in htmx.text
    assert tasks_in(engine) == []


def test_hostile_text_is_escaped_everywhere(client: Client, me: User, engine: Engine) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    submit(client, "/tasks/new", "/tasks", {"title": hostile, "description": hostile})
    [task] = tasks_in(engine)
    for path in ("/tasks", f"/tasks/{task.id}", f"/tasks/{task.id}/edit"):
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_htmx_create_returns_the_new_row(client: Client, me: User, engine: Engine) -> None:
    response = submit(
        client, "/tasks", "/tasks", {"title": "Inline"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 201
    [task] = tasks_in(engine)
    assert response.text.lstrip().startswith(f'<li id="task-{task.id}"')
    assert 'class="task-title"' in response.text and "<html" not in response.text


def test_quick_add_creates_a_task_from_one_line(client: Client, me: User, engine: Engine) -> None:
    response = submit(client, "/tasks", "/tasks", {"quick": "Water the plants"})
    assert response.status_code == 303
    assert [t.title for t in tasks_in(engine)] == ["Water the plants"]
    empty = submit(client, "/tasks", "/tasks", {"quick": "  "}, headers={"HX-Request": "true"})
    assert empty.status_code == 400 and empty.headers["hx-retarget"] == "#quick-add"
    assert 'id="f-quick-error"' in empty.text


def test_the_detail_and_edit_pages(client: Client, me: User, engine: Engine) -> None:
    task = add(engine, me.id, "Read", description="A book", tags=["fun"], priority="low")
    detail = client.get(f"/tasks/{task.id}")
    assert detail.status_code == 200 and "A book" in detail.text and 'class="tag"' in detail.text
    edit = client.get(f"/tasks/{task.id}/edit")
    assert edit.status_code == 200
    assert 'name="version" value="1"' in edit.text and 'value="fun"' in edit.text
    inline = client.get(f"/tasks/{task.id}/edit", headers={"HX-Request": "true"})
    assert (
        inline.text.lstrip().startswith(f'<li id="task-{task.id}"') and "<html" not in inline.text
    )
    assert inline.headers["vary"] == "HX-Request"


def test_editing_saves_and_bumps_the_version(client: Client, me: User, engine: Engine) -> None:
    task = add(engine, me.id, "Old", tags=["a"])
    response = submit(
        client,
        f"/tasks/{task.id}/edit",
        f"/tasks/{task.id}/edit",
        VALID | {"title": "New", "tags": "b", "version": "1"},
    )
    assert response.status_code == 303 and response.headers["location"] == f"/tasks/{task.id}"
    [saved] = tasks_in(engine)
    assert (saved.title, saved.version, saved.priority) == ("New", 2, "high")
    assert re.findall(r'class="tag"[^>]*>([^<]+)<', client.get(f"/tasks/{task.id}").text) == ["b"]

    htmx = submit(
        client,
        f"/tasks/{task.id}/edit",
        f"/tasks/{task.id}/edit",
        VALID | {"title": "Newer", "version": "2"},
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 200 and htmx.text.lstrip().startswith(f'<li id="task-{task.id}"')
    assert "Newer" in htmx.text


def test_a_stale_edit_is_a_409_that_keeps_what_was_typed(
    client: Client, me: User, engine: Engine
) -> None:
    task = add(engine, me.id, "Shared")
    first = submit(
        client,
        f"/tasks/{task.id}/edit",
        f"/tasks/{task.id}/edit",
        {"title": "Mine first", "version": "1"},
    )
    assert first.status_code == 303
    late = submit(
        client,
        f"/tasks/{task.id}/edit",
        f"/tasks/{task.id}/edit",
        {"title": "Typed late", "version": "1"},
    )
    assert late.status_code == 409
    assert "changed elsewhere" in late.text and 'value="Typed late"' in late.text
    assert [t.title for t in tasks_in(engine)] == ["Mine first"]


def test_toggle_and_delete_from_a_row(client: Client, me: User, engine: Engine) -> None:
    task = add(engine, me.id, "Flip")
    toggled = submit(client, "/tasks", f"/tasks/{task.id}/toggle", {"next": "/tasks?status=all"})
    assert toggled.status_code == 303 and toggled.headers["location"] == "/tasks?status=all"
    [done] = tasks_in(engine)
    assert done.status == "completed" and done.completed_at is not None

    row = submit(client, "/tasks", f"/tasks/{task.id}/toggle", {}, headers={"HX-Request": "true"})
    assert row.status_code == 200 and 'data-status="pending"' in row.text
    [reopened] = tasks_in(engine)
    assert reopened.status == "pending" and reopened.completed_at is None

    evil_next = submit(client, "/tasks", f"/tasks/{task.id}/toggle", {"next": "//evil.example"})
    assert evil_next.headers["location"] == "/tasks"

    gone = submit(client, "/tasks", f"/tasks/{task.id}/delete", {}, headers={"HX-Request": "true"})
    assert gone.status_code == 200 and gone.text == ""
    [trashed] = tasks_in(engine)
    assert trashed.deleted_at is not None
    assert f'data-task-id="{task.id}"' not in client.get("/tasks", params={"status": "all"}).text


TASK_ROUTES: list[tuple[str, str]] = [
    ("GET", "/tasks/{id}"),
    ("GET", "/tasks/{id}/edit"),
    ("POST", "/tasks/{id}/edit"),
    ("POST", "/tasks/{id}/toggle"),
    ("POST", "/tasks/{id}/delete"),
]


@pytest.mark.parametrize(("method", "route"), TASK_ROUTES)
@pytest.mark.parametrize("whose", ["another user's", "missing", "trashed"])
def test_foreign_missing_and_trashed_tasks_are_the_same_404(
    client: Client, me: User, engine: Engine, method: str, route: str, whose: str
) -> None:
    if whose == "another user's":
        owner = create_account(engine, f"{uuid.uuid4().hex[:6]}@example.com")
        task_id = add(engine, owner.id, "Private").id
    elif whose == "trashed":
        task = add(engine, me.id, "Binned")
        with Session(engine) as session:
            session.get_one(Task, task.id).deleted_at = datetime.now(UTC)
            session.commit()
        task_id = task.id
    else:
        task_id = uuid.uuid4()
    before = [(t.id, t.title, t.status, t.version, t.deleted_at) for t in tasks_in(engine)]
    path = route.format(id=task_id)
    data = {
        "_csrf_token": csrf_token(client.get("/tasks").text),
        "title": "Hijacked",
        "version": "1",
    }
    response = client.request(method, path, data=data if method == "POST" else None)
    assert response.status_code == 404
    assert "Private" not in response.text and "Binned" not in response.text
    assert [(t.id, t.title, t.status, t.version, t.deleted_at) for t in tasks_in(engine)] == before


def test_malformed_ids_are_404_too(client: Client, me: User) -> None:
    assert client.get("/tasks/not-a-uuid").status_code == 404
    assert client.get("/tasks/123/edit").status_code == 404


def test_a_double_submitted_form_without_token_still_creates(
    client: Client, me: User, engine: Engine
) -> None:
    for _ in range(2):
        assert submit(client, "/tasks/new", "/tasks", {"title": "Twice"}).status_code == 303
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 2


def test_a_fragment_does_not_swallow_a_flash_meant_for_the_next_page(
    client: Client, me: User, engine: Engine
) -> None:
    task = add(engine, me.id, "Flashy")
    submit(client, "/tasks", f"/tasks/{task.id}/toggle", {})  # sets the flash, then redirects
    fragment = client.get("/tasks", headers={"HX-Request": "true"})
    assert "Completed “Flashy”." not in fragment.text
    assert "Completed “Flashy”." in client.get("/tasks").text

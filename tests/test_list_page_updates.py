"""Issue 14 on the server: every htmx change answers with the list as it now stands (counts,
empty state, pager), with a message and an Undo; Trash confirmations and restore-all; and
the small things (bulk with nothing selected, the 404 header, links in descriptions)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.models import Task, User
from app.pages import linkify
from tests.factories import add_task as add
from tests.web import create_account, csrf_token, sign_in, submit

Client = TestClient[Litestar]
HTMX = {"HX-Request": "true"}


@pytest.fixture
def me(client: Client, engine: Engine) -> User:
    user = create_account(engine, "me@example.com", timezone="Asia/Tokyo")
    sign_in(client, "me@example.com")
    return user


def tasks_in(engine: Engine) -> list[Task]:
    with Session(engine) as session:
        return list(session.scalars(select(Task).order_by(Task.created_at, Task.id)))


def post(client: Client, action: str, fields: dict[str, object], **kwargs: object) -> object:
    token = csrf_token(client.get("/tasks").text)
    return client.post(
        action, data={"_csrf_token": token, **fields}, follow_redirects=False, **kwargs
    )


def tab_count(html: str, status: str) -> str:
    match = re.search(rf'data-status-tab="{status}"[^>]*>[^<]*<span class="count">([^<]+)<', html)
    assert match, html
    return match.group(1)


def undo_field(html: str) -> str:
    match = re.search(r'name="undo" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def test_completing_in_a_view_re_renders_the_list_with_counts_and_an_undo(
    client: Client, me: User, engine: Engine
) -> None:
    first, _ = add(engine, me.id, "First"), add(engine, me.id, "Second")
    response = post(client, f"/tasks/{first.id}/toggle", {"view": "/tasks"}, headers=HTMX)
    assert response.status_code == 200
    assert response.headers["hx-retarget"] == "#task-list"
    assert response.headers["hx-reswap"] == "outerHTML"
    # A change is no step to go Back to: the address is replaced, not pushed.
    assert response.headers["hx-replace-url"] == "/tasks" and "hx-push-url" not in response.headers
    html = response.text
    assert html.lstrip().startswith('<section id="task-list"') and "<html" not in html
    assert 'data-total="1"' in html and f'id="task-{first.id}"' not in html
    assert (tab_count(html, "pending"), tab_count(html, "completed")) == ("1", "1")
    assert "Completed “First”." in html and 'class="flash"' in html and ">1 task<" in html

    undone = post(client, "/tasks/undo", {"undo": undo_field(html), "view": "/tasks"}, headers=HTMX)
    assert undone.status_code == 200 and f'id="task-{first.id}"' in undone.text
    assert 'data-total="2"' in undone.text
    assert {t.status for t in tasks_in(engine)} == {"pending"}


def test_the_last_task_deleted_shows_the_empty_state_and_undo_brings_it_back(
    client: Client, me: User, engine: Engine
) -> None:
    task = add(engine, me.id, "Only one")
    response = post(client, f"/tasks/{task.id}/delete", {"view": "/tasks"}, headers=HTMX)
    html = response.text
    assert "Nothing here. Add a task above." in html and ">0 tasks<" in html
    assert 'id="bulk"' not in html  # no bulk bar on an empty list
    assert "Moved “Only one” to the Trash." in html
    # Without JavaScript the same Undo is a plain form, back to the list view it came from.
    plain = post(client, "/tasks/undo", {"undo": undo_field(html), "next": "/tasks?status=all"})
    assert plain.status_code == 303 and plain.headers["location"] == "/tasks?status=all"
    [restored] = tasks_in(engine)
    assert restored.deleted_at is None
    assert "Undone: 1 task back as before." in client.get("/tasks").text


def test_without_a_view_htmx_answers_keep_their_spec_shapes(
    client: Client, me: User, engine: Engine
) -> None:
    task = add(engine, me.id, "Plain")
    row = post(client, f"/tasks/{task.id}/toggle", {}, headers=HTMX)
    assert row.text.lstrip().startswith(f'<li id="task-{task.id}"')
    gone = post(client, f"/tasks/{task.id}/delete", {}, headers=HTMX)
    assert gone.status_code == 200 and gone.text == ""


def test_a_new_task_outside_the_view_is_announced_with_a_link(
    client: Client, me: User, engine: Engine
) -> None:
    add(engine, me.id, "Done already")
    form = {"quick": "Buy milk", "form_token": uuid.uuid4().hex}
    response = post(client, "/tasks", form | {"view": "/tasks?status=completed"}, headers=HTMX)
    assert response.status_code == 201 and response.headers["hx-retarget"] == "#task-list"
    [_, new] = tasks_in(engine)
    assert f'id="task-{new.id}"' not in response.text
    assert "Added “Buy milk” to Pending; this view does not show it." in response.text
    assert f'href="/tasks/{new.id}"' in response.text

    here = post(
        client, "/tasks", {"quick": "Call Mum", "form_token": "t2", "view": "/tasks"}, headers=HTMX
    )
    assert "Added “Call Mum”." in here.text and tab_count(here.text, "pending") == "3"
    assert re.search(r'<li id="task-[^"]+"[^>]*>', here.text)


def test_undoing_a_repeating_completion_drops_the_next_one(
    client: Client, me: User, engine: Engine
) -> None:
    task = add(engine, me.id, "Stand-up", due_date=date(2030, 1, 7), recurrence="FREQ=WEEKLY")
    html = post(client, f"/tasks/{task.id}/toggle", {"view": "/tasks"}, headers=HTMX).text
    assert len(tasks_in(engine)) == 2
    post(client, "/tasks/undo", {"undo": undo_field(html), "view": "/tasks"}, headers=HTMX)
    [only] = tasks_in(engine)
    assert (only.id, only.status) == (task.id, "pending")


def test_an_undo_is_the_callers_own_and_cannot_be_forged(
    client: Client, me: User, engine: Engine, new_client: object
) -> None:
    task = add(engine, me.id, "Mine")
    html = post(client, f"/tasks/{task.id}/delete", {"view": "/tasks"}, headers=HTMX).text
    token = undo_field(html)
    create_account(engine, "other@example.com")
    with new_client() as other:  # type: ignore[operator]
        sign_in(other, "other@example.com")
        assert post(other, "/tasks/undo", {"undo": token}).status_code == 404
    assert tasks_in(engine)[0].deleted_at is not None
    forged = post(client, "/tasks/undo", {"undo": token[:-2] + "xx"})
    assert forged.status_code == 400 and "expired" in forged.text


def test_bulk_with_nothing_selected_says_so_and_select_all_works_without_javascript(
    client: Client, me: User, engine: Engine
) -> None:
    tasks = [add(engine, me.id, f"T{n}") for n in range(3)]
    nothing = post(client, "/tasks/bulk", {"action": "complete", "view": "/tasks"}, headers=HTMX)
    assert "Select at least one task first" in nothing.text
    assert "0 tasks completed" not in nothing.text
    page_ids = ",".join(str(t.id) for t in tasks[:2])
    done = post(
        client,
        "/tasks/bulk",
        {"action": "complete", "select_all": "page", "page_ids": page_ids, "next": "/tasks"},
    )
    assert done.status_code == 303
    assert [t.status for t in tasks_in(engine)] == ["completed", "completed", "pending"]
    assert "2 tasks completed." in client.get("/tasks").text


def test_the_trash_restores_all_and_asks_before_emptying(
    client: Client, me: User, engine: Engine
) -> None:
    for title in ("A", "B"):
        task = add(engine, me.id, title)
        post(client, f"/tasks/{task.id}/delete", {})
    trash = client.get("/trash").text
    assert 'action="/trash/restore-all"' in trash and 'href="/trash/empty"' in trash
    assert 'action="/trash/empty"' not in trash  # deleting for good is one step further
    confirm = client.get("/trash/empty")
    assert confirm.status_code == 200 and "This deletes 2 tasks for good" in confirm.text
    assert 'action="/trash/empty"' in confirm.text
    restored = submit(client, "/trash", "/trash/restore-all", {})
    assert restored.status_code == 303 and restored.headers["location"] == "/trash"
    assert all(t.deleted_at is None for t in tasks_in(engine))
    assert "Restored 2 tasks to your list." in client.get("/trash").text


def test_the_trash_shows_times_in_the_users_zone(client: Client, me: User, engine: Engine) -> None:
    task = add(engine, me.id, "Zoned")
    with Session(engine) as session:
        row = session.get(Task, task.id)
        assert row is not None
        row.deleted_at = datetime.now(UTC).replace(hour=23, minute=30) - timedelta(days=1)
        session.commit()
        utc = row.deleted_at
    local = utc.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Tokyo"))
    html = client.get("/trash").text
    day = (
        f"{local:%a} {local.day} {local:%b}"  # day first, as everywhere (the year if not this one)
    )
    assert re.search(rf">{day}( {local.year})? {local:%H:%M}</time>", html), day
    assert "Asia/Tokyo" in html


def test_another_users_task_is_404_on_the_new_routes(
    client: Client, me: User, engine: Engine
) -> None:
    stranger = create_account(engine, "stranger@example.com")
    theirs = add(engine, stranger.id, "Theirs")
    assert (
        post(client, f"/tasks/{theirs.id}/toggle", {"view": "/tasks"}, headers=HTMX).status_code
        == 404
    )
    assert (
        post(client, f"/tasks/{theirs.id}/delete", {"view": "/tasks"}, headers=HTMX).status_code
        == 404
    )


def test_the_404_page_keeps_the_signed_in_header(client: Client, me: User) -> None:
    for path in (f"/tasks/{uuid.uuid4()}", "/no-such-page"):
        response = client.get(path)
        assert response.status_code == 404
        assert 'action="/signout"' in response.text and 'href="/account"' in response.text
        assert 'href="/signup"' not in response.text


def test_a_taken_email_links_to_sign_in(client: Client, engine: Engine) -> None:
    create_account(engine, "taken@example.com")
    response = submit(
        client, "/signup", "/signup", {"email": "taken@example.com", "password": "a-Long-pass-9"}
    )
    assert response.status_code == 409
    assert re.search(r'already registered\. <a href="/signin">Sign in instead\?</a>', response.text)


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "see https://example.com/a.",
            'see <a href="https://example.com/a" rel="noopener noreferrer nofollow ugc">https://example.com/a</a>.',
        ),
        (
            "<b>http://x.test/?a=1&b=2</b>",
            '&lt;b&gt;<a href="http://x.test/?a=1&amp;b=2" rel="noopener noreferrer nofollow ugc">http://x.test/?a=1&amp;b=2</a>&lt;/b&gt;',
        ),
        (
            'javascript:alert(1) "https://q.test/"x',
            'javascript:alert(1) &#34;<a href="https://q.test/" rel="noopener noreferrer nofollow ugc">https://q.test/</a>&#34;x',
        ),
        ("no links", "no links"),
    ],
)
def test_links_in_descriptions_are_made_safely(text: str, html: str) -> None:
    assert str(linkify(text)) == html


def test_the_detail_page_makes_description_links_clickable(
    client: Client, me: User, engine: Engine
) -> None:
    task = add(engine, me.id, "Read", description="At https://example.com/doc <now>")
    html = client.get(f"/tasks/{task.id}").text
    assert '<a href="https://example.com/doc" rel="noopener noreferrer nofollow ugc">' in html
    assert "&lt;now&gt;" in html

"""The account page: profile, password change, and deleting everything."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from app.models import Conversation, Message, Tag, Task, TaskTag, User, UserSession
from tests.web import PASSWORD, create_account, sign_in, submit

Client = TestClient[Litestar]


@pytest.fixture
def me(client: Client, engine: Engine) -> User:
    user = create_account(engine, "me@example.com", name="Me")
    assert sign_in(client, "me@example.com").status_code == 303
    return user


def test_the_page_offers_its_three_forms(client: Client, me: User) -> None:
    html = client.get("/account").text
    for action in ("/account", "/account/password", "/account/delete"):
        assert f'action="{action}"' in html
    for name in (
        "name",
        "timezone",
        "theme",
        "date_order",
        "current_password",
        "new_password",
        "password",
    ):
        assert f'name="{name}"' in html
    assert 'autocomplete="current-password"' in html and 'autocomplete="new-password"' in html
    assert '<option value="Pacific/Kiritimati"' in html
    assert re.search(r'<label for="f-timezone">', html)


def test_profile_changes_are_saved_and_the_theme_applied(client: Client, me: User) -> None:
    response = submit(
        client,
        "/account",
        "/account",
        {"name": " New Name ", "timezone": "Asia/Tokyo", "theme": "dark"},
    )
    assert response.status_code == 303 and response.headers["location"] == "/account"
    page = client.get("/account").text
    assert 'data-theme="dark"' in page
    assert "Your settings were saved." in page and 'class="flash"' in page
    assert 'value="New Name"' in page
    assert '<option value="Asia/Tokyo" selected>' in page
    assert "Your settings were saved." not in client.get("/account").text  # shown once


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"theme": "neon"}, "theme"),
        ({"name": "x" * 101}, "name"),
        ({"date_order": "ymd"}, "date_order"),
    ],
)
def test_bad_profile_values_are_refused(
    client: Client, me: User, engine: Engine, fields: dict[str, str], field: str
) -> None:
    form = {"name": "Me", "timezone": "UTC", "theme": "light"} | fields
    response = submit(client, "/account", "/account", form)
    assert response.status_code == 400
    assert f'id="f-{field}-error"' in response.text
    with Session(engine) as session:
        user = session.get_one(User, me.id)
        assert (user.name, user.timezone, user.theme) == ("Me", "UTC", "system")
        assert user.date_order == "dmy"


def test_date_order_is_day_first_until_changed_and_kept_by_a_form_without_it(
    client: Client, me: User, engine: Engine
) -> None:
    assert '<option value="dmy" selected>' in client.get("/account").text
    form = {"name": "Me", "timezone": "UTC", "theme": "light"}
    assert submit(client, "/account", "/account", form | {"date_order": "mdy"}).status_code == 303
    assert '<option value="mdy" selected>' in client.get("/account").text
    assert submit(client, "/account", "/account", form).status_code == 303  # an older form
    with Session(engine) as session:
        assert session.get_one(User, me.id).date_order == "mdy"


def test_password_change_keeps_this_session_and_ends_the_others(
    client: Client, me: User, new_client: Callable[..., Client]
) -> None:
    other = new_client()
    sign_in(other, "me@example.com")
    assert other.get("/account").status_code == 200

    wrong = submit(
        client,
        "/account",
        "/account/password",
        {"current_password": "not it at all", "new_password": "Another-good-one-5"},
    )
    assert wrong.status_code == 400 and "not your current password" in wrong.text
    weak = submit(
        client,
        "/account",
        "/account/password",
        {"current_password": PASSWORD, "new_password": "12345678"},
    )
    assert weak.status_code == 400 and "too common" in weak.text
    assert other.get("/account").status_code == 200  # nothing changed yet

    done = submit(
        client,
        "/account",
        "/account/password",
        {"current_password": PASSWORD, "new_password": "Another-good-one-5"},
    )
    assert done.status_code == 303
    assert client.get("/account").status_code == 200
    assert other.get("/account", follow_redirects=False).status_code == 303
    assert sign_in(other, "me@example.com", "Another-good-one-5").status_code == 303


def _fill(engine: Engine, user_id: uuid.UUID) -> None:
    with Session(engine) as session:
        task = Task(user_id=user_id, title="Mine")
        tag = Tag(user_id=user_id, name="mine")
        chat = Conversation(user_id=user_id, title="Chat")
        session.add_all([task, tag, chat])
        session.flush()
        session.add_all(
            [
                TaskTag(task_id=task.id, tag_id=tag.id),
                Message(conversation_id=chat.id, user_id=user_id, role="user", content="hello"),
            ]
        )
        session.commit()


def rows_of(engine: Engine, user_id: uuid.UUID) -> dict[str, int]:
    counts = {}
    with Session(engine) as session:
        for model in (User, UserSession, Task, Tag, Conversation, Message):
            column = model.id if model is User else model.user_id  # type: ignore[attr-defined]
            counts[model.__tablename__] = session.scalar(
                select(func.count()).select_from(model).where(column == user_id)
            )
        counts["task_tags"] = session.scalar(select(func.count()).select_from(TaskTag))
    return counts


def test_deleting_the_account_leaves_no_row_of_that_user(
    client: Client, me: User, engine: Engine, app: Litestar
) -> None:
    _fill(engine, me.id)
    assert set(SQLModel.metadata.tables) >= {"users", "tasks", "task_tags", "messages"}
    wrong = submit(client, "/account", "/account/delete", {"password": "not my password"})
    assert wrong.status_code == 400 and "not your password" in wrong.text
    assert rows_of(engine, me.id)["tasks"] == 1

    cookie = client.cookies.get("taskwise_session")
    done = submit(client, "/account", "/account/delete", {"password": PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == "/signup"
    assert set(rows_of(engine, me.id).values()) == {0}
    replay = TestClient(app=app, cookies={"taskwise_session": cookie})
    assert replay.get("/account", follow_redirects=False).status_code == 303
    assert "were deleted" in client.get("/signup").text


def test_an_expired_session_row_is_cleaned_up(client: Client, me: User, engine: Engine) -> None:
    with Session(engine) as session:
        for row in session.scalars(select(UserSession)):
            row.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        session.commit()
    assert client.get("/account", follow_redirects=False).status_code == 303
    assert rows_of(engine, me.id)["sessions"] == 0

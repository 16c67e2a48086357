"""The private calendar feed: valid iCalendar of dated pending tasks, revocable."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.models import TaskInput, User
from app.tasks.service import create_task
from tests.web import create_account, sign_in, submit

Client = TestClient[Litestar]


@pytest.fixture
def me(client: Client, engine: Engine) -> User:
    user = create_account(engine, "me@example.com", timezone="America/New_York")
    sign_in(client, "me@example.com")
    return user


def add(engine: Engine, owner: uuid.UUID, title: str, **fields: object) -> None:
    with Session(engine) as session:
        task = create_task(session, owner_id=owner, data=TaskInput(title=title, **fields))  # type: ignore[arg-type]
        if title.startswith("Done"):
            task.status, task.completed_at = "completed", datetime.now(UTC)
        if title.startswith("Trashed"):
            task.deleted_at = datetime.now(UTC)
        session.commit()


def feed_path(client: Client) -> str | None:
    match = re.search(
        r'value="http://testserver\.local(/calendar/[^"]+\.ics)"', client.get("/account").text
    )
    return match.group(1) if match else None


def turn_on(client: Client, action: str = "on") -> str:
    assert submit(client, "/account", "/account/calendar", {"action": action}).status_code == 303
    path = feed_path(client)
    assert path
    return path


def test_the_feed_has_the_dated_pending_tasks(client: Client, me: User, engine: Engine) -> None:
    add(engine, me.id, "All day", due_date=date(2026, 12, 24))
    add(
        engine,
        me.id,
        "Timed",
        due_date=date(2026, 12, 24),
        due_time=time(9, 30),
        description="Bring the form",
    )
    add(engine, me.id, "Rent", due_date=date(2026, 12, 1), recurrence="FREQ=MONTHLY")
    add(
        engine,
        me.id,
        "Standup",
        due_date=date(2026, 12, 1),
        due_time=time(9, 0),
        recurrence="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270131",
    )
    add(engine, me.id, "Undated")
    add(engine, me.id, "Done already", due_date=date(2026, 12, 2))
    add(engine, me.id, "Trashed task", due_date=date(2026, 12, 2))
    other = create_account(engine, "other@example.com")
    add(engine, other.id, "Not mine", due_date=date(2026, 12, 2))

    path = turn_on(client)
    stranger = TestClient(app=client.app)  # no cookie: the URL is the key
    response = stranger.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"All day", "Timed", "Rent", "Standup"}

    all_day = events["All day"].decoded("dtstart")
    assert all_day == date(2026, 12, 24) and not isinstance(all_day, datetime)
    timed = events["Timed"].decoded("dtstart")
    assert timed == datetime(2026, 12, 24, 9, 30, tzinfo=ZoneInfo("America/New_York"))
    assert events["Timed"].decoded("dtend") - timed == timedelta(minutes=30)
    assert str(events["Timed"]["description"]) == "Bring the form"
    assert events["Rent"]["rrule"]["FREQ"] == ["MONTHLY"]
    assert events["Standup"]["rrule"]["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
    # A timed event's UNTIL is a UTC moment (RFC 5545): the end of 31 January in New York.
    assert events["Standup"]["rrule"]["UNTIL"] == [datetime(2027, 2, 1, 4, 59, 59, tzinfo=UTC)]
    assert all(str(e["uid"]).endswith("@taskwise") for e in events.values())
    assert calendar.walk("VTIMEZONE"), "timed events carry their time zone definition"


def test_a_new_url_revokes_the_old_one_and_off_revokes_all(client: Client, me: User) -> None:
    first = turn_on(client)
    assert client.get(first).status_code == 200
    second = turn_on(client, "regenerate")
    assert second != first
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert submit(client, "/account", "/account/calendar", {"action": "off"}).status_code == 303
    assert feed_path(client) is None
    assert client.get(second).status_code == 404


@pytest.mark.parametrize("path", ["/calendar/nonsense.ics", "/calendar/abc", "/calendar/.ics"])
def test_bad_tokens_are_404(client: Client, me: User, path: str) -> None:
    turn_on(client)
    assert client.get(path).status_code == 404


def test_a_tampered_token_is_404(client: Client, me: User) -> None:
    path = turn_on(client)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    payload, signature = token.rsplit(".", 1)
    forged = f"/calendar/{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}.ics"
    assert client.get(forged).status_code == 404

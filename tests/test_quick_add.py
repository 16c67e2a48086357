"""Quick add and repeat rules through HTTP (SPEC §6, §7): the line becomes a task whose row
hooks say what was understood, repeats come round as their rules say, and the preview writes
nothing. The parser itself is unit-tested in test_quickadd.py, the rules in test_rules.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.models import Tag, Task, TaskTag, User
from tests.web import create_account, csrf_token, sign_in, submit

Client = TestClient[Litestar]
# Tuesday 24 November 2026, 10:00 in Berlin.
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
RENT = "Pay rent tomorrow 9am !high #bills every month"


@pytest.fixture
def clocked(settings: Settings) -> Iterator[tuple[Client, Engine]]:
    app = create_app(settings, clock=lambda: NOW)
    with TestClient(app=app) as client:
        yield client, app.state.engine


@pytest.fixture
def me(clocked: tuple[Client, Engine]) -> User:
    client, engine = clocked
    user = create_account(engine, "me@example.com", timezone="Europe/Berlin")
    assert sign_in(client, "me@example.com").status_code == 303
    return user


def tasks(engine: Engine) -> list[Task]:
    with Session(engine) as session:
        return list(session.scalars(select(Task).order_by(Task.due_date, Task.created_at)))


def row_hooks(html: str) -> list[dict[str, str]]:
    rows = re.findall(r'<li id="task-[^"]+"[^>]*>', html)
    return [dict(re.findall(r'(data-[\w-]+)="([^"]*)"', row)) for row in rows]


def quick_add(client: Client, line: str, **headers: str) -> object:
    return submit(client, "/tasks", "/tasks", {"quick": line}, headers=headers or None)


def test_the_placeholder_line_becomes_the_task_it_describes_and_repeats_monthly(
    clocked: tuple[Client, Engine], me: User
) -> None:
    client, engine = clocked
    response = submit(client, "/tasks", "/tasks", {"quick": RENT})
    assert response.status_code == 303
    page = client.get("/tasks").text
    assert "Added: Pay rent — Wed 25 Nov 09:00 · High · #bills · every month on the 25th" in page
    [hooks] = row_hooks(page)
    assert hooks["data-due"] == "2026-11-25" and hooks["data-due-time"] == "09:00"
    assert hooks["data-priority"] == "high" and hooks["data-recurrence"] == "FREQ=MONTHLY"
    assert re.search(r'class="tag"[^>]*>bills<', page)
    assert re.search(r'class="task-title"[^>]*>Pay rent<', page)
    assert "every month on the 25th" in page  # the rule in words on the row

    # Completing it three times: each time the next month's 25th, at 09:00 still.
    for expected in (date(2026, 12, 25), date(2027, 1, 25), date(2027, 2, 25)):
        [pending] = [t for t in tasks(engine) if t.status == "pending"]
        assert submit(client, "/tasks", f"/tasks/{pending.id}/toggle", {}).status_code == 303
        [following] = [t for t in tasks(engine) if t.status == "pending"]
        assert (following.due_date, following.due_time.isoformat()) == (expected, "09:00:00")
        assert following.recurrence == "FREQ=MONTHLY" and following.priority == "high"
    assert len(tasks(engine)) == 4


def test_a_month_end_series_takes_each_months_last_day_without_drifting(
    clocked: tuple[Client, Engine], me: User
) -> None:
    client, engine = clocked
    assert quick_add(client, "Close the books jan 31 every month").status_code == 303
    seen = []
    for _ in range(3):
        [pending] = [t for t in tasks(engine) if t.status == "pending"]
        seen.append(pending.due_date)
        submit(client, "/tasks", f"/tasks/{pending.id}/toggle", {})
    assert seen == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]


def test_a_counted_series_ends_and_reopening_never_doubles_an_occurrence(
    clocked: tuple[Client, Engine], me: User
) -> None:
    client, engine = clocked
    assert quick_add(client, "Pills every day for 3 times").status_code == 303
    [first] = tasks(engine)
    assert first.due_date == date(2026, 11, 24)  # today is the rule's first day from now on
    submit(client, "/tasks", f"/tasks/{first.id}/toggle", {})  # complete → 2nd
    submit(client, "/tasks", f"/tasks/{first.id}/toggle", {})  # reopen
    submit(client, "/tasks", f"/tasks/{first.id}/toggle", {})  # complete again: no 3rd copy
    assert len(tasks(engine)) == 2
    for _ in range(3):
        for task in tasks(engine):
            if task.status == "pending":
                submit(client, "/tasks", f"/tasks/{task.id}/toggle", {})
    assert [t.due_date.day for t in tasks(engine)] == [24, 25, 26]  # three, then no more
    assert all(t.status == "completed" for t in tasks(engine))


def test_the_preview_shows_each_piece_and_writes_nothing(
    clocked: tuple[Client, Engine], me: User
) -> None:
    client, engine = clocked
    response = client.get("/tasks/preview", params={"quick": RENT}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.text
    pieces = dict(
        re.findall(r'class="parsed[^"]*" data-field="(\w+)" data-value="([^"]*)"', response.text)
    )
    assert pieces == {
        "title": "Pay rent",
        "due_date": "2026-11-25",
        "due_time": "09:00",
        "priority": "high",
        "tags": "bills",
        "recurrence": "FREQ=MONTHLY",
    }
    problem = client.get("/tasks/preview", params={"quick": "Dentist feb 30"})
    assert problem.status_code == 200 and "30 February" in problem.text
    assert client.get("/tasks/preview", params={"quick": "x" * 1001}).status_code == 400
    assert tasks(engine) == []


@pytest.mark.parametrize(
    ("line", "message"),
    [("tomorrow 9am !high", "title"), ("Dentist feb 30", "30 February")],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_line_without_a_title_or_with_an_impossible_date_is_refused(
    clocked: tuple[Client, Engine], me: User, line: str, message: str, htmx: bool
) -> None:
    client, engine = clocked
    headers = {"HX-Request": "true"} if htmx else {}
    response = quick_add(client, line, **headers)
    assert response.status_code == 400
    assert 'class="field-error"' in response.text and message in response.text
    assert f'value="{line}"' in response.text  # the line is kept to correct it
    assert tasks(engine) == []


def test_numeric_dates_follow_the_users_date_order(
    clocked: tuple[Client, Engine], me: User
) -> None:
    client, engine = clocked
    quick_add(client, "Day first 03/04")
    form = {"name": "", "timezone": "Europe/Berlin", "theme": "system", "date_order": "mdy"}
    assert submit(client, "/account", "/account", form).status_code == 303
    quick_add(client, "Month first 03/04")
    due = {t.title: t.due_date for t in tasks(engine)}
    assert due == {"Day first": date(2027, 4, 3), "Month first": date(2027, 3, 4)}


def test_the_form_takes_a_preset_an_rrule_or_a_phrase_and_pages_say_it_in_words(
    clocked: tuple[Client, Engine], me: User
) -> None:
    client, engine = clocked
    for title, typed in [
        ("Preset", "weekly"),
        ("Rule", "FREQ=MONTHLY;BYDAY=3FR"),
        ("Phrase", "every other wednesday"),
    ]:
        fields = {"title": title, "due_date": "2026-11-25", "recurrence": typed}
        assert submit(client, "/tasks/new", "/tasks", fields).status_code == 303
    stored = {t.title: t.recurrence for t in tasks(engine)}
    assert stored == {
        "Preset": "FREQ=WEEKLY",
        "Rule": "FREQ=MONTHLY;BYDAY=3FR",
        "Phrase": "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
    }
    page = client.get("/tasks").text
    for words in ("every week on Wednesday", "every 3rd Friday", "every other Wednesday"):
        assert words in page
    # The edit form shows a preset by its name, any other rule as its RRULE.
    by_title = {t.title: t for t in tasks(engine)}
    assert 'value="weekly"' in client.get(f"/tasks/{by_title['Preset'].id}/edit").text
    edit = client.get(f"/tasks/{by_title['Phrase'].id}/edit").text
    assert 'value="FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"' in edit
    export = client.get("/export/tasks.json").json()["tasks"]
    assert {row["title"]: row["recurrence"] for row in export} == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("every blue moon", "not a repeat rule"),
        ("FREQ=HOURLY", "at most daily"),
        ("every day until 2026-01-01", "before the task is due"),
    ],
)
def test_a_rule_the_app_cannot_honour_is_refused_beside_the_field(
    clocked: tuple[Client, Engine], me: User, typed: str, message: str
) -> None:
    client, engine = clocked
    fields = {"title": "Bad rule", "due_date": "2026-11-25", "recurrence": typed}
    response = submit(client, "/tasks/new", "/tasks", fields)
    assert response.status_code == 400
    assert 'id="f-recurrence-error"' in response.text and message in response.text
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 0


# The issue-19 lines: a date that follows from a time or a rule, said on a Saturday at 10:00
# (Berlin) after their times have passed.
SAID_ON_A_SATURDAY = [
    "Water plants every other wednesday 8am",
    "Email Sam 9am",
    "Standup every weekday at 9:30 #work",
    "Backup server every last day 23:00",
    "Invoice clients every 31st",
    "Take pill every day 8am until 2027-01-31",
    "Pay rent tomorrow 9am !high #bills every month",
]


def test_the_preview_and_the_created_task_agree_on_every_line(settings: Settings) -> None:
    """For every §7 row (as `Task <words>`) and the lines above: what the preview shows is
    what POST /tasks then stores, field by field, the due date included."""
    from tests.test_quickadd_week import CASES

    saturday = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
    app = create_app(settings, clock=lambda: saturday)
    lines = [f"Task {case.words}" for case in CASES] + SAID_ON_A_SATURDAY
    disagreements: list[str] = []
    with TestClient(app=app) as client:
        create_account(app.state.engine, "me@example.com", timezone="Europe/Berlin")
        sign_in(client, "me@example.com")
        token = csrf_token(client.get("/tasks").text)
        for line in lines:
            preview = client.get("/tasks/preview", params={"quick": line})
            shown = dict(
                re.findall(
                    r'class="parsed[^"]*" data-field="(\w+)" data-value="([^"]*)"', preview.text
                )
            )
            posted = client.post("/tasks", data={"_csrf_token": token, "quick": line})
            assert posted.status_code == 200, (line, posted.status_code)  # followed to the list
            with Session(app.state.engine) as session:
                newest = select(Task).order_by(Task.created_at.desc(), Task.id.desc())
                task = session.scalars(newest).first()
                assert task is not None
                names = select(Tag.name).join(TaskTag).where(TaskTag.task_id == task.id)
                stored = {
                    "title": task.title,
                    "due_date": task.due_date.isoformat() if task.due_date else None,
                    "due_time": f"{task.due_time:%H:%M}" if task.due_time else None,
                    "priority": task.priority if "priority" in shown else None,
                    "tags": ",".join(sorted(session.scalars(names))) or None,
                    "estimated_hours": str(task.estimated_hours) if task.estimated_hours else None,
                    "recurrence": task.recurrence or None,
                }
            expected = {name: shown.get(name) for name in stored}
            if stored != expected:
                disagreements.append(f"{line!r}: preview {expected} stored {stored}")
    assert disagreements == []
    assert len(lines) > 70

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
from tests.factories import add_task as add
from tests.web import create_account, csrf_token, sign_in, submit

Client = TestClient[Litestar]


@pytest.fixture
def me(client: Client, engine: Engine) -> User:
    user = create_account(engine, "me@example.com", timezone="Europe/Paris")
    sign_in(client, "me@example.com")
    return user


def all_tasks(engine: Engine) -> list[Task]:
    with Session(engine) as session:
        return list(session.scalars(select(Task).order_by(Task.created_at, Task.id)))


def tag_names(engine: Engine, task_id: uuid.UUID) -> list[str]:
    with Session(engine) as session:
        return sorted(
            session.scalars(
                select(Tag.name)
                .join(TaskTag, TaskTag.tag_id == Tag.id)
                .where(TaskTag.task_id == task_id)
            )
        )


# --- recurrence -----------------------------------------------------------------------------


def test_completing_a_repeating_task_creates_the_next_one(
    client: Client, me: User, engine: Engine
) -> None:
    task = add(
        engine,
        me.id,
        "Pay rent",
        due_date=date(2026, 1, 31),
        due_time=time(9, 0),
        recurrence="FREQ=MONTHLY",
        priority="high",
        tags=["bills", "home"],
        estimated_hours=1,
    )
    response = submit(client, "/tasks", f"/tasks/{task.id}/toggle", {})
    assert response.status_code == 303
    done, following = all_tasks(engine)
    assert (done.id, done.status) == (task.id, "completed")
    assert following.status == "pending" and following.completed_at is None
    assert (following.title, following.priority, following.recurrence) == (
        "Pay rent",
        "high",
        "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1",  # the 31st, or the month's last day
    )
    assert (following.due_date, following.due_time) == (date(2026, 2, 28), time(9, 0))
    assert following.estimated_hours == 1
    assert tag_names(engine, following.id) == ["bills", "home"]
    assert "Next one due Sat 28 Feb." in client.get("/tasks").text  # day first, like the chips

    # Reopening the first one takes back the untouched next one, as Undo does; completing it
    # again makes the next one anew.
    submit(client, "/tasks", f"/tasks/{task.id}/toggle", {})
    assert [(t.id, t.status) for t in all_tasks(engine)] == [(task.id, "pending")]
    submit(client, "/tasks", f"/tasks/{task.id}/toggle", {})
    assert sorted(t.status for t in all_tasks(engine)) == ["completed", "pending"]


def test_reopening_keeps_a_next_occurrence_someone_touched(
    client: Client, me: User, engine: Engine
) -> None:
    plants = add(engine, me.id, "Water plants", due_date=date(2026, 1, 7), recurrence="FREQ=WEEKLY")
    rent = add(engine, me.id, "Pay rent", due_date=date(2026, 1, 31), recurrence="FREQ=MONTHLY")
    for task in (plants, rent):
        submit(client, "/tasks", f"/tasks/{task.id}/toggle", {})
    next_plants, next_rent = all_tasks(engine)[2:]
    edited = {"title": "Water the fern too", "due_date": "2026-01-14", "version": "1"}
    response = submit(
        client, f"/tasks/{next_plants.id}/edit", f"/tasks/{next_plants.id}/edit", edited
    )
    assert response.status_code == 303
    submit(client, "/tasks", f"/tasks/{next_rent.id}/toggle", {})  # done: the user's now too

    for task in (plants, rent):
        submit(client, "/tasks", f"/tasks/{task.id}/toggle", {})  # reopen
    assert [(t.title, t.status) for t in all_tasks(engine)] == [
        ("Water plants", "pending"),
        ("Pay rent", "pending"),
        ("Water the fern too", "pending"),
        ("Pay rent", "completed"),
        ("Pay rent", "pending"),  # made when the second one was completed
    ]


def test_htmx_completion_returns_the_row_and_the_next_occurrence(
    client: Client, me: User, engine: Engine
) -> None:
    task = add(
        engine,
        me.id,
        "Stand-up",
        due_date=date(2026, 11, 20),
        recurrence="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    )
    response = submit(
        client, "/tasks", f"/tasks/{task.id}/toggle", {}, headers={"HX-Request": "true"}
    )
    rows = re.findall(
        r'<li id="task-[^"]+"[^>]*data-status="(\w+)"[^>]*data-due="([^"]*)"', response.text
    )
    assert rows == [("completed", "2026-11-20"), ("pending", "2026-11-23")]  # Friday → Monday


def test_a_task_that_does_not_repeat_creates_nothing(
    client: Client, me: User, engine: Engine
) -> None:
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
        response = client.post(
            "/tasks", data={"_csrf_token": token, "quick": "Scripted"}, follow_redirects=False
        )
        assert response.status_code == 303
    assert len(all_tasks(engine)) == 2


# --- Trash ----------------------------------------------------------------------------------


def trash_ids(client: Client) -> list[str]:
    return re.findall(r'data-task-id="([^"]+)"', client.get("/trash").text)


def test_the_trash_lists_deleted_tasks_newest_first_and_restores_them_unchanged(
    client: Client, me: User, engine: Engine
) -> None:
    first = add(engine, me.id, "First", tags=["keep"], priority="high", due_date=date(2026, 12, 1))
    second = add(engine, me.id, "Second")
    submit(client, "/tasks", f"/tasks/{first.id}/delete", {})
    submit(client, "/tasks", f"/tasks/{second.id}/delete", {})
    assert trash_ids(client) == [str(second.id), str(first.id)]
    assert (
        re.findall(r'data-task-id="([^"]+)"', client.get("/tasks", params={"status": "all"}).text)
        == []
    )
    assert client.get(f"/tasks/{first.id}").status_code == 404  # Trash items appear nowhere else

    restored = submit(client, "/trash", f"/tasks/{first.id}/restore", {})
    assert restored.status_code == 303 and restored.headers["location"] == "/trash"
    assert trash_ids(client) == [str(second.id)]
    with Session(engine) as session:
        back = session.get_one(Task, first.id)
        assert (back.title, back.priority, back.due_date, back.deleted_at) == (
            "First",
            "high",
            date(2026, 12, 1),
            None,
        )
        assert back.version == first.version
    assert tag_names(engine, first.id) == ["keep"]


def test_restore_is_404_unless_in_the_callers_trash(
    client: Client, me: User, engine: Engine
) -> None:
    live = add(engine, me.id, "Live")
    other = create_account(engine, "other@example.com")
    theirs = add(engine, other.id, "Theirs")
    with Session(engine) as session:
        session.get_one(Task, theirs.id).deleted_at = datetime.now(UTC)
        session.commit()
    for task_id in (live.id, theirs.id, uuid.uuid4()):
        assert submit(client, "/trash", f"/tasks/{task_id}/restore", {}).status_code == 404
    with Session(engine) as session:
        assert session.get_one(Task, theirs.id).deleted_at is not None


def test_emptying_the_trash_deletes_only_the_callers_trashed_tasks(
    client: Client, me: User, engine: Engine
) -> None:
    keep = add(engine, me.id, "Keep")
    doomed = add(engine, me.id, "Doomed", tags=["x"])
    other = create_account(engine, "other@example.com")
    theirs = add(engine, other.id, "Theirs")
    now = datetime.now(UTC)
    with Session(engine) as session:
        session.get_one(Task, doomed.id).deleted_at = now
        session.get_one(Task, theirs.id).deleted_at = now
        session.commit()
    response = submit(client, "/trash", "/trash/empty", {})
    assert response.status_code == 303
    assert "Deleted 1 task for good." in client.get("/trash").text
    assert {t.title for t in all_tasks(engine)} == {"Keep", "Theirs"}
    assert keep.id in {t.id for t in all_tasks(engine)}


def test_the_trash_hides_what_is_past_30_days_without_writing(
    client: Client, me: User, engine: Engine
) -> None:
    old = add(engine, me.id, "Old")
    recent = add(engine, me.id, "Recent")
    now = datetime.now(UTC)
    with Session(engine) as session:
        session.get_one(Task, old.id).deleted_at = now - timedelta(days=30, minutes=1)
        session.get_one(Task, recent.id).deleted_at = now - timedelta(days=29)
        session.commit()
    assert trash_ids(client) == [str(recent.id)]
    # Reads never write: the old one stays until `python -m app purge-trash` runs.
    assert sorted(t.title for t in all_tasks(engine)) == ["Old", "Recent"]


def test_purge_trash_command(db_url: str, engine: Engine, me: User) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT, TEST_SECRET

    old = add(engine, me.id, "Old")
    with Session(engine) as session:
        session.get_one(Task, old.id).deleted_at = datetime.now(UTC) - timedelta(days=31)
        session.commit()
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "app", "purge-trash"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=os.environ | {"DATABASE_URL": db_url, "SECRET_KEY": TEST_SECRET},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Purged 1 task from the Trash." in result.stdout
    assert all_tasks(engine) == []


# --- bulk actions ---------------------------------------------------------------------------


def bulk(client: Client, action: str, ids: list[object], **extra: str) -> object:
    token = csrf_token(client.get("/tasks").text)
    return client.post(
        "/tasks/bulk",
        data={"_csrf_token": token, "action": action, "ids": [str(i) for i in ids], **extra},
        follow_redirects=False,
    )


def test_bulk_actions_touch_only_the_callers_tasks(
    client: Client, me: User, engine: Engine
) -> None:
    mine = [add(engine, me.id, f"Mine {i}") for i in range(3)]
    other = create_account(engine, "other@example.com")
    theirs = add(engine, other.id, "Theirs")
    response = bulk(client, "complete", [*[t.id for t in mine[:2]], theirs.id, "not-an-id"])
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert "2 tasks completed." in client.get("/tasks").text
    by_title = {t.title: t for t in all_tasks(engine)}
    assert [by_title[f"Mine {i}"].status for i in range(3)] == ["completed", "completed", "pending"]
    assert by_title["Theirs"].status == "pending"

    bulk(client, "reopen", [mine[0].id])
    bulk(client, "delete", [mine[1].id, mine[2].id, theirs.id])
    by_title = {t.title: t for t in all_tasks(engine)}
    assert by_title["Mine 0"].status == "pending" and by_title["Mine 0"].deleted_at is None
    assert by_title["Mine 1"].deleted_at is not None and by_title["Mine 2"].deleted_at is not None
    assert by_title["Theirs"].deleted_at is None


def test_bulk_completion_of_a_repeating_task_creates_its_next_one(
    client: Client, me: User, engine: Engine
) -> None:
    task = add(engine, me.id, "Weekly", due_date=date(2026, 11, 23), recurrence="FREQ=WEEKLY")
    bulk(client, "complete", [task.id])
    assert sorted((t.status, t.due_date) for t in all_tasks(engine)) == [
        ("completed", date(2026, 11, 23)),
        ("pending", date(2026, 11, 30)),
    ]


def test_a_bad_bulk_action_is_a_400_and_changes_nothing(
    client: Client, me: User, engine: Engine
) -> None:
    task = add(engine, me.id, "Safe")
    response = bulk(client, "explode", [task.id])
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert all_tasks(engine)[0].status == "pending"


def test_htmx_bulk_returns_the_refreshed_list_with_a_count(
    client: Client, me: User, engine: Engine
) -> None:
    tasks = [add(engine, me.id, f"T{i}") for i in range(3)]
    token = csrf_token(client.get("/tasks").text)
    response = client.post(
        "/tasks/bulk",
        data={
            "_csrf_token": token,
            "action": "complete",
            "ids": [str(tasks[0].id)],
            "status": "pending",
            "sort": "title",
            "order": "asc",
            "q": "T",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="task-list"')
    assert "1 task completed." in response.text and 'class="flash"' in response.text
    assert re.findall(r'class="task-title"[^>]*>([^<]+)<', response.text) == ["T1", "T2"]
    assert response.headers["hx-push-url"] == "/tasks?q=T&sort=title"


def test_the_list_offers_checkboxes_and_a_bulk_form(
    client: Client, me: User, engine: Engine
) -> None:
    task = add(engine, me.id, "Pick me")
    html = client.get("/tasks").text
    assert re.search(
        rf'<input type="checkbox" class="select" name="ids" value="{task.id}" form="bulk"', html
    )
    assert re.search(r'<form id="bulk"[^>]*method="post" action="/tasks/bulk"', html)
    assert 'data-select-all="ids"' in html
    for action in ("complete", "reopen", "delete"):
        assert f'<option value="{action}">' in html


# --- due dates in each user's own zone ------------------------------------------------------


def test_each_user_sees_their_own_today(settings: object) -> None:
    from app.main import create_app

    # 10:30 UTC on the 22nd: already 00:30 on the 23rd in Kiritimati, still 23:30 on the 21st
    # in Pago Pago.
    app = create_app(settings, clock=lambda: datetime(2026, 11, 22, 10, 30, tzinfo=UTC))  # type: ignore[arg-type]
    engine = app.state.engine
    seen = {}
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        user = create_account(engine, f"{zone.split('/')[1].lower()}@example.com", timezone=zone)
        add(engine, user.id, "Due the 22nd", due_date=date(2026, 11, 22))
        add(
            engine,
            user.id,
            "Due the 22nd at 23:00",
            due_date=date(2026, 11, 22),
            due_time=time(23, 0),
        )
        with TestClient(app=app) as client:
            sign_in(client, user.email)
            html = client.get("/tasks").text
            rows = dict(
                re.findall(
                    r'<a class="task-title"[^>]*>([^<]+)</a>.*?<time[^>]*>([^<]+)</time>',
                    html,
                    re.S,
                )
            )
            overdue = re.findall(r'data-task-id="[^"]+"[^>]*data-overdue="true"', html)
            filtered = {
                name: re.findall(
                    r'data-task-id="([^"]+)"', client.get("/tasks", params=params).text
                )
                for name, params in (
                    ("overdue", {"status": "overdue"}),
                    ("today", {"due": "today"}),
                )
            }
            seen[zone] = (rows, len(overdue), {k: len(v) for k, v in filtered.items()})
    kiritimati, pago = seen["Pacific/Kiritimati"], seen["Pacific/Pago_Pago"]
    assert kiritimati[0] == {
        "Due the 22nd": "Overdue · 1 day",
        "Due the 22nd at 23:00": "Overdue · 1 day",
    }
    assert kiritimati[1] == 2 and kiritimati[2] == {"overdue": 2, "today": 0}
    assert pago[0] == {"Due the 22nd": "Tomorrow", "Due the 22nd at 23:00": "Tomorrow 23:00"}
    assert pago[1] == 0 and pago[2] == {"overdue": 0, "today": 0}


def test_a_timed_daily_task_keeps_its_local_time_across_a_dst_change(
    client: Client, me: User, engine: Engine
) -> None:
    from zoneinfo import ZoneInfo

    from icalendar import Calendar

    # Europe/Paris (me's zone) moves from UTC+1 to UTC+2 on 29 March 2026.
    task = add(
        engine,
        me.id,
        "Pills",
        due_date=date(2026, 3, 28),
        due_time=time(9, 0),
        recurrence="FREQ=DAILY",
    )
    submit(client, "/tasks", f"/tasks/{task.id}/toggle", {})
    following = next(t for t in all_tasks(engine) if t.status == "pending")
    assert (following.due_date, following.due_time) == (date(2026, 3, 29), time(9, 0))

    submit(client, "/account", "/account/calendar", {"action": "on"})
    path = re.search(r'(/calendar/[^"]+\.ics)', client.get("/account").text)
    assert path
    [event] = Calendar.from_ical(client.get(path.group(1)).content).walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == datetime(2026, 3, 29, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert start.utcoffset() == timedelta(hours=2)  # summer time: still 09:00 on the wall


def test_a_quick_add_form_submitted_twice_creates_one_task(
    client: Client, me: User, engine: Engine
) -> None:
    page = client.get("/tasks").text
    token = re.search(r'id="quick-add".*?name="form_token" value="([^"]+)"', page, re.S)
    assert token
    form = {"_csrf_token": csrf_token(page), "form_token": token.group(1), "quick": "Once"}
    for _ in range(2):
        assert client.post("/tasks", data=form, follow_redirects=False).status_code == 303
    assert [t.title for t in all_tasks(engine)] == ["Once"]


def test_seed_fills_the_database_with_demo_users_who_can_sign_in(
    db_url: str, engine: Engine, client: Client
) -> None:
    import os
    import subprocess
    import sys

    from sqlalchemy import func

    from tests.conftest import ROOT, TEST_SECRET

    env = os.environ | {"DATABASE_URL": db_url, "SECRET_KEY": TEST_SECRET}
    command = [sys.executable, "-m", "app", "seed", "--users", "3", "--tasks-per-user", "40"]
    result = subprocess.run(  # noqa: S603
        [*command, "--heavy-user-tasks", "120"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Seeded 4 users, 240 tasks" in result.stdout
    with Session(engine) as session:
        per_user = dict(
            session.execute(
                select(User.email, func.count(Task.id)).join(Task).group_by(User.email)
            ).all()
        )
        statuses = set(session.scalars(select(Task.status)))
        recurring = session.scalar(select(func.count()).where(Task.recurrence != ""))
    assert per_user == {
        "user1@example.com": 40,
        "user2@example.com": 40,
        "user3@example.com": 40,
        "heavy@example.com": 120,
    }
    assert statuses == {"pending", "completed"} and recurring
    assert sign_in(client, "user2@example.com", "password-1234").status_code == 303
    page = client.get("/tasks?status=all")
    assert 'data-total="40"' in page.text
    again = subprocess.run(  # noqa: S603
        command, cwd=ROOT, capture_output=True, text=True, env=env, timeout=120
    )
    assert again.returncode != 0 and "exist already" in again.stderr


# --- one date style, in the user's zone -----------------------------------------------------


@pytest.mark.parametrize(
    ("due", "label"),
    [
        (date(2026, 12, 4), "Today"),
        (date(2026, 12, 5), "Tomorrow"),
        (date(2026, 12, 9), "Wed"),
        (date(2026, 12, 24), "Thu 24 Dec"),
        (date(2027, 1, 8), "Fri 8 Jan 2027"),
    ],
)
def test_a_due_date_is_written_day_first(due: date, label: str) -> None:
    from app.tasks.dates import LocalNow, relative_due

    now = LocalNow(today=date(2026, 12, 4), time=time(8))
    assert relative_due(status="pending", due_date=due, due_time=None, now=now) == label
    assert (
        relative_due(status="pending", due_date=due, due_time=time(9), now=now) == label + " 09:00"
    )


def test_rows_flashes_detail_and_trash_write_dates_alike_in_the_users_zone(
    settings: object,
) -> None:
    from app.main import create_app

    # 13:05 UTC on Friday 4 December is 14:05 in Paris.
    app = create_app(settings, clock=lambda: datetime(2026, 12, 4, 13, 5, tzinfo=UTC))  # type: ignore[arg-type]
    engine = app.state.engine
    user = create_account(engine, "paris@example.com", timezone="Europe/Paris")
    party = add(engine, user.id, "Party", due_date=date(2026, 12, 24), due_time=time(12))
    plants = add(engine, user.id, "Plants", due_date=date(2026, 12, 4), recurrence="FREQ=WEEKLY")
    old = add(engine, user.id, "Old")
    with TestClient(app=app) as client:
        sign_in(client, user.email)
        row = re.search(
            rf'data-task-id="{party.id}".*?<time[^>]*>([^<]+)</time>',
            client.get("/tasks").text,
            re.S,
        )
        assert row and row[1] == "Thu 24 Dec 12:00"
        detail = client.get(f"/tasks/{party.id}").text
        assert '<time datetime="2026-12-24T12:00">Thu 24 Dec 12:00</time>' in detail

        submit(client, "/tasks", f"/tasks/{plants.id}/toggle", {})
        assert "Next one due Fri 11 Dec." in client.get("/tasks").text
        detail = client.get(f"/tasks/{plants.id}").text
        assert re.search(
            r'completed <time datetime="2026-12-04T13:05[^"]*">Fri 4 Dec 14:05</time>', detail
        )

        submit(client, "/tasks", f"/tasks/{old.id}/delete", {})
        trash = client.get("/trash").text
        assert re.search(
            r'Deleted <time datetime="2026-12-04T13:05[^"]*">Fri 4 Dec 14:05</time>', trash
        )
        for page in (client.get("/tasks").text, detail, trash):
            assert not re.search(
                r"\b(Dec|Nov) \d{1,2}(?![\d:])|\d{4}-\d\d-\d\d [0-2]\d:|UTC\)", page
            )

"""Hostile input never reaches a 5xx, and a 4xx writes nothing (SPEC §5, §6, §10).

First the exact inputs an attacker used against an earlier version, then a property test that
posts arbitrary Unicode and huge numbers into every form field and query parameter of
SPEC §4–§5 and into the import.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.models import Task, User
from tests.factories import add_task
from tests.web import create_account, csrf_token, sign_in

Client = TestClient[Litestar]

# Tables holding what people own; throttle attempts and session bookkeeping are meant to change.
USER_DATA = ("users", "tasks", "tags", "task_tags", "conversations", "messages")


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            table: sorted(
                (tuple(map(str, row)) for row in conn.execute(text(f"SELECT * FROM {table}"))),  # noqa: S608 - fixed names
            )
            for table in USER_DATA
        }


@pytest.fixture
def me(client: Client, engine: Engine) -> User:
    user = create_account(engine, "me@example.com")
    assert sign_in(client, "me@example.com").status_code == 303
    return user


@pytest.fixture
def token(client: Client, me: User) -> str:
    return csrf_token(client.get("/tasks").text)


def post(client: Client, path: str, token: str, fields: dict[str, Any]) -> int:
    response = client.post(path, data={"_csrf_token": token, **fields}, follow_redirects=False)
    return response.status_code


def upload(client: Client, token: str, content: bytes, confirm: str = "") -> int:
    response = client.post(
        "/import",
        data={"_csrf_token": token, "confirm": confirm},
        files={"file": ("tasks.csv", content, "text/csv")},
        follow_redirects=False,
    )
    return response.status_code


# --- what the attacker tried ------------------------------------------------------------------

SUPERSCRIPT_TWO, ARABIC_THREE = "²", "٣"  # str.isdigit() says yes; int() fails or reads 3
HUGE = "9" * 5000


@pytest.mark.parametrize(
    ("query", "status"),
    [
        (f"page={SUPERSCRIPT_TWO}", 400),
        (f"per_page={SUPERSCRIPT_TWO}", 400),
        (f"page={ARABIC_THREE}", 400),
        ("page=0", 400),
        ("page=-1", 400),
        (f"page={HUGE}", 200),  # a page past the end shows the last page
        (f"per_page={HUGE}", 200),  # clamped to 100
    ],
)
def test_list_parameters_with_unicode_or_huge_numbers(
    client: Client, me: User, query: str, status: int
) -> None:
    response = client.get(f"/tasks?{query}")
    assert response.status_code == status
    if status == 400:
        assert query.split("=")[0] in response.text  # the message names the parameter


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("estimated_hours", SUPERSCRIPT_TWO),
        ("estimated_hours", ARABIC_THREE),
        ("estimated_hours", HUGE),
        ("due_date", "9999-12-31"),
        ("due_date", "0001-01-01"),
        ("due_date", "２０２６-01-01"),  # full-width digits
        ("due_time", "０９:３０"),
    ],
)
def test_task_form_numbers_and_dates_outside_the_rules(
    client: Client, me: User, engine: Engine, token: str, field: str, value: str
) -> None:
    before = snapshot(engine)
    fields = {"title": "Hostile", "due_date": "2026-12-01", field: value}
    assert post(client, "/tasks", token, fields) == 400
    assert snapshot(engine) == before
    task = add_task(engine, me.id, "Existing")
    before = snapshot(engine)
    edit = {**fields, "version": "1"}
    assert post(client, f"/tasks/{task.id}/edit", token, edit) == 400
    assert snapshot(engine) == before


@pytest.mark.parametrize("version", [SUPERSCRIPT_TWO, "9" * 30, "-1", "0", ""])
def test_edit_with_a_hostile_version(
    client: Client, me: User, engine: Engine, token: str, version: str
) -> None:
    task = add_task(engine, me.id, "Versioned")
    before = snapshot(engine)
    assert post(client, f"/tasks/{task.id}/edit", token, {"title": "X", "version": version}) == 400
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 1000 + b"]" * 1000,
        b'[{"title": "x", "estimated_hours": ' + HUGE.encode() + b"}]",
        b'[{"title": "x", "estimated_hours": NaN}]',
        b'{"tasks": [{"title": "x", "estimated_hours": 1e999}]}',
    ],
    ids=["deeply-nested", "5000-digit-number", "NaN", "huge-float"],
)
def test_hostile_json_imports_are_refused_whole(
    client: Client, me: User, engine: Engine, token: str, content: bytes
) -> None:
    before = snapshot(engine)
    assert upload(client, token, content, confirm="all") in {200, 400}
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("estimated_hours", SUPERSCRIPT_TWO),
        ("completed_at", "9999-12-31T23:59:59-23:59"),
        ("completed_at", "0001-01-01T00:00:00+23:59"),
        ("due_date", "9999-12-31"),
    ],
)
@pytest.mark.parametrize("confirm", ["all", "valid"])
def test_hostile_csv_rows_are_rejected_and_nothing_half_written(
    client: Client, me: User, engine: Engine, token: str, column: str, value: str, confirm: str
) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["title", "status", column])
    writer.writeheader()
    writer.writerow({"title": "Hostile row", "status": "completed", column: value})
    before = snapshot(engine)
    status = upload(client, token, out.getvalue().encode(), confirm=confirm)
    assert status == 400  # nothing valid to import, or a rejected row without confirm=valid
    assert snapshot(engine) == before


def test_rows_stored_before_dates_were_bounded_do_not_break_anything(
    client: Client, me: User, engine: Engine, token: str
) -> None:
    """A repeating task due 9999-12-31 (an import of an earlier version let it in)."""
    with Session(engine) as session:
        edge = Task(user_id=me.id, title="End of time", due_date=date(9999, 12, 31))
        edge.recurrence = "FREQ=DAILY"
        other = Task(user_id=me.id, title="Ordinary", due_date=date(2026, 12, 1))
        session.add_all([edge, other])
        session.commit()
        edge_id, other_id = edge.id, other.id
    assert post(client, f"/tasks/{edge_id}/toggle", token, {}) == 303
    assert post(client, f"/tasks/{edge_id}/toggle", token, {}) == 303  # reopen
    bulk = {"action": "complete", "ids": [str(edge_id), str(other_id)]}
    assert post(client, "/tasks/bulk", token, bulk) == 303
    assert client.get("/tasks?status=all").status_code == 200
    submit_feed = post(client, "/account/calendar", token, {"action": "on"})
    assert submit_feed == 303
    page = client.get("/account").text
    feed = page.split("/calendar/", 1)[1].split(".ics", 1)[0]
    assert client.get(f"/calendar/{feed}.ics").status_code == 200


# --- properties: anything at all in any field -------------------------------------------------

NASTY = [
    SUPERSCRIPT_TWO,
    ARABIC_THREE,
    HUGE,
    "9" * 30,
    "-1",
    "0",
    "1e309",
    "NaN",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "24:00",
    "\x00",
    "\u202e",
    "\ud7ff\ufeff",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "a" * 5001,
    " ",
    "%00",
    "../../etc/passwd",
    "//evil.example",
]
anything = st.one_of(
    st.text(max_size=40),
    st.sampled_from(NASTY),
    st.integers().map(str),
    st.integers(min_value=20, max_value=6000).map(lambda n: "9" * n),
)
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

LIST_PARAMS = ("status", "priority", "tag", "q", "due", "sort", "order", "page", "per_page")
TASK_FIELDS = (
    "title",
    "description",
    "priority",
    "due_date",
    "due_time",
    "tags",
    "estimated_hours",
    "recurrence",
    "form_token",
)


def check(client: Client, engine: Engine, send: Any) -> None:
    before = snapshot(engine)
    status = send()
    assert status < 500
    if 400 <= status < 500:
        assert snapshot(engine) == before


@PROPERTY
@given(params=st.dictionaries(st.sampled_from(LIST_PARAMS), anything))
def test_any_list_parameters(
    client: Client, me: User, engine: Engine, params: dict[str, str]
) -> None:
    for htmx in ({}, {"HX-Request": "true"}):
        check(
            client,
            engine,
            lambda htmx=htmx: client.get("/tasks", params=params, headers=htmx).status_code,
        )


@PROPERTY
@given(fields=st.dictionaries(st.sampled_from((*TASK_FIELDS, "quick")), anything))
def test_any_create_form(
    client: Client, me: User, engine: Engine, token: str, fields: dict[str, str]
) -> None:
    check(client, engine, lambda: post(client, "/tasks", token, fields))


@PROPERTY
@given(fields=st.dictionaries(st.sampled_from((*TASK_FIELDS, "version")), anything))
def test_any_edit_form(
    client: Client, me: User, engine: Engine, token: str, fields: dict[str, str]
) -> None:
    task = add_task(engine, me.id, "Target")
    check(client, engine, lambda: post(client, f"/tasks/{task.id}/edit", token, fields))


@PROPERTY
@given(
    action=anything | st.sampled_from(["complete", "reopen", "delete"]),
    ids=st.lists(anything | st.uuids().map(str), max_size=5),
    next_=anything,
)
def test_any_bulk_action_and_toggle(
    client: Client, me: User, engine: Engine, token: str, action: str, ids: list[str], next_: str
) -> None:
    task = add_task(engine, me.id, "Target")
    fields = {"action": action, "ids": ids, "next": next_}
    check(client, engine, lambda: post(client, "/tasks/bulk", token, fields))
    check(client, engine, lambda: post(client, f"/tasks/{task.id}/toggle", token, {"next": next_}))


@PROPERTY
@given(
    profile=st.dictionaries(st.sampled_from(("name", "timezone", "theme", "date_order")), anything),
    passwords=st.dictionaries(st.sampled_from(("current_password", "new_password")), anything),
)
def test_any_account_form(
    client: Client,
    me: User,
    engine: Engine,
    token: str,
    profile: dict[str, str],
    passwords: dict[str, str],
) -> None:
    check(client, engine, lambda: post(client, "/account", token, profile))
    check(client, engine, lambda: post(client, "/account/password", token, passwords))
    check(
        client,
        engine,
        lambda: post(
            client, "/account/delete", token, {"password": passwords.get("new_password", "")}
        ),
    )


@PROPERTY
@given(
    fields=st.dictionaries(
        st.sampled_from(("name", "email", "password", "timezone", "next")), anything
    )
)
def test_any_signed_out_form(new_client: Any, engine: Engine, fields: dict[str, str]) -> None:
    browser = new_client()
    token = csrf_token(browser.get("/signup").text)
    for path in ("/signup", "/signin", "/password/forgot"):
        check(browser, engine, lambda path=path: post(browser, path, token, fields))


@PROPERTY
@given(
    rows=st.lists(
        st.dictionaries(st.sampled_from((*TASK_FIELDS, "status", "completed_at")), anything),
        max_size=4,
    ),
    as_json=st.booleans(),
    confirm=st.sampled_from(["", "all", "valid"]),
    raw=st.none() | st.binary(max_size=200),
)
def test_any_import(
    client: Client,
    me: User,
    engine: Engine,
    token: str,
    rows: list[dict[str, str]],
    as_json: bool,
    confirm: str,
    raw: bytes | None,
) -> None:
    if raw is not None:
        content = raw
    elif as_json:
        content = json.dumps({"tasks": rows}).encode()
    else:
        out = io.StringIO()
        writer = csv.DictWriter(
            out, fieldnames=["title", *{k for r in rows for k in r} - {"title"}]
        )
        writer.writeheader()
        writer.writerows(rows)
        content = out.getvalue().encode("utf-8", "surrogatepass")
    check(client, engine, lambda: upload(client, token, content, confirm=confirm))


def test_the_snapshot_sees_a_write(client: Client, me: User, engine: Engine, token: str) -> None:
    """The property tests above are only as good as this: a change shows in the snapshot."""
    before = snapshot(engine)
    assert post(client, "/tasks", token, {"title": f"Seen {uuid.uuid4()}"}) == 303
    assert snapshot(engine) != before

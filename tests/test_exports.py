"""Export to JSON and CSV, and import either back without loss."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from datetime import UTC, date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.exports.formats import _nesting_depth, from_spreadsheet_safe, spreadsheet_safe
from app.models import Tag, Task, TaskInput, TaskTag, User
from app.tasks.service import create_task
from tests.web import create_account, csrf_token, sign_in

Client = TestClient[Litestar]
KEPT = (
    "title",
    "description",
    "status",
    "priority",
    "due_date",
    "due_time",
    "estimated_hours",
    "recurrence",
    "tags",
)


@pytest.fixture
def me(client: Client, engine: Engine) -> User:
    user = create_account(engine, "me@example.com")
    sign_in(client, "me@example.com")
    return user


def seed(engine: Engine, owner: uuid.UUID) -> None:
    with Session(engine) as session:
        create_task(
            session,
            owner_id=owner,
            data=TaskInput(
                title='Quote "this", please',
                description="Line 1\nLine 2, with comma\tand tab",
                priority="high",
                due_date=date(2026, 12, 24),
                due_time=time(9, 30),
                tags=["bills", "Ünïcode"],
                estimated_hours=3,
                recurrence="FREQ=MONTHLY;INTERVAL=2;UNTIL=20271231",
            ),
        )
        done = create_task(session, owner_id=owner, data=TaskInput(title="Café ☕ done"))
        done.status, done.completed_at = "completed", datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
        trashed = create_task(session, owner_id=owner, data=TaskInput(title="In the Trash"))
        trashed.deleted_at = datetime.now(UTC)
        session.commit()


def snapshot(engine: Engine, owner: uuid.UUID) -> list[dict[str, object]]:
    with Session(engine) as session:
        tasks = session.scalars(
            select(Task)
            .where(Task.user_id == owner, Task.deleted_at.is_(None))
            .order_by(Task.title)
        ).all()
        result = []
        for t in tasks:
            tags = sorted(
                session.scalars(
                    select(Tag.name)
                    .join(TaskTag, TaskTag.tag_id == Tag.id)
                    .where(TaskTag.task_id == t.id)
                )
            )
            result.append(
                {k: getattr(t, k) for k in KEPT if k != "tags"}
                | {"tags": tags, "completed_at": t.completed_at}
            )
        return result


def test_json_export_has_every_field_and_no_trash(client: Client, me: User, engine: Engine) -> None:
    seed(engine, me.id)
    other = create_account(engine, "other@example.com")
    seed(engine, other.id)
    response = client.get("/export/tasks.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    tasks = response.json()["tasks"]
    assert [t["title"] for t in tasks] == ['Quote "this", please', "Café ☕ done"]
    first = tasks[0]
    assert set(first) >= {
        "id",
        "title",
        "description",
        "status",
        "priority",
        "due_date",
        "due_time",
        "completed_at",
        "estimated_hours",
        "recurrence",
        "tags",
        "created_at",
        "updated_at",
    }
    assert (first["due_date"], first["due_time"], first["tags"]) == (
        "2026-12-24",
        "09:30",
        ["bills", "Ünïcode"],
    )
    assert tasks[1]["completed_at"].startswith("2026-11-01T08:00:00")


def test_csv_export_quotes_correctly_in_utf8(client: Client, me: User, engine: Engine) -> None:
    seed(engine, me.id)
    response = client.get("/export/tasks.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))
    assert rows[0]["title"] == 'Quote "this", please'
    assert rows[0]["description"] == "Line 1\nLine 2, with comma\tand tab"
    assert rows[0]["tags"] == "bills, Ünïcode"
    assert rows[1]["title"] == "Café ☕ done" and rows[1]["status"] == "completed"


def post_import(client: Client, content: bytes, filename: str, **fields: str) -> object:
    token = csrf_token(client.get("/import").text)
    return client.post(
        "/import",
        data={"_csrf_token": token, **fields},
        files={"file": (filename, content, "application/octet-stream")},
        follow_redirects=False,
    )


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_an_export_imports_back_without_loss(
    client: Client, me: User, engine: Engine, new_client: object, kind: str
) -> None:
    seed(engine, me.id)
    exported = client.get(f"/export/tasks.{kind}").content
    twin = create_account(engine, "twin@example.com")
    browser = new_client()  # type: ignore[operator]
    sign_in(browser, "twin@example.com")

    preview = post_import(browser, exported, f"tasks.{kind}")
    assert preview.status_code == 200  # type: ignore[attr-defined]
    assert "2</strong> tasks ready to import" in preview.text  # type: ignore[attr-defined]
    assert snapshot(engine, twin.id) == []  # a preview writes nothing

    done = post_import(browser, exported, f"tasks.{kind}", confirm="all")
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert snapshot(engine, twin.id) == snapshot(engine, me.id)


BAD_ROWS = json.dumps(
    [
        {"title": "Fine"},
        {"title": "", "priority": "high"},
        {"title": "Bad date", "due_date": "2026-13-01"},
        {"title": "Odd status", "status": "archived"},
    ]
).encode()


def test_the_preview_reports_rejected_rows_and_why(
    client: Client, me: User, engine: Engine
) -> None:
    response = post_import(client, BAD_ROWS, "tasks.json")
    text = response.text  # type: ignore[attr-defined]
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert re.search(r'data-line="2">Row 2: title: Title is required', text)
    assert re.search(r'data-line="3">Row 3 \(“Bad date”\): due date: Enter a date', text)
    assert re.search(r'data-line="4">Row 4 \(“Odd status”\): status: Status must be', text)
    assert snapshot(engine, me.id) == []


def test_nothing_is_written_unless_all_valid_or_valid_rows_chosen(
    client: Client, me: User, engine: Engine
) -> None:
    refused = post_import(client, BAD_ROWS, "tasks.json", confirm="all")
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "Nothing was imported" in refused.text  # type: ignore[attr-defined]
    assert snapshot(engine, me.id) == []

    chosen = post_import(client, BAD_ROWS, "tasks.json", confirm="valid")
    assert chosen.status_code == 303  # type: ignore[attr-defined]
    assert [t["title"] for t in snapshot(engine, me.id)] == ["Fine"]
    assert "Imported 1 task. Skipped 3 rows with problems." in client.get("/tasks?status=all").text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"{not json", "malformed"),
        (b'{"tasks": 5}', "must be a list"),
        (b"name,when\nx,y\n", "no &#39;title&#39; column"),
    ],
)
def test_unreadable_files_are_a_400(
    client: Client, me: User, engine: Engine, content: bytes, message: str
) -> None:
    response = post_import(client, content, "upload.bin", confirm="all")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert message in response.text  # type: ignore[attr-defined]
    assert snapshot(engine, me.id) == []


# --- spreadsheet-safe CSV (SPEC §9) -------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example","Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "'=already quoted",
    "''@twice",
]


def test_csv_export_neutralises_formulas(client: Client, me: User, engine: Engine) -> None:
    with Session(engine) as session:
        for title in FORMULAS:
            create_task(
                session, owner_id=me.id, data=TaskInput(title=title, description="=1+1\nsecond")
            )
        create_task(session, owner_id=me.id, data=TaskInput(title="'plain quote", tags=["x"]))
        session.commit()
    rows = list(csv.DictReader(io.StringIO(client.get("/export/tasks.csv").text, newline="")))
    cells = {row["title"]: row for row in rows}
    for title in FORMULAS:
        assert f"'{title}" in cells, title
        assert cells[f"'{title}"]["description"] == "'=1+1\nsecond"
    assert "'plain quote" in cells  # not formula-like: left exactly as it is
    # Nothing that a spreadsheet would run is left at the start of any cell.
    risky = [v for row in rows for v in row.values() if v[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert risky == []


def test_formula_like_text_survives_a_csv_round_trip_exactly(
    client: Client, me: User, engine: Engine, new_client: object
) -> None:
    titles = [*FORMULAS, "'plain quote", "''=x", "-", "plain"]
    with Session(engine) as session:
        for title in titles:
            create_task(session, owner_id=me.id, data=TaskInput(title=title, description=title))
        session.commit()
    exported = client.get("/export/tasks.csv").content
    twin = create_account(engine, "twin@example.com")
    browser = new_client()  # type: ignore[operator]
    sign_in(browser, "twin@example.com")
    assert post_import(browser, exported, "tasks.csv", confirm="all").status_code == 303  # type: ignore[attr-defined]
    assert snapshot(engine, twin.id) == snapshot(engine, me.id)
    assert sorted(t["title"] for t in snapshot(engine, twin.id)) == sorted(titles)


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab"), max_size=8))
def test_the_csv_prefix_is_removed_exactly(value: str) -> None:
    exported = spreadsheet_safe(value)
    assert exported[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert from_spreadsheet_safe(exported) == value


json_values = st.recursive(
    st.none() | st.integers() | st.text(alphabet='[]{}"\\ab', max_size=6),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(alphabet='[]{}"\\a', max_size=3), children, max_size=3)
    ),
    max_leaves=12,
)


def depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


@given(json_values)
def test_the_depth_check_agrees_with_the_parser(value: object) -> None:
    """Brackets, quotes and backslashes inside strings never count as nesting."""
    assert _nesting_depth(json.dumps(value)) == depth(value)

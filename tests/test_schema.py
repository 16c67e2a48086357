"""The database itself refuses bad rows and cascades deletes, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import Session

from app.db import create_db_engine
from app.models import (
    Attempt,
    Conversation,
    Message,
    Tag,
    Task,
    TaskTag,
    User,
    UserSession,
)
from tests.conftest import make_settings
from tests.factories import make_task, make_user

CHILD_TABLES = (Task, Tag, TaskTag, Conversation, Message, UserSession)


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def refused(engine: Engine, statement: object) -> None:
    """The statement, run on its own, is refused by the database and leaves nothing behind."""
    with engine.connect() as conn:
        with pytest.raises(
            (IntegrityError, DataError)
        ):  # PostgreSQL: varchar overflow is DataError
            conn.execute(statement)  # type: ignore[call-overload]
        conn.rollback()


def raw_user(email: str) -> object:
    return insert(User).values(
        id=uuid.uuid4(),
        email=email,
        password_hash="x",
        timezone="UTC",
        theme="system",
        created_at=datetime.now(UTC),
        updated_at=datetime.now(UTC),
    )


def raw_task(user_id: uuid.UUID | None, **overrides: object) -> object:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "user_id": user_id,
        "title": "Water the plants",
        "status": "pending",
        "priority": "medium",
        "recurrence": "",
        "version": 1,
        "created_at": datetime.now(UTC),
        "updated_at": datetime.now(UTC),
    }
    values.update(overrides)
    return insert(Task).values(**values)


@pytest.fixture
def user_id(engine: Engine) -> uuid.UUID:
    with Session(engine) as session:
        user = make_user(session, "owner@example.com")
        session.commit()
        return user.id


def test_email_is_unique_whatever_its_case(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(raw_user("bob@example.com"))
    refused(engine, raw_user("bob@example.com"))
    # A mixed-case address cannot slip past the unique index: the database wants it lower-cased.
    refused(engine, raw_user("Bob@Example.com"))
    assert count(engine, User) == 1


def test_a_task_needs_an_existing_user(engine: Engine) -> None:
    refused(engine, raw_task(None))
    refused(engine, raw_task(uuid.uuid4()))  # foreign key enforced (SQLite needs the pragma)
    assert count(engine, Task) == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"estimated_hours": 0},
        {"estimated_hours": 1001},
        {"priority": "urgent"},
        {"status": "archived"},
        {"recurrence": "x" * 256},
        {"title": ""},
        {"title": "x" * 201},
        {"description": "x" * 5001},
        {"due_time": time(9, 0)},  # a time without a date
        {"status": "completed"},  # completed without completed_at
        {"completed_at": datetime.now(UTC)},  # completed_at on a pending task
        {"version": 0},
    ],
    ids=lambda o: ",".join(f"{k}={str(v)[:12]}" for k, v in o.items()),
)
def test_out_of_range_task_values_are_refused(
    engine: Engine, user_id: uuid.UUID, overrides: dict[str, object]
) -> None:
    refused(engine, raw_task(user_id, **overrides))
    assert count(engine, Task) == 0


def test_boundary_task_values_are_accepted(engine: Engine, user_id: uuid.UUID) -> None:
    with engine.begin() as conn:
        conn.execute(raw_task(user_id, estimated_hours=1, title="x"))
        conn.execute(
            raw_task(user_id, estimated_hours=1000, title="y" * 200, description="z" * 5000)
        )
        conn.execute(
            raw_task(
                user_id,
                status="completed",
                completed_at=datetime.now(UTC),
                due_date=date(2026, 2, 28),
                due_time=time(23, 59),
            )
        )
    assert count(engine, Task) == 3


def test_tag_names_are_unique_per_user_case_insensitively(engine: Engine) -> None:
    with Session(engine) as session:
        alice, bob = make_user(session), make_user(session)
        session.add_all([Tag(user_id=alice.id, name="Bills"), Tag(user_id=bob.id, name="bills")])
        session.commit()
        session.add(Tag(user_id=alice.id, name="BILLS"))
        with pytest.raises(IntegrityError):
            session.commit()
    assert count(engine, Tag) == 2


def test_deleting_a_user_cascades_to_everything_they_own(engine: Engine) -> None:
    with Session(engine) as session:
        doomed, kept = make_user(session), make_user(session)
        for owner in (doomed, kept):
            task = make_task(session, owner, "Pay rent")
            tag = Tag(user_id=owner.id, name="bills")
            conversation = Conversation(user_id=owner.id, title="Chat")
            session.add_all([tag, conversation])
            session.flush()
            session.add_all(
                [
                    TaskTag(task_id=task.id, tag_id=tag.id),
                    Message(
                        conversation_id=conversation.id, user_id=owner.id, role="user", content="hi"
                    ),
                    UserSession(
                        user_id=owner.id,
                        token_hash=uuid.uuid4().hex * 2,
                        expires_at=datetime.now(UTC) + timedelta(days=1),
                    ),
                ]
            )
        session.commit()
        doomed_id, kept_id = doomed.id, kept.id

    # Plain SQL, not the ORM: the database itself must cascade.
    with engine.begin() as conn:
        conn.execute(delete(User).where(User.id == doomed_id))

    for model in CHILD_TABLES:
        assert count(engine, model) == 1, model.__tablename__
    with Session(engine) as session:
        assert session.scalar(select(func.count()).where(Task.user_id == doomed_id)) == 0
        assert session.scalar(select(Task.user_id)) == kept_id


def test_deleting_a_task_or_tag_removes_its_links(engine: Engine, user_id: uuid.UUID) -> None:
    with Session(engine) as session:
        owner = session.get_one(User, user_id)
        task, other = make_task(session, owner), make_task(session, owner)
        tag = Tag(user_id=owner.id, name="home")
        session.add(tag)
        session.flush()
        session.add_all(
            [TaskTag(task_id=task.id, tag_id=tag.id), TaskTag(task_id=other.id, tag_id=tag.id)]
        )
        session.commit()
        task_id, tag_id = task.id, tag.id
    with engine.begin() as conn:
        conn.execute(delete(Task).where(Task.id == task_id))
    assert count(engine, TaskTag) == 1
    with engine.begin() as conn:
        conn.execute(delete(Tag).where(Tag.id == tag_id))
    assert count(engine, TaskTag) == 0
    assert count(engine, Task) == 1


def attempt_at(moment: datetime) -> Attempt:
    return Attempt(kind="password", subject="a@example.com", created_at=moment, updated_at=moment)


def test_timestamps_come_back_aware_and_in_utc(engine: Engine, user_id: uuid.UUID) -> None:
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/Paris"))
    with Session(engine) as session:
        session.add(attempt_at(moment))
        session.commit()
    with Session(engine) as session:
        stored = session.scalar(select(Attempt.created_at))
    assert stored is not None
    assert stored.utcoffset() == timedelta(0)
    assert stored == moment


def test_naive_datetimes_are_refused_before_reaching_the_database(
    engine: Engine, user_id: uuid.UUID
) -> None:
    naive = datetime(2026, 1, 1)  # noqa: DTZ001 - the point of the test
    with Session(engine) as session:
        session.add(attempt_at(naive))
        with pytest.raises(Exception, match="naive"):
            session.commit()


def test_ids_are_time_ordered_uuids(engine: Engine) -> None:
    with Session(engine) as session:
        first, second = make_user(session), make_user(session)
    assert first.id.version == 7
    assert first.id < second.id


def test_foreign_keys_are_on_for_every_sqlite_connection(sqlite_template: Path) -> None:
    engine = create_db_engine(make_settings(f"sqlite:///{sqlite_template}"))
    try:
        connections = [engine.connect() for _ in range(3)]  # three distinct pooled connections
        assert all(c.execute(text("PRAGMA foreign_keys")).scalar() == 1 for c in connections)
        for conn in connections:
            conn.close()
    finally:
        engine.dispose()

"""One-line builders of rows for tests."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.models import Task, User


def make_user(session: Session, email: str | None = None, **fields: Any) -> User:
    user = User(
        email=email or f"user-{uuid.uuid4().hex[:8]}@example.com",
        password_hash=fields.pop("password_hash", "not-a-real-hash"),
        **fields,
    )
    session.add(user)
    session.flush()
    return user


def make_task(session: Session, user: User, title: str = "A task", **fields: Any) -> Task:
    task = Task(user_id=user.id, title=title, **fields)
    session.add(task)
    session.flush()
    return task


def add_task(engine: Engine, owner_id: uuid.UUID, title: str = "Task", **fields: Any) -> Task:
    """A committed task made by the app's own service (tags included)."""
    from app.models import TaskInput
    from app.tasks.service import create_task

    with Session(engine, expire_on_commit=False) as session:
        task = create_task(session, owner_id=owner_id, data=TaskInput(title=title, **fields))
        session.commit()
        return task

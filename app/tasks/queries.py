"""The one place task and tag queries of a user start from: everything here is scoped.

Selects start from `tasks_of` / `trash_of` / `tags_of_user`; updates and deletes take their
WHERE clause from `live_task` / `trashed_task`. A handler never writes its own predicate.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from litestar.exceptions import NotFoundException
from sqlalchemy import BindParameter, ColumnElement
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.db import fold
from app.models import Tag, Task, TaskTag

TRASH_PAGE_SIZE = 200

# A user id, or the bound parameter that stands for one in a statement built once and run
# for many users (app.tasks.listing): executing it without a value for the parameter fails.
UserId = uuid.UUID | BindParameter[uuid.UUID]


def live_task(user_id: UserId) -> tuple[ColumnElement[bool], ...]:
    """The predicate of the user's live tasks (not in the Trash)."""
    return col(Task.user_id) == user_id, col(Task.deleted_at).is_(None)


def trashed_task(user_id: UserId) -> tuple[ColumnElement[bool], ...]:
    """The predicate of the user's tasks in the Trash."""
    return col(Task.user_id) == user_id, col(Task.deleted_at).is_not(None)


def tasks_of(user_id: UserId) -> SelectOfScalar[Task]:
    """The user's live tasks (not in the Trash)."""
    return select(Task).where(*live_task(user_id))


def trash_of(user_id: UserId) -> SelectOfScalar[Task]:
    """The user's tasks in the Trash."""
    return select(Task).where(*trashed_task(user_id))


def any_task_of(user_id: UserId) -> SelectOfScalar[Task]:
    """All the user's tasks, in the Trash or not (a resubmitted form finds what it made)."""
    return select(Task).where(col(Task.user_id) == user_id)


def get_task(db: Session, user_id: uuid.UUID, task_id: uuid.UUID) -> Task:
    """The user's live task, or 404: missing, someone else's and trashed look the same."""
    task = db.scalars(tasks_of(user_id).where(col(Task.id) == task_id)).first()
    if task is None:
        raise NotFoundException("That task does not exist.")
    return task


def trashed_tasks(db: Session, user_id: uuid.UUID, *, since: datetime) -> list[Task]:
    """The Trash page: the user's tasks deleted since a moment, most recent first (older
    ones await the scheduled purge and are no longer shown)."""
    statement = (
        trash_of(user_id)
        .where(col(Task.deleted_at) >= since)
        .order_by(col(Task.deleted_at).desc(), col(Task.id).desc())
    )
    return list(db.scalars(statement.limit(TRASH_PAGE_SIZE)))


def tags_of_user(user_id: UserId) -> SelectOfScalar[Tag]:
    """The user's tags."""
    return select(Tag).where(col(Tag.user_id) == user_id)


def tags_of(db: Session, user_id: uuid.UUID, task_id: uuid.UUID) -> list[str]:
    """The names of one of the user's tasks' tags (none for anyone else's task)."""
    statement = (
        tags_of_user(user_id)
        .join(TaskTag, col(TaskTag.tag_id) == col(Tag.id))
        .where(col(TaskTag.task_id) == task_id)
        .with_only_columns(col(Tag.name))
        .order_by(fold(col(Tag.name)))
    )
    return [str(name) for name in db.scalars(statement)]

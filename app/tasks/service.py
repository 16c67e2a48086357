"""Task rules: create, edit with optimistic locking, toggle, move to the Trash, tag."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from litestar.exceptions import NotFoundException
from sqlalchemy import and_, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.db import fold
from app.errors import Conflict
from app.models import Status, Tag, Task, TaskInput, TaskTag
from app.tasks import rules
from app.tasks.queries import (
    any_task_of,
    get_task,
    live_task,
    tags_of_user,
    tasks_of,
    trash_of,
    trashed_task,
)


class StaleVersion(Conflict):
    detail = "This task was changed elsewhere since you opened it. Nothing was saved."


def create_task(
    db: Session,
    *,
    owner_id: uuid.UUID,
    data: TaskInput,
    form_token: str | None = None,
    completed_at: datetime | None = None,
) -> Task:
    """A new task (already completed at `completed_at`, when given: an import). A form_token
    already used by this user returns the task it created instead, so a form submitted twice
    (double click, retry, parallel posts) makes one task: the unique index on
    (user_id, form_token) decides, for sequential and simultaneous posts alike."""
    task = Task(user_id=owner_id, form_token=form_token or None, **data.columns())
    if completed_at is not None:
        task.status, task.completed_at = Status.completed, completed_at
    try:
        with db.begin_nested():  # a repeat of the same form may have inserted first
            db.add(task)
    except IntegrityError:
        if form_token and (existing := _task_of_form(db, owner_id, form_token)):
            return existing
        raise
    set_tags(db, task=task, names=data.tags)
    return task


def _task_of_form(db: Session, owner_id: uuid.UUID, form_token: str) -> Task | None:
    return db.scalars(any_task_of(owner_id).where(col(Task.form_token) == form_token)).first()


def update_task(
    db: Session, *, owner_id: uuid.UUID, task_id: uuid.UUID, version: int, data: TaskInput
) -> Task:
    """Apply the edit only if nobody changed the task since `version` was read (else 409)."""
    task = get_task(db, owner_id, task_id)  # 404 first: missing, foreign, trashed look alike
    result = db.execute(
        update(Task)
        .where(*live_task(owner_id), col(Task.id) == task_id, col(Task.version) == version)
        .values(**data.columns(), version=col(Task.version) + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleVersion()
    set_tags(db, task=task, names=data.tags)
    db.refresh(task)  # the UPDATE went around the ORM
    return task


def toggle_task(
    db: Session, *, owner_id: uuid.UUID, task_id: uuid.UUID, now: datetime
) -> tuple[Task, Task | None]:
    """Complete or reopen. Completing a repeating task also creates its next occurrence, in
    the same transaction; reopening takes that occurrence back while nobody has touched it.
    Returns the task and any new one."""
    task = get_task(db, owner_id, task_id)
    if task.status == Status.completed:
        reopen(db, task)
        db.flush()
        return task, None
    return task, complete(db, task, now=now)


def reopen(db: Session, task: Task) -> None:
    """Back to pending. A repeating task's next occurrence, made when this one was completed,
    goes with it if it is still pending and unedited (version 1), as Undo does."""
    task.status, task.completed_at = Status.pending, None
    task.version += 1
    if task.series_id is None or not task.recurrence or task.due_date is None:
        return
    try:
        upcoming = rules.next_occurrence(task.recurrence, task.due_date)
    except rules.RuleError:
        return
    if upcoming is not None:
        db.execute(
            delete(Task).where(
                *live_task(task.user_id),
                col(Task.series_id) == task.series_id,
                col(Task.due_date) == upcoming[0],
                col(Task.id) != task.id,
                col(Task.version) == 1,
                col(Task.status) == Status.pending,
            )
        )


def complete(db: Session, task: Task, *, now: datetime) -> Task | None:
    """Mark done; a repeating task gets its next occurrence (tags copied), which is returned.
    None when the series has ended (COUNT used up, UNTIL passed) or its next occurrence
    exists already (this one was completed, reopened and completed again)."""
    task.status, task.completed_at = Status.completed, now
    task.version += 1
    following = None
    if task.recurrence and task.due_date is not None:
        try:
            upcoming = rules.next_occurrence(task.recurrence, task.due_date)
        except rules.RuleError:  # not a rule the app can expand: it ends here
            upcoming = None
        if upcoming is None or _successor_exists(db, task, upcoming[0]):
            db.flush()
            return None
        next_due, next_rule = upcoming
        task.series_id = task.series_id or task.id
        following = Task(
            user_id=task.user_id,
            title=task.title,
            description=task.description,
            priority=task.priority,
            due_date=next_due,
            due_time=task.due_time,
            estimated_hours=task.estimated_hours,
            recurrence=next_rule,
            series_id=task.series_id,
        )
        db.add(following)
        db.flush()
        tag_ids = select(col(TaskTag.tag_id)).where(col(TaskTag.task_id) == task.id)
        for tag_id in db.scalars(tag_ids):
            db.add(TaskTag(task_id=following.id, tag_id=tag_id))
    db.flush()
    return following


def _successor_exists(db: Session, task: Task, next_due: date) -> bool:
    """Whether the series already has its occurrence on `next_due`: one with the same series
    key, or (made before series keys existed) one with the same title and no key."""
    same_series = (
        col(Task.series_id) == task.series_id
        if task.series_id is not None
        else and_(
            col(Task.series_id).is_(None), col(Task.title) == task.title, col(Task.recurrence) != ""
        )
    )
    statement = tasks_of(task.user_id).where(
        same_series, col(Task.due_date) == next_due, col(Task.id) != task.id
    )
    return db.scalars(statement.limit(1)).first() is not None


def trash_task(db: Session, *, owner_id: uuid.UUID, task_id: uuid.UUID, now: datetime) -> Task:
    task = get_task(db, owner_id, task_id)
    task.deleted_at = now
    db.flush()
    return task


BULK_ACTIONS = ("complete", "reopen", "delete")


@dataclass(frozen=True)
class Changed:
    """What an action changed, so that it can be undone: the tasks it acted on and the next
    occurrences that completing repeating ones created."""

    ids: list[uuid.UUID] = field(default_factory=list)
    created: list[uuid.UUID] = field(default_factory=list)


def bulk_update(
    db: Session, *, owner_id: uuid.UUID, action: str, task_ids: list[uuid.UUID], now: datetime
) -> Changed:
    """Apply an action to the caller's live tasks among `task_ids` (others are ignored)."""
    if action not in BULK_ACTIONS:
        raise ValueError(action)
    if not task_ids:
        return Changed()
    tasks = list(db.scalars(tasks_of(owner_id).where(col(Task.id).in_(task_ids))))
    changed = Changed()
    for task in tasks:
        if action == "delete":
            task.deleted_at = now
        elif action == "complete" and task.status == Status.pending:
            if following := complete(db, task, now=now):
                changed.created.append(following.id)
        elif action == "reopen" and task.status == Status.completed:
            reopen(db, task)
        else:
            continue
        changed.ids.append(task.id)
    db.flush()
    return changed


# The reverse of each action, for Undo: what it names, and what undoing it does.
UNDO_ACTIONS = {"delete": "restore", "complete": "reopen", "reopen": "complete"}


def undo(
    db: Session,
    *,
    owner_id: uuid.UUID,
    action: str,
    task_ids: list[uuid.UUID],
    created: list[uuid.UUID],
    now: datetime,
) -> int:
    """Reverse an action on the caller's tasks among `task_ids`: restore from the Trash,
    reopen (dropping the next occurrences it created, if nobody touched them since), or
    complete again. Returns how many tasks it changed back."""
    if action == "restore":
        tasks = list(db.scalars(trash_of(owner_id).where(col(Task.id).in_(task_ids))))
        for task in tasks:
            task.deleted_at = None
    else:
        wanted = Status.completed if action == "reopen" else Status.pending
        tasks = list(
            db.scalars(
                tasks_of(owner_id).where(col(Task.id).in_(task_ids), col(Task.status) == wanted)
            )
        )
        for task in tasks:
            if action == "reopen":
                reopen(db, task)
            else:
                complete(db, task, now=now)
        if action == "reopen" and created:
            db.execute(
                delete(Task).where(
                    *live_task(owner_id),
                    col(Task.id).in_(created),
                    col(Task.version) == 1,
                    col(Task.status) == Status.pending,
                )
            )
    db.flush()
    return len(tasks)


def restore_all(db: Session, *, owner_id: uuid.UUID, since: datetime) -> int:
    """Everything in the caller's Trash that the Trash page shows comes back."""
    result = db.execute(
        update(Task)
        .where(*trashed_task(owner_id), col(Task.deleted_at) >= since)
        .values(deleted_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


TRASH_DAYS = 30


def restore_task(db: Session, *, owner_id: uuid.UUID, task_id: uuid.UUID) -> Task:
    """Back from the Trash, unchanged; 404 unless it is in the caller's Trash."""
    task = db.scalars(trash_of(owner_id).where(col(Task.id) == task_id)).first()
    if task is None:
        raise NotFoundException("That task is not in your Trash.")
    task.deleted_at = None
    db.flush()
    return task


def empty_trash(db: Session, *, owner_id: uuid.UUID) -> int:
    result = db.execute(delete(Task).where(*trashed_task(owner_id)))
    return int(result.rowcount)  # type: ignore[attr-defined]


def purge_trash(db: Session, *, now: datetime) -> int:
    """Delete for good what everyone has had in the Trash for 30 days: the scheduled
    `python -m app purge-trash`, the one query across users (pages never purge: reads
    never write)."""
    statement = delete(Task).where(col(Task.deleted_at) < now - timedelta(days=TRASH_DAYS))
    return int(db.execute(statement).rowcount)  # type: ignore[attr-defined]


def set_tags(db: Session, *, task: Task, names: list[str]) -> None:
    """Link exactly these tags to a task found through the scoped queries (its owner's tags,
    created on first use, matched ignoring case)."""
    owner_id, task_id = task.user_id, task.id
    wanted = {name.lower(): name for name in names}
    existing = (
        {
            tag.name.lower(): tag
            for tag in db.scalars(
                tags_of_user(owner_id).where(fold(col(Tag.name)).in_(list(wanted)))
            )
        }
        if wanted
        else {}
    )
    for key, name in wanted.items():
        if key not in existing:
            existing[key] = _create_tag(db, owner_id=owner_id, name=name)
    db.execute(delete(TaskTag).where(col(TaskTag.task_id) == task_id))
    for key in wanted:
        db.add(TaskTag(task_id=task_id, tag_id=existing[key].id))
    db.flush()


def _create_tag(db: Session, *, owner_id: uuid.UUID, name: str) -> Tag:
    tag = Tag(user_id=owner_id, name=name)
    try:
        with db.begin_nested():  # another request may create the same tag at the same moment
            db.add(tag)
    except IntegrityError:
        found = db.scalars(
            tags_of_user(owner_id).where(fold(col(Tag.name)) == name.lower())
        ).first()
        if found is None:
            raise
        return found
    return tag

"""Read-only answers: what is due today, this week, next, overdue, tagged, found by words."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import ColumnElement
from sqlmodel import col

from app.assistant.replies import SHOWN, Reply, Section, how_many, listing, section, task_ref
from app.assistant.turn import Turn
from app.db import fold
from app.models import Status, Tag, Task, TaskTag
from app.tasks.listing import SEARCH_TEXT, overdue_condition
from app.tasks.queries import tags_of_user, tasks_of


def pending(turn: Turn, *conditions: ColumnElement[bool]) -> list[Task]:
    """The first SHOWN + 1 pending tasks meeting the conditions, in due order."""
    statement = (
        tasks_of(turn.user_id)
        .where(col(Task.status) == Status.pending, *conditions)
        .order_by(
            col(Task.due_date).asc().nulls_last(),
            col(Task.due_time).asc().nulls_last(),
            col(Task.id),
        )
    )
    return list(turn.db.scalars(statement.limit(SHOWN + 1)))


def show(turn: Turn, view: str, arg: str) -> Reply:
    today = turn.local.today
    if view == "today":
        return _today(turn)
    if view == "tomorrow":
        tasks = pending(turn, col(Task.due_date) == today + timedelta(days=1))
        return listing(tasks, "due tomorrow", "")
    if view == "week":
        week = col(Task.due_date).between(today, today + timedelta(days=6))
        return listing(pending(turn, week), "due this week", "due=week")
    if view == "next":
        tasks = pending(turn)[:5]
        if not tasks:
            return Reply("Nothing left to do. Enjoy!")
        return Reply("Next up:", [Section([task_ref(t) for t in tasks])])
    if view == "overdue":
        tasks = pending(turn, overdue_condition(turn.local.today, turn.local.time))
        return listing(tasks, "overdue", "status=overdue")
    if view == "pending":
        return listing(pending(turn), "to do", "")
    if view == "completed":
        statement = (
            tasks_of(turn.user_id)
            .where(col(Task.status) == Status.completed)
            .order_by(col(Task.completed_at).desc(), col(Task.id).desc())
        )
        tasks = list(turn.db.scalars(statement.limit(SHOWN + 1)))
        return listing(tasks, "completed", "status=completed", latest=True)
    if view == "tag":
        tagged = (
            tags_of_user(turn.user_id)
            .join(TaskTag, col(TaskTag.tag_id) == col(Tag.id))
            .where(col(TaskTag.task_id) == col(Task.id), fold(col(Tag.name)) == arg.lower())
            .exists()
        )
        return listing(pending(turn, tagged), f"tagged #{arg}", urlencode({"tag": arg}))
    if view == "priority":
        tasks = pending(turn, col(Task.priority) == arg)
        return listing(tasks, f"of {arg} priority", urlencode({"priority": arg}))
    return find(turn, arg)


def _today(turn: Turn) -> Reply:
    today = turn.local.today
    overdue = pending(turn, col(Task.due_date) < today)
    due = pending(turn, col(Task.due_date) == today)
    if not overdue and not due:
        return Reply("Nothing is due today, and nothing is overdue.")
    sections = []
    if overdue:
        sections.append(section(overdue, "Overdue", "status=overdue"))
    sections.append(section(due, "Due today" if due else "Due today: nothing", "due=today"))
    text = f"{how_many(due, 'task')} due today" + (
        f", and {how_many(overdue, 'overdue task')}." if overdue else "."
    )
    return Reply(text, sections)


def find(turn: Turn, words: str) -> Reply:
    statement = tasks_of(turn.user_id)
    for word in words.lower().split():
        statement = statement.where(fold(SEARCH_TEXT).contains(word, autoescape=True))
    statement = statement.order_by(
        col(Task.status).desc(),  # pending before completed
        col(Task.due_date).asc().nulls_last(),
        col(Task.id),
    )
    tasks = list(turn.db.scalars(statement.limit(SHOWN + 1)))
    if not tasks:
        return Reply(f"No task mentions “{words}”.")
    return listing(tasks, f"mention “{words}”", urlencode({"q": words, "status": "all"}))

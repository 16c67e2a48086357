"""Changes the assistant makes, through the task services the pages use (validation,
recurrence, Trash, version bumps), each reply remembering how to take its change back."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from typing import Any

from litestar.exceptions import NotFoundException
from pydantic import ValidationError

from app.assistant.queries import recent_replies
from app.assistant.replies import Reply, about, first_error, quoted
from app.assistant.turn import Turn
from app.models import DATE_MAX, DATE_MIN, TITLE_MAX, Priority, Status, Task, TaskFields, TaskInput
from app.tasks import service
from app.tasks.queries import get_task, tags_of
from app.tasks.quickadd import Parsed, summary


def add(turn: Turn, parsed: Parsed) -> Reply:
    if len(parsed.title) > TITLE_MAX:
        return Reply(f"A title can be at most {TITLE_MAX} characters. Nothing was added.")
    try:
        data = TaskInput(
            title=parsed.title,
            priority=parsed.priority or Priority.medium,
            due_date=parsed.due_date,
            due_time=parsed.due_time,
            estimated_hours=parsed.estimated_hours,
            recurrence=parsed.recurrence,
            tags=list(parsed.tags),
        )
    except ValidationError as error:
        return Reply(f"That task cannot be added: {first_error(error)}. Nothing was added.")
    task = service.create_task(turn.db, owner_id=turn.user_id, data=data)
    return about(task, f"Added {summary(parsed)}.", undo={"action": "add", "task": str(task.id)})


def do(turn: Turn, request: dict[str, Any], task: Task) -> Reply:
    """Carry out a request ("complete", "reopen", "delete", "move") on the task it found."""
    action = request["action"]
    if action == "complete":
        return complete(turn, task)
    if action == "reopen":
        return reopen(turn, task)
    if action == "delete":
        service.trash_task(turn.db, owner_id=turn.user_id, task_id=task.id, now=turn.now)
        return Reply(
            f"Moved {quoted(task)} to the Trash.", undo={"action": "delete", "task": str(task.id)}
        )
    return move(turn, task, request)


def complete(turn: Turn, task: Task) -> Reply:
    if task.status == Status.completed:
        return about(task, f"{quoted(task)} is already done.")
    task, following = service.toggle_task(
        turn.db, owner_id=turn.user_id, task_id=task.id, now=turn.now
    )
    undo = {"action": "complete", "task": str(task.id)}
    if following is None:
        return about(task, f"Completed {quoted(task)}.", undo=undo)
    undo["following"] = str(following.id)
    text = f"Completed {quoted(task)}. The next one is on your list:"
    return about(following, text, undo=undo)


def reopen(turn: Turn, task: Task) -> Reply:
    if task.status == Status.pending:
        return about(task, f"{quoted(task)} is not done yet.")
    service.toggle_task(turn.db, owner_id=turn.user_id, task_id=task.id, now=turn.now)
    return about(task, f"Reopened {quoted(task)}.", undo={"action": "reopen", "task": str(task.id)})


def move(turn: Turn, task: Task, request: dict[str, Any]) -> Reply:
    if request.get("by_days"):
        if task.due_date is None:
            return Reply(
                f"{quoted(task)} has no due date to postpone; say which day instead, "
                f"e.g. “move {task.title} to friday”."
            )
        new_date = task.due_date + timedelta(days=int(request["by_days"]))
        new_time = task.due_time
    else:
        new_date = date.fromisoformat(request["due_date"])
        given = request.get("due_time")
        new_time = time.fromisoformat(given) if given else task.due_time  # keep the time
    if not DATE_MIN <= new_date <= DATE_MAX:
        return Reply("That date is out of range; nothing was changed.")
    undo = {
        "action": "move",
        "task": str(task.id),
        "due_date": task.due_date.isoformat() if task.due_date else None,
        "due_time": task.due_time.strftime("%H:%M") if task.due_time else None,
    }
    moved = set_due(turn, task, new_date, new_time)
    if isinstance(moved, Reply):
        return moved
    return about(moved, f"Moved {quoted(moved)}:", undo=undo)


def set_due(turn: Turn, task: Task, due_date: date | None, due_time: time | None) -> Task | Reply:
    """Change only the due date and time, through the edit service (version bump, 409 rule)."""
    values = {name: getattr(task, name) for name in TaskFields.model_fields}
    values |= {"due_date": due_date, "due_time": due_time if due_date else None}
    data = TaskInput(**values, tags=tags_of(turn.db, turn.user_id, task.id))
    try:
        return service.update_task(
            turn.db, owner_id=turn.user_id, task_id=task.id, version=task.version, data=data
        )
    except service.StaleVersion:
        return Reply(f"{quoted(task)} changed elsewhere just now; nothing was changed.")


def undo(turn: Turn) -> Reply:
    """Take back the latest change of this conversation not taken back yet."""
    for message in recent_replies(turn.db, turn.user_id, turn.conversation.id):
        state = message.state or {}
        if state.get("undo") and not state.get("undone"):
            reply = _reverse(turn, state["undo"])
            message.state = {**state, "undone": True}  # a new dict: the ORM sees the change
            return reply
    return Reply("There is nothing of mine to undo in this conversation.")


def _reverse(turn: Turn, record: dict[str, Any]) -> Reply:
    action, task_id = record["action"], uuid.UUID(record["task"])
    db, user_id = turn.db, turn.user_id
    try:
        if action == "delete":
            task = service.restore_task(db, owner_id=user_id, task_id=task_id)
            return about(task, f"Restored {quoted(task)} from the Trash.")
        task = get_task(db, user_id, task_id)
    except NotFoundException:
        return Reply("That task is gone (deleted or purged), so there is nothing to undo.")
    if action == "add":
        service.trash_task(db, owner_id=user_id, task_id=task.id, now=turn.now)
        return Reply(f"Removed {quoted(task)} (it is in the Trash).")
    if action == "complete":
        if task.status == Status.completed:  # reopening takes back the untouched next one
            _toggle(turn, task)
        return about(task, f"Reopened {quoted(task)}.")
    if action == "reopen":
        if task.status == Status.pending:
            _toggle(turn, task)
        return about(task, f"Marked {quoted(task)} done again.")
    old_date = date.fromisoformat(record["due_date"]) if record.get("due_date") else None
    old_time = time.fromisoformat(record["due_time"]) if record.get("due_time") else None
    moved = set_due(turn, task, old_date, old_time)
    if isinstance(moved, Reply):
        return moved
    return about(moved, f"Moved {quoted(moved)} back:")


def _toggle(turn: Turn, task: Task) -> None:
    service.toggle_task(turn.db, owner_id=turn.user_id, task_id=task.id, now=turn.now)

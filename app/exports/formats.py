"""The export file formats, and reading one back into validated task rows."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col

from app.forms import parse_moment
from app.models import DATE_MAX, DATE_MIN, Status, Tag, Task, TaskInput, TaskTag
from app.tasks.forms import parse_task_form
from app.tasks.queries import tags_of_user, tasks_of

COLUMNS = (
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
)
MAX_ROWS = 10_000


def export_rows(db: Session, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every live task of the user (completed included, Trash excluded), oldest first."""
    tasks = list(db.scalars(tasks_of(user_id).order_by(col(Task.created_at), col(Task.id))))
    tags: dict[uuid.UUID, list[str]] = defaultdict(list)
    live_ids = tasks_of(user_id).with_only_columns(col(Task.id))
    for task_id, name in db.execute(
        tags_of_user(user_id)
        .join(TaskTag, col(TaskTag.tag_id) == col(Tag.id))
        .where(col(TaskTag.task_id).in_(live_ids))
        .with_only_columns(col(TaskTag.task_id), col(Tag.name))
        .order_by(col(Tag.name))
    ):
        tags[task_id].append(name)
    return [
        {
            "id": str(t.id),
            "title": t.title,
            "description": t.description or "",
            "status": t.status,
            "priority": t.priority,
            "due_date": t.due_date.isoformat() if t.due_date else "",
            "due_time": t.due_time.strftime("%H:%M") if t.due_time else "",
            "completed_at": t.completed_at.isoformat() if t.completed_at else "",
            "estimated_hours": t.estimated_hours if t.estimated_hours is not None else "",
            "recurrence": t.recurrence,
            "tags": tags[t.id],
            "created_at": t.created_at.isoformat(),
            "updated_at": t.updated_at.isoformat(),
        }
        for t in tasks
    ]


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps({"tasks": rows}, ensure_ascii=False, indent=2)


# A spreadsheet runs a cell that starts with one of these as a formula (SPEC §9), also after
# any number of leading quotes once one is removed: hence the quotes in the pattern.
_FORMULA_LIKE = re.compile("'*[=+\\-@\t\r]")


def spreadsheet_safe(value: str) -> str:
    """Prefix a formula-like cell with ' so that a spreadsheet shows it as text."""
    return "'" + value if _FORMULA_LIKE.match(value) else value


def from_spreadsheet_safe(value: str) -> str:
    """Undo spreadsheet_safe exactly: only a ' that it could have added is removed."""
    if value.startswith("'") and _FORMULA_LIKE.match(value, 1):
        return value[1:]
    return value


def to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        cells = row | {"tags": ", ".join(row["tags"])}
        writer.writerow(
            {k: spreadsheet_safe(v) if isinstance(v, str) else v for k, v in cells.items()}
        )
    return out.getvalue()


class UnreadableFile(Exception):
    """The upload is not a Taskwise JSON or CSV export; the message says why."""


def read_upload(raw: bytes) -> list[dict[str, str]]:
    """Rows of text fields from a JSON or CSV export (a UTF-8 BOM is fine)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile("The file is not UTF-8 text.") from exc
    if not text.strip():
        raise UnreadableFile("The file is empty.")
    if text.lstrip()[:1] in "[{":
        rows = _json_rows(text)
    else:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if not reader.fieldnames or "title" not in reader.fieldnames:
            raise UnreadableFile("The CSV file has no 'title' column.")
        try:
            rows = [
                {k: from_spreadsheet_safe(v or "") for k, v in row.items() if k is not None}
                for row in reader
            ]
        except csv.Error as exc:
            raise UnreadableFile(f"The CSV file is malformed: {exc}.") from exc
    if len(rows) > MAX_ROWS:
        raise UnreadableFile(f"The file has more than {MAX_ROWS:,} tasks.")
    return rows


def _json_rows(text: str) -> list[dict[str, str]]:
    if _nesting_depth(text) > MAX_JSON_DEPTH:
        raise UnreadableFile("The JSON is nested too deeply to be a Taskwise export.")
    try:
        # Numbers stay text (every field is validated as text) and are bounded in length.
        data = json.loads(
            text,
            parse_int=_number_text,
            parse_float=_number_text,
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError as exc:
        raise UnreadableFile(f"The JSON is malformed (line {exc.lineno}).") from exc
    if isinstance(data, dict):
        data = data.get("tasks")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise UnreadableFile('The JSON must be a list of tasks (or {"tasks": [...]}).')
    return [{str(k): _as_text(v) for k, v in item.items()} for item in data]


MAX_JSON_DEPTH = 8  # an export is {"tasks": [{..., "tags": [...]}]}: depth 4
MAX_NUMBER_CHARS = 40
_STRUCTURE = re.compile(r'[\[\]{}"\\]')


def _nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest, counted before parsing (brackets inside strings
    aside), so that a hostile file cannot exhaust the parser's recursion. One linear pass
    over the structural characters: a pattern over whole strings backtracks quadratically
    on a file of unterminated escapes."""
    depth = deepest = 0
    in_string = False
    escaped_at = -1  # the position of the character a backslash escapes
    for match in _STRUCTURE.finditer(text):
        char, at = match.group(), match.start()
        if in_string:
            if at == escaped_at:
                continue
            if char == "\\":
                escaped_at = at + 1
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _number_text(raw: str) -> str:
    if len(raw) > MAX_NUMBER_CHARS:
        raise UnreadableFile("The JSON holds a number too long to be a Taskwise value.")
    return raw


def _refuse_constant(raw: str) -> str:
    raise UnreadableFile(f"The JSON holds {raw}, which is not a Taskwise value.")


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class ImportRow:
    line: int
    task: TaskInput
    status: str
    completed_at: datetime | None


@dataclass(frozen=True)
class Rejected:
    line: int
    title: str
    reasons: list[str]


def validate(
    rows: list[dict[str, str]], *, now: datetime
) -> tuple[list[ImportRow], list[Rejected]]:
    """Each row through the task form's own rules, plus status and completion time."""
    valid: list[ImportRow] = []
    rejected: list[Rejected] = []
    for line, row in enumerate(rows, start=1):
        task, errors = parse_task_form(row)
        status = (row.get("status") or Status.pending).strip()
        if status not in {s.value for s in Status}:
            errors["status"] = "Status must be pending or completed."
        completed_at = None
        if status == Status.completed:
            completed_at = _completed_at(row.get("completed_at", ""), errors) or now
        if errors:
            reasons = [f"{name.replace('_', ' ')}: {message}" for name, message in errors.items()]
            rejected.append(Rejected(line=line, title=row.get("title", "")[:80], reasons=reasons))
        else:
            valid.append(ImportRow(line=line, task=task, status=status, completed_at=completed_at))
    return valid, rejected


def _completed_at(raw: str, errors: dict[str, str]) -> datetime | None:
    if not raw.strip():
        return None
    moment = parse_moment(raw)
    if moment is None:
        errors["completed_at"] = (
            f"Completed at must be an ISO date and time from {DATE_MIN:%Y} to {DATE_MAX:%Y}."
        )
    return moment

"""The task form (create and edit): clean values and a message per bad field."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from app.forms import (
    FormErrors,
    clean_text,
    field,
    has_control_characters,
    parse_date,
    parse_int,
)
from app.models import (
    DATE_MAX,
    DATE_MIN,
    MAX_TAGS,
    TAG_MAX,
    Priority,
    TaskFields,
    TaskInput,
    is_tag_name,
    limits_of,
)
from app.tasks import rules
from app.tasks.quickadd import read_rule

_TIME = re.compile(r"[0-9]{2}:[0-9]{2}")
TASK_FIELDS = tuple(TaskInput.model_fields)  # the names a form, an import row or a page uses
TITLE = limits_of(TaskFields, "title")
DESCRIPTION = limits_of(TaskFields, "description")
ESTIMATE = limits_of(TaskFields, "estimated_hours")


def parse_tags(errors: FormErrors, raw: str) -> list[str]:
    """Comma-separated names, trimmed, a leading # dropped, duplicates (any case) removed."""
    names: list[str] = []
    seen: set[str] = set()
    for part in raw.split(","):
        name = part.strip().lstrip("#")
        if not name:
            continue
        if not is_tag_name(name):
            errors["tags"] = (
                f"Tags are 1–{TAG_MAX} letters, digits, '-' or '_', separated by commas."
            )
            return []
        if name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    if len(names) > MAX_TAGS:
        errors["tags"] = f"Use at most {MAX_TAGS} tags."
    return names


def _parse_date(errors: FormErrors, raw: str) -> date | None:
    if not raw.strip():
        return None
    value = parse_date(raw)
    if value is None:
        errors["due_date"] = (
            f"Enter a date as YYYY-MM-DD, from {DATE_MIN:%Y-%m-%d} to {DATE_MAX:%Y-%m-%d}."
        )
    return value


def _parse_time(errors: FormErrors, raw: str) -> time | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        if not _TIME.fullmatch(raw):
            raise ValueError(raw)
        return time.fromisoformat(raw)
    except ValueError:
        errors["due_time"] = "Enter a time as HH:MM (24-hour)."
        return None


def _parse_estimate(errors: FormErrors, raw: str) -> int | None:
    if not raw.strip():
        return None
    value = parse_int(raw, minimum=ESTIMATE.ge, maximum=ESTIMATE.le)
    if value is None:
        errors["estimated_hours"] = (
            f"Enter whole hours from {ESTIMATE.ge} to {ESTIMATE.le}, or leave it empty."
        )
    return value


def _choice(errors: FormErrors, name: str, raw: str, allowed: type[Any], default: str) -> str:
    value = raw.strip() or default
    if value not in {member.value for member in allowed}:
        options = ", ".join(member.value for member in allowed)
        errors[name] = f"Choose one of: {options}."
        return default
    return value


def _parse_rule(
    errors: FormErrors, raw: str, due_date: date | None, today: date | None, date_order: str
) -> str:
    """A preset name, an RRULE or an `every …` phrase, as canonical RRULE text ("" none)."""
    if has_control_characters(raw):
        errors["recurrence"] = "The repeat rule contains characters that are not allowed."
        return ""
    try:
        return read_rule(raw, due_date, today=today, date_order=date_order)
    except rules.RuleError as error:
        errors["recurrence"] = str(error)
        return ""


def parse_task_form(
    data: dict[str, Any], *, today: date | None = None, date_order: str = "dmy"
) -> tuple[TaskInput, FormErrors]:
    """Clean values and a message per bad field. `today` (the user's local day) and
    `date_order` read the dates of a repeat phrase such as "every monday until 24/12"."""
    errors: FormErrors = {}
    title = clean_text(
        errors,
        "title",
        field(data, "title"),
        label="Title",
        max_length=TITLE.max_length,
        required=True,
    )
    description = clean_text(
        errors,
        "description",
        field(data, "description").replace("\r\n", "\n"),
        label="Description",
        max_length=DESCRIPTION.max_length,
        multiline=True,
    )
    priority = _choice(errors, "priority", field(data, "priority"), Priority, Priority.medium)
    due_date = _parse_date(errors, field(data, "due_date"))
    due_time = _parse_time(errors, field(data, "due_time"))
    if due_time is not None and due_date is None and "due_date" not in errors:
        errors["due_date"] = "A time needs a date."
    tags_raw = field(data, "tags")
    if has_control_characters(tags_raw):
        errors["tags"] = "Tags contain characters that are not allowed."
        tags: list[str] = []
    else:
        tags = parse_tags(errors, tags_raw)
    estimate = _parse_estimate(errors, field(data, "estimated_hours"))
    recurrence = _parse_rule(errors, field(data, "recurrence"), due_date, today, date_order)
    if recurrence and due_date is None and "due_date" not in errors:
        errors["due_date"] = "A repeating task needs a due date."
    values: dict[str, Any] = {
        "title": title,
        "description": description or None,
        "priority": priority,
        "due_date": due_date,
        "due_time": due_time,
        "tags": tags,
        "estimated_hours": estimate,
        "recurrence": recurrence,
    }
    # Clean values are validated once more against the declared limits (a disagreement
    # between this parser and TaskFields is a bug, and fails loudly); with errors, the
    # values are only carried back to the form.
    task = TaskInput.model_construct(**values) if errors else TaskInput(**values)
    return task, errors


def form_values(data: dict[str, Any]) -> dict[str, str]:
    """What the user typed, to show again beside the messages."""
    return {name: field(data, name) for name in (*TASK_FIELDS, "form_token")}

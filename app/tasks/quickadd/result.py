"""What quick add makes of a line: the fields, the understood pieces, and their words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Literal

from app.tasks import rule_words
from app.tasks.dates import day_label

Field = Literal[
    "due_date",
    "due_time",
    "priority",
    "tags",
    "estimated_hours",
    "recurrence",
    "project",
    "assignee",
]


class QuickAddError(ValueError):
    """A line quick add cannot turn into a task; the message is shown to the user."""


@dataclass(frozen=True)
class Piece:
    """One understood part of the line: its field, its value as the page's `data-value`,
    its span in the original line, the text there and a label for a chip. A due date that
    no word said (it follows from a time or a repeat) has an empty span and text."""

    field: Field
    value: str
    start: int
    end: int
    text: str
    label: str

    @property
    def implied(self) -> bool:
        return not self.text


@dataclass(frozen=True)
class Parsed:
    """What a line says: the task's fields (None/empty where not said) and its pieces."""

    title: str
    due_date: date | None
    due_time: time | None
    priority: str | None
    tags: tuple[str, ...]
    estimated_hours: int | None
    recurrence: str
    pieces: tuple[Piece, ...]
    today: date  # the user's local day the line was read on (labels leave its year out)
    project: str | None = None  # the key of a project named with `+`
    assignee: str | None = None  # the key of the member named with `@`


def summary(parsed: Parsed) -> str:
    """What was created, for the flash: "Pay rent — Wed 25 Nov 09:00 · High · #bills ·
    every month on the 25th"; just the title when nothing else was said."""
    parts: list[str] = []
    if parsed.due_date is not None:
        clock = f" {parsed.due_time:%H:%M}" if parsed.due_time else ""
        parts.append(day_label(parsed.due_date, parsed.today) + clock)
    if parsed.priority:
        parts.append(parsed.priority.capitalize())
    if parsed.tags:
        parts.append(" ".join(f"#{tag}" for tag in parsed.tags))
    if parsed.estimated_hours is not None:
        parts.append(f"~{parsed.estimated_hours} h")
    if parsed.recurrence:
        parts.append(rule_words.describe(parsed.recurrence, parsed.due_date))
    return f"{parsed.title} — {' · '.join(parts)}" if parts else parsed.title

"""What a chat message asks for: one small type per intent (app.assistant.reading finds it,
app.assistant.service answers it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from app.tasks.quickadd import Parsed


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class SmallTalk:
    """A greeting or a thank-you: a friendly word back, nothing done."""

    reply: str


@dataclass(frozen=True)
class Add:
    parsed: Parsed


@dataclass(frozen=True)
class Show:
    """A read-only view: today (with an overdue section), tomorrow, week, next, overdue,
    pending, completed, tag, priority or find (then `arg` holds the tag, level or words)."""

    view: str
    arg: str = ""


@dataclass(frozen=True)
class Act:
    """complete, reopen or delete the one task whose title matches `words`."""

    action: str
    words: str


@dataclass(frozen=True)
class Move:
    """A new due date for the task matching `words`; `due_time` None keeps the task's time.
    `by_days` instead shifts the current due date (postpone … by a week)."""

    words: str
    due_date: date | None = None
    due_time: time | None = None
    by_days: int = 0


@dataclass(frozen=True)
class Undo:
    pass


@dataclass(frozen=True)
class Choose:
    """An answer to "Which one?": the 1-based number of a candidate."""

    number: int


@dataclass(frozen=True)
class Narrow:
    """An answer to "Which one?" in words: the candidate whose title they match."""

    words: str


@dataclass(frozen=True)
class Dismiss:
    """ "never mind" to a pending question."""


@dataclass(frozen=True)
class Problem:
    """Understood, but it cannot be done as said; the message says why and what to write."""

    message: str


@dataclass(frozen=True)
class NotUnderstood:
    pass


Intent = (
    Help
    | SmallTalk
    | Add
    | Show
    | Act
    | Move
    | Undo
    | Choose
    | Narrow
    | Dismiss
    | Problem
    | NotUnderstood
)


@dataclass(frozen=True)
class Pending:
    """The conversation's open "Which one?" question: what it is for and how many choices."""

    action: str
    count: int

"""What the assistant says back: a line of text, sections of tasks it names, examples, the
open "Which one?" question and how to undo the change it reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from app.models import Task

CONTENT_MAX = 2000  # SPEC §4: a message over 2,000 characters is refused
SHOWN = 10  # tasks listed per section of a reply

EXAMPLES = (
    "add Pay rent tomorrow 9am !high #bills",
    "remind me to call Mum friday",
    "what's due today",
    "what's due this week",
    "what's next",
    "show overdue",
    "list #bills",
    "show high priority",
    "find milk",
    "done pay rent",
    "reopen pay rent",
    "delete pay rent",
    "move pay rent to friday",
    "postpone pay rent by a week",
    "undo",
)
SUGGESTIONS = ("what's due today", "what's next", "show overdue", "help")


def task_ref(task: Task) -> dict[str, Any]:
    """What a reply remembers of a task it names (the page renders its due date anew)."""
    return {
        "id": str(task.id),
        "title": task.title,
        "status": task.status,
        "due_date": task.due_date.isoformat() if task.due_date else None,
        "due_time": task.due_time.strftime("%H:%M") if task.due_time else None,
    }


@dataclass
class Section:
    tasks: list[dict[str, Any]]
    heading: str = ""
    numbered: bool = False
    more: str = ""  # the list page's query string showing all of them, when there are more

    def as_state(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v}


@dataclass
class Reply:
    text: str
    sections: list[Section] = field(default_factory=list)
    examples: tuple[str, ...] = ()
    ask: dict[str, Any] | None = None  # the open "Which one?" question
    undo: dict[str, Any] | None = None  # how to reverse the change this reply reports

    def content(self) -> str:
        """The reply as plain text: what the messages table keeps."""
        lines = [self.text]
        for section in self.sections:
            if section.heading:
                lines.append(section.heading)
            for number, task in enumerate(section.tasks, start=1):
                bullet = f"{number}." if section.numbered else "-"
                due = f" ({task['due_date']})" if task["due_date"] else ""
                lines.append(f"{bullet} {task['title']}{due}")
        lines.extend(f"- {example}" for example in self.examples)
        return "\n".join(lines)[:CONTENT_MAX]

    def state(self) -> dict[str, Any] | None:
        state: dict[str, Any] = {
            "text": self.text,
            "sections": [section.as_state() for section in self.sections],
            "examples": list(self.examples),
            "ask": self.ask,
            "undo": self.undo,
        }
        return {k: v for k, v in state.items() if v} or None


def about(task: Task, text: str, **extra: Any) -> Reply:
    """A reply naming one task, shown under the text."""
    return Reply(text, [Section([task_ref(task)])], **extra)


def section(tasks: list[Task], heading: str = "", more: str = "") -> Section:
    """The first SHOWN tasks; `more` links to the list page only when some were left out."""
    return Section(
        [task_ref(t) for t in tasks[:SHOWN]],
        heading=heading,
        more=more if len(tasks) > SHOWN else "",
    )


def listing(tasks: list[Task], what: str, more: str, *, latest: bool = False) -> Reply:
    if not tasks:
        return Reply(f"No tasks {what}.")
    order = "the latest first" if latest else "in due order"
    return Reply(f"{how_many(tasks, 'task')} {what}, {order}:", [section(tasks, more=more)])


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def how_many(tasks: list[Task], noun: str) -> str:
    """ "1 task", "3 tasks", or "10+ tasks" when a reply shows only the first SHOWN."""
    return f"{SHOWN}+ {noun}s" if len(tasks) > SHOWN else plural(len(tasks), noun)


def quoted(task: Task) -> str:
    return f"“{task.title}”"


def first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())).replace("_", " ")
    return f"{where}: {first.get('msg', 'not valid')}".strip(": ")

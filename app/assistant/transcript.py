"""Messages as the chat shows them: the tasks a reply names with their due dates relative to
the reader's today, and the "Which one?" choices while the question is still open."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from app.models import Message
from app.tasks.dates import LocalNow, is_overdue, relative_due


@dataclass(frozen=True)
class TaskMention:
    id: str
    title: str
    status: str
    due_label: str
    overdue: bool
    number: int | None  # its number in a "Which one?" list


@dataclass(frozen=True)
class Section:
    heading: str
    tasks: list[TaskMention]
    numbered: bool
    more: str  # the list page's query string, when the reply shows only the first ones


@dataclass(frozen=True)
class MessageView:
    id: uuid.UUID
    conversation_id: uuid.UUID
    role: str
    text: str
    sections: list[Section] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    asking: bool = False  # an open question: its choices are buttons


def _mention(ref: dict[str, Any], number: int | None, now: LocalNow) -> TaskMention:
    status = str(ref.get("status", "pending"))
    due_date = date.fromisoformat(ref["due_date"]) if ref.get("due_date") else None
    due_time = time.fromisoformat(ref["due_time"]) if ref.get("due_time") else None
    return TaskMention(
        id=str(ref["id"]),
        title=str(ref["title"]),
        status=status,
        due_label=relative_due(status=status, due_date=due_date, due_time=due_time, now=now),
        overdue=is_overdue(status=status, due_date=due_date, due_time=due_time, now=now),
        number=number,
    )


def message_view(message: Message, now: LocalNow, *, is_last: bool) -> MessageView:
    state = message.state or {}
    if message.role != "assistant" or not state:
        return MessageView(message.id, message.conversation_id, message.role, message.content)
    sections = []
    for raw in state.get("sections", []):
        numbered = bool(raw.get("numbered"))
        mentions = [
            _mention(ref, number if numbered else None, now)
            for number, ref in enumerate(raw.get("tasks", []), start=1)
        ]
        sections.append(Section(raw.get("heading", ""), mentions, numbered, raw.get("more", "")))
    return MessageView(
        message.id,
        message.conversation_id,
        message.role,
        str(state.get("text", message.content)),
        sections,
        [str(example) for example in state.get("examples", [])],
        asking=is_last and bool(state.get("ask")),
    )


def transcript(messages: list[Message], now: LocalNow) -> list[MessageView]:
    """The messages in order; only the very last one can still be asking a question."""
    last = len(messages) - 1
    return [message_view(m, now, is_last=i == last) for i, m in enumerate(messages)]

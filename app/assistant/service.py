"""The assistant's turn: the user's message stored, read, answered from the user's own tasks
or acted on (see `acting`), and the reply stored, in the caller's transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.assistant import acting, intents, matching, reading, showing
from app.assistant.intents import Intent, Pending
from app.assistant.queries import get_conversation, last_message
from app.assistant.replies import CONTENT_MAX, EXAMPLES, SUGGESTIONS, Reply
from app.assistant.turn import Turn
from app.db import utcnow
from app.models import Conversation, Message, Role
from app.tasks.dates import LocalNow, in_zone

__all__ = ["CONTENT_MAX", "SUGGESTIONS", "Exchange", "Reply", "delete_conversation", "send_message"]

CONVERSATION_TITLE_MAX = 80


@dataclass(frozen=True)
class Exchange:
    conversation: Conversation
    created: bool
    messages: tuple[Message, Message]
    closed: Message | None  # the reply whose "Which one?" this message answered or dropped


def title_from(content: str) -> str:
    """A conversation's title: its first message, on one line, shortened."""
    line = " ".join(content.split())
    if len(line) <= CONVERSATION_TITLE_MAX:
        return line
    return line[: CONVERSATION_TITLE_MAX - 1].rstrip() + "…"


def send_message(
    db: Session,
    *,
    user_id: uuid.UUID,
    timezone: str,
    date_order: str,
    conversation_id: uuid.UUID | None,
    content: str,
    now: datetime,
) -> Exchange:
    """Store the user's message, act on it and store the reply, all in the caller's
    transaction: the request commits the pair and the change together, or none of them."""
    if conversation_id is None:
        conversation = Conversation(user_id=user_id, title=title_from(content))
        db.add(conversation)
        db.flush()
        previous = None
    else:
        conversation = get_conversation(db, user_id, conversation_id)  # 404 before anything
        previous = last_message(db, user_id, conversation.id)
    said = Message(
        conversation_id=conversation.id, user_id=user_id, role=Role.user, content=content
    )
    db.add(said)
    db.flush()
    question = _open_question(previous)
    pending = Pending(question["action"], len(question["ids"])) if question else None
    intent = reading.understand(
        content, pending=pending, now=in_zone(now, timezone), date_order=date_order
    )
    turn = Turn(db, user_id, conversation, now, LocalNow.at(now, timezone))
    reply = respond(turn, intent, question)
    answer = Message(
        conversation_id=conversation.id,
        user_id=user_id,
        role=Role.assistant,
        content=reply.content(),
        state=reply.state(),
    )
    db.add(answer)
    conversation.updated_at = utcnow()  # the sidebar shows the latest active first
    db.flush()
    closed = previous if question else None
    return Exchange(conversation, conversation_id is None, (said, answer), closed)


def _open_question(previous: Message | None) -> dict[str, Any] | None:
    """The "Which one?" still waiting: only the conversation's very last message asks it."""
    if previous is None or previous.role != Role.assistant or not previous.state:
        return None
    ask = previous.state.get("ask")
    return ask if isinstance(ask, dict) and ask.get("ids") else None


def delete_conversation(db: Session, *, user_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
    """Delete one of the user's conversations; its messages go with it (ON DELETE CASCADE)."""
    conversation = get_conversation(db, user_id, conversation_id)
    db.delete(conversation)
    db.flush()


def respond(turn: Turn, intent: Intent, question: dict[str, Any] | None) -> Reply:
    """The reply to what was understood; `question` is the "Which one?" still open."""
    match intent:
        case intents.Help():
            return Reply("Here is what I understand, with examples:", examples=EXAMPLES)
        case intents.SmallTalk(reply=text):
            return Reply(text)
        case intents.Add(parsed=parsed):
            return acting.add(turn, parsed)
        case intents.Show(view=view, arg=arg):
            return showing.show(turn, view, arg)
        case intents.Act(action=action, words=words):
            return matching.find_and_do(turn, {"action": action}, words)
        case intents.Move(words=words, due_date=due, due_time=at, by_days=days):
            move = {
                "action": "move",
                "due_date": due.isoformat() if due else None,
                "due_time": at.strftime("%H:%M") if at else None,
                "by_days": days,
            }
            return matching.find_and_do(turn, move, words)
        case intents.Undo():
            return acting.undo(turn)
        case intents.Choose(number=number) if question:
            return matching.choose(turn, question, number)
        case intents.Narrow(words=words) if question:
            return matching.narrow(turn, question, words)
        case intents.Dismiss():
            return Reply("OK, I left them as they are.")
        case intents.Problem(message=message):
            return Reply(message)
    return Reply(
        "Sorry, I did not understand that. Write “help” to see what I can do, "
        "e.g. “what's due today” or “add pay rent friday”."
    )

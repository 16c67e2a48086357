"""The one place conversation and message queries of a user start from: everything here is
scoped, like app.tasks.queries for tasks."""

from __future__ import annotations

import uuid

from litestar.exceptions import NotFoundException
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.models import Conversation, Message, Role

CONVERSATIONS_SHOWN = 50
MESSAGES_SHOWN = 200
UNDO_REACH = 200  # how far back `undo` looks for a change it has not reversed yet


def conversations_of(user_id: uuid.UUID) -> SelectOfScalar[Conversation]:
    """The user's conversations."""
    return select(Conversation).where(col(Conversation.user_id) == user_id)


def messages_of(user_id: uuid.UUID, conversation_id: uuid.UUID) -> SelectOfScalar[Message]:
    """The messages of one of the user's conversations (none of anyone else's)."""
    return select(Message).where(
        col(Message.user_id) == user_id, col(Message.conversation_id) == conversation_id
    )


def get_conversation(db: Session, user_id: uuid.UUID, conversation_id: uuid.UUID) -> Conversation:
    """The user's conversation, or 404: missing and someone else's look the same."""
    conversation = db.scalars(
        conversations_of(user_id).where(col(Conversation.id) == conversation_id)
    ).first()
    if conversation is None:
        raise NotFoundException("That conversation does not exist.")
    return conversation


def recent_conversations(db: Session, user_id: uuid.UUID) -> list[Conversation]:
    """The sidebar: the user's conversations, the most recently active first."""
    statement = conversations_of(user_id).order_by(
        col(Conversation.updated_at).desc(), col(Conversation.id).desc()
    )
    return list(db.scalars(statement.limit(CONVERSATIONS_SHOWN)))


def conversation_messages(
    db: Session, user_id: uuid.UUID, conversation_id: uuid.UUID
) -> list[Message]:
    """A conversation's latest messages, oldest first (the newest last, as a chat reads)."""
    newest_first = messages_of(user_id, conversation_id).order_by(
        col(Message.created_at).desc(), col(Message.id).desc()
    )
    return list(reversed(db.scalars(newest_first.limit(MESSAGES_SHOWN)).all()))


def last_message(db: Session, user_id: uuid.UUID, conversation_id: uuid.UUID) -> Message | None:
    statement = messages_of(user_id, conversation_id).order_by(
        col(Message.created_at).desc(), col(Message.id).desc()
    )
    return db.scalars(statement.limit(1)).first()


def recent_replies(db: Session, user_id: uuid.UUID, conversation_id: uuid.UUID) -> list[Message]:
    """The assistant's latest replies in a conversation, newest first (undo's search)."""
    statement = (
        messages_of(user_id, conversation_id)
        .where(col(Message.role) == Role.assistant)
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
    )
    return list(db.scalars(statement.limit(UNDO_REACH)))

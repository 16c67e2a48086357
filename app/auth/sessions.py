"""Server-side sessions: a random token in a signed cookie, stored hashed, revocable at will."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlmodel import Session, col

from app.models import User, UserSession
from app.security import new_token, token_hash

SESSION_COOKIE = "taskwise_session"
ANON_COOKIE = "taskwise_anon"  # binds the CSRF token of forms shown before signing in
IDLE_TIMEOUT = timedelta(days=7)
TOUCH_EVERY = timedelta(minutes=5)  # last_seen_at is written at most this often


@dataclass(frozen=True)
class Authenticated:
    user: User
    session_id: uuid.UUID
    token: str


def start_session(db: Session, user: User, *, now: datetime, max_age: int) -> str:
    """A brand-new session for the user; returns the token for the cookie."""
    token = new_token()
    db.add(
        UserSession(
            user_id=user.id,
            token_hash=token_hash(token),
            last_seen_at=now,
            expires_at=now + timedelta(seconds=max_age),
        )
    )
    db.flush()
    return token


def load_session(db: Session, token: str, *, now: datetime) -> Authenticated | None:
    """The live session of a cookie's token with its user in one query, or None."""
    row = db.execute(
        select(UserSession, User)
        .join(User, col(User.id) == col(UserSession.user_id))
        .where(col(UserSession.token_hash) == token_hash(token))
    ).first()
    if row is None:
        return None
    session, user = row
    if session.expires_at <= now or session.last_seen_at + IDLE_TIMEOUT <= now:
        db.delete(session)
        return None
    if now - session.last_seen_at >= TOUCH_EVERY:
        session.last_seen_at = now
    return Authenticated(user=user, session_id=session.id, token=token)


def end_session(db: Session, session_id: uuid.UUID) -> None:
    db.execute(delete(UserSession).where(col(UserSession.id) == session_id))


def end_sessions_of(db: Session, user_id: uuid.UUID, *, keep: uuid.UUID | None = None) -> None:
    """End every session of the user (all but `keep`, when given)."""
    statement = delete(UserSession).where(col(UserSession.user_id) == user_id)
    if keep is not None:
        statement = statement.where(col(UserSession.id) != keep)
    db.execute(statement)

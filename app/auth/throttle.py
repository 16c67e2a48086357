"""Throttles that hold under concurrency and across processes (SPEC §9).

An attempt is written and committed *before* the work it guards (verifying a password, sending
a reset mail), then the attempts in the window are counted. Of N simultaneous attempts, the
k-th to commit counts at least k rows, so at most `limit` of them ever see a count within the
limit, however the requests are timed and whichever process serves them. A refused attempt
removes its own row, so a flood of refused guesses does not extend the lock-out.

The rows live in the database (table `attempts`), never in one process's memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from app.models import Attempt, AttemptKind

KEEP_FOR = timedelta(days=1)  # longer than any window; older rows are cleaned up


class Throttled(Exception):
    """Too many attempts: the guarded work must not run."""


@dataclass(frozen=True)
class Limit:
    kind: AttemptKind
    per_subject: int
    window: timedelta
    per_address: int | None = None


# SPEC §9: at most 5 passwords verified per email per 15 minutes (a per-address limit, if any,
# must allow at least 50), and at most 3 reset mails per address per hour.
PASSWORD_CHECKS = Limit(AttemptKind.password, 5, timedelta(minutes=15), per_address=100)
RESET_MAILS = Limit(AttemptKind.reset_mail, 3, timedelta(hours=1))


def admit(
    engine: Engine, limit: Limit, *, subject: str, remote_addr: str | None, now: datetime
) -> None:
    """Count one attempt; raise Throttled when it is over the limit.

    Runs in its own transactions on its own connection: the attempt must count even when the
    request that carries it ends in an error response and so rolls back.
    """
    subject = subject.strip().lower()
    since = now - limit.window
    with Session(engine) as session:
        attempt = Attempt(kind=limit.kind, subject=subject, remote_addr=remote_addr)
        attempt.created_at = attempt.updated_at = now
        session.add(attempt)
        session.commit()  # visible to every other request before we count

        recent = select(func.count()).where(
            col(Attempt.kind) == limit.kind, col(Attempt.created_at) > since
        )
        over = session.scalar(recent.where(col(Attempt.subject) == subject)) or 0
        refused = over > limit.per_subject
        if not refused and limit.per_address is not None and remote_addr:
            by_address = session.scalar(recent.where(col(Attempt.remote_addr) == remote_addr))
            refused = (by_address or 0) > limit.per_address
        if refused:
            session.execute(delete(Attempt).where(col(Attempt.id) == attempt.id))
        session.execute(delete(Attempt).where(col(Attempt.created_at) < now - KEEP_FOR))
        session.commit()
    if refused:
        raise Throttled()


def forget(engine: Engine, limit: Limit, *, subject: str) -> None:
    """The guarded work succeeded (the right password): earlier attempts no longer count.
    Committed at once, like `admit`: the right password clears the count even when the
    request then fails for another reason (a weak new password, say)."""
    subject = subject.strip().lower()
    with Session(engine) as session:
        session.execute(
            delete(Attempt).where(col(Attempt.kind) == limit.kind, col(Attempt.subject) == subject)
        )
        session.commit()

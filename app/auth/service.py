"""Account rules: registering, signing in with throttling, passwords, resets, deletion."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from app.auth.forms import Profile, Signup
from app.models import SigninFailure, User
from app.security import (
    Signing,
    fingerprint,
    hash_password,
    verify_against_nothing,
    verify_password,
)

THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 100  # SPEC §9: a per-address limit must allow at least 50
RESET_TOKEN_MAX_AGE = 3600


class EmailTaken(Exception):
    pass


class Throttled(Exception):
    pass


def user_by_email(db: Session, email: str) -> User | None:
    return db.scalars(select(User).where(col(User.email) == email.strip().lower())).first()


def register(db: Session, signup: Signup) -> User:
    """A new user; EmailTaken when the address is registered (also under a concurrent sign-up)."""
    if user_by_email(db, signup.email) is not None:
        raise EmailTaken()
    user = User(
        email=signup.email,
        name=signup.name,
        timezone=signup.timezone,
        password_hash=hash_password(signup.password),
    )
    try:
        with db.begin_nested():
            db.add(user)
    except IntegrityError as exc:
        raise EmailTaken() from exc
    return user


def authenticate(
    db: Session,
    engine: Engine,
    *,
    email: str,
    password: str,
    remote_addr: str | None,
    now: datetime,
) -> User | None:
    """The user whose password this is, or None. Raises Throttled after too many failures.

    Failures are recorded in their own transaction: they must count even though the request
    that carries them ends in an error response and so rolls back.
    """
    email = email.strip().lower()
    since = now - THROTTLE_WINDOW
    recent = select(func.count()).where(col(SigninFailure.created_at) > since)

    def failures(criterion: ColumnElement[bool]) -> int:
        return int(db.execute(recent.where(criterion)).scalar_one())

    if failures(col(SigninFailure.email) == email) >= MAX_FAILURES_PER_EMAIL:
        raise Throttled()
    by_address = col(SigninFailure.remote_addr) == remote_addr
    if remote_addr and failures(by_address) >= MAX_FAILURES_PER_ADDRESS:
        raise Throttled()

    user = user_by_email(db, email)
    if user is None:
        verify_against_nothing(password)  # same cost as a real check: timing reveals nothing
        _record_failure(engine, email=email, remote_addr=remote_addr, now=now)
        return None
    ok, new_hash = verify_password(password, user.password_hash)
    if not ok:
        _record_failure(engine, email=email, remote_addr=remote_addr, now=now)
        return None
    if new_hash:  # an older scheme (bcrypt): upgrade to argon2id now that we know the password
        user.password_hash = new_hash
    db.execute(delete(SigninFailure).where(col(SigninFailure.email) == email))
    return user


def _record_failure(engine: Engine, *, email: str, remote_addr: str | None, now: datetime) -> None:
    with Session(engine) as session:
        session.add(SigninFailure(email=email, remote_addr=remote_addr, created_at=now))
        # Old failures no longer count for anything.
        old = col(SigninFailure.created_at) < now - timedelta(days=1)
        session.execute(delete(SigninFailure).where(old))
        session.commit()


def update_profile(user: User, profile: Profile) -> None:
    user.name = profile.name
    user.timezone = profile.timezone
    user.theme = profile.theme


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)


def check_password(user: User, password: str) -> bool:
    ok, _ = verify_password(password, user.password_hash)
    return ok


def make_reset_token(signing: Signing, user: User) -> str:
    """Signed, expiring, and bound to the current password hash: it dies once used."""
    return signing.password_reset.dumps({"u": str(user.id), "p": fingerprint(user.password_hash)})


def user_for_reset_token(db: Session, signing: Signing, token: str) -> User | None:
    try:
        payload = signing.password_reset.loads(token, max_age=RESET_TOKEN_MAX_AGE)
        user_id = uuid.UUID(str(payload["u"]))
    except (BadSignature, SignatureExpired, KeyError, TypeError, ValueError):
        return None
    user = db.get(User, user_id)
    if user is None or payload.get("p") != fingerprint(user.password_hash):
        return None
    return user


def delete_account(db: Session, user: User) -> None:
    """Delete the user; the database cascades to everything they own."""
    db.execute(delete(User).where(col(User.id) == user.id))
    db.expunge(user)

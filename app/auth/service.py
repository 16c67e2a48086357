"""Account rules: registering, signing in with throttling, passwords, resets, deletion."""

from __future__ import annotations

import uuid
from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.auth import throttle
from app.auth.forms import Profile, Signup
from app.auth.throttle import PASSWORD_CHECKS, RESET_MAILS
from app.db import end_reads, in_thread
from app.models import User
from app.security import PasswordHashing, Signing, fingerprint

RESET_TOKEN_MAX_AGE = 3600


class EmailTaken(Exception):
    pass


def user_by_email(db: Session, email: str) -> User | None:
    return db.scalars(select(User).where(col(User.email) == email.strip().lower())).first()


async def register(db: Session, hashing: PasswordHashing, signup: Signup) -> User:
    """A new user; EmailTaken when the address is registered (also under a concurrent sign-up)."""

    def email_taken() -> bool:
        taken = user_by_email(db, signup.email) is not None
        end_reads(db)  # the hash below may wait for its turn: hold no connection meanwhile
        return taken

    if await in_thread(email_taken):
        raise EmailTaken()
    user = User(
        email=signup.email,
        name=signup.name,
        timezone=signup.timezone,
        password_hash=await hashing.hash(signup.password),
    )

    def insert() -> None:
        try:
            with db.begin_nested():
                db.add(user)
        except IntegrityError as exc:
            raise EmailTaken() from exc

    await in_thread(insert)
    return user


async def authenticate(
    db: Session,
    engine: Engine,
    hashing: PasswordHashing,
    *,
    email: str,
    password: str,
    remote_addr: str | None,
    now: datetime,
) -> User | None:
    """The user whose password this is, or None. Raises Throttled after too many attempts.

    The attempt is counted before the password is verified (see app.auth.throttle), so parallel
    guesses are limited exactly like sequential ones; the right password clears the count.
    Unknown and known emails cost the same verification, so timing reveals nothing.
    """
    email = email.strip().lower()
    hashing.ensure_room()  # a sign-in turned away as busy does not count as an attempt

    def admit_and_look_up() -> User | None:
        throttle.admit(engine, PASSWORD_CHECKS, subject=email, remote_addr=remote_addr, now=now)
        user = user_by_email(db, email)
        end_reads(db)  # the verification may wait for its turn: hold no connection meanwhile
        return user

    user = await in_thread(admit_and_look_up)
    if user is None:
        await hashing.verify_against_nothing(password)
        return None
    ok, new_hash = await hashing.verify(password, user.password_hash)
    if not ok:
        return None
    if new_hash:  # an older scheme (bcrypt): upgrade to argon2id now that we know the password
        user.password_hash = new_hash
    await in_thread(lambda: throttle.forget(engine, PASSWORD_CHECKS, subject=email))
    return user


def update_profile(user: User, profile: Profile) -> None:
    user.name = profile.name
    user.timezone = profile.timezone
    user.theme = profile.theme
    if profile.date_order is not None:
        user.date_order = profile.date_order


async def set_password(hashing: PasswordHashing, user: User, password: str) -> None:
    user.password_hash = await hashing.hash(password)


async def check_password(
    db: Session,
    engine: Engine,
    hashing: PasswordHashing,
    user: User,
    password: str,
    *,
    remote_addr: str | None,
    now: datetime,
) -> bool:
    """Whether this is the signed-in user's password (before a change or a deletion).
    Throttled like sign-in, on the same count: a stolen session cannot guess without limit."""
    hashing.ensure_room()
    await in_thread(
        lambda: throttle.admit(
            engine, PASSWORD_CHECKS, subject=user.email, remote_addr=remote_addr, now=now
        )
    )
    ok, _ = await hashing.verify(password, user.password_hash)
    if ok:
        await in_thread(lambda: throttle.forget(engine, PASSWORD_CHECKS, subject=user.email))
    return ok


def may_send_reset_mail(engine: Engine, email: str, *, now: datetime) -> bool:
    """At most 3 reset mails per address per hour, however many times the form is posted.
    Counted for every address asked for, registered or not, so that the time the request
    takes does not tell which addresses have an account."""
    try:
        throttle.admit(engine, RESET_MAILS, subject=email, remote_addr=None, now=now)
    except throttle.Throttled:
        return False
    return True


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

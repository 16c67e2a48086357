"""Password hashing and rules (passlib), and everything signed with itsdangerous."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import secrets
import weakref
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import TypeVar

import anyio.to_thread
from itsdangerous import BadSignature, Signer, URLSafeSerializer, URLSafeTimedSerializer
from passlib.context import CryptContext

T = TypeVar("T")
PASSWORD_MIN = 8
PASSWORD_MAX = 1024

# argon2id for new hashes (no 72-byte truncation); bcrypt hashes still verify and are upgraded.
pwd_context = CryptContext(schemes=["argon2", "bcrypt"], deprecated="auto")

# One hash at a time per two cores: a flood of sign-ins leaves the other core to the pages.
HASH_SLOTS = max(1, (os.cpu_count() or 2) // 2)
# Requests allowed to wait for a slot; past that, HashingBusy (429): ~1 s of work per slot.
HASH_QUEUE_PER_SLOT = 8


def hash_password(password: str) -> str:
    """A new argon2id hash (~100 ms of one core): call through PasswordHashing in requests."""
    hashed: str = pwd_context.hash(password)
    return hashed


def verify_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    """Whether the password matches, and a new hash when the stored one uses an old scheme.
    A password longer than any we accept matches nothing (and is never hashed: passlib
    refuses such sizes with an exception)."""
    if len(password) > PASSWORD_MAX:
        return False, None
    ok, new_hash = pwd_context.verify_and_update(password, password_hash)
    return bool(ok), new_hash


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def verify_against_nothing(password: str) -> None:
    """Spend one verification, as for a real account, when the email is unknown."""
    verify_password(password, _dummy_hash())


class HashingBusy(Exception):
    """More requests are waiting to hash a password than the server can serve in time."""


class PasswordHashing:
    """Password hashing for requests: off the event loop, at most `slots` at a time, and
    waited for on an async limiter, so a waiting request holds neither a worker thread nor a
    database connection. Past `max_waiting` waiting requests it raises HashingBusy at once
    (429 with Retry-After) instead of letting a queue grow under a flood."""

    def __init__(self, slots: int = HASH_SLOTS, max_waiting: int | None = None) -> None:
        self.slots = slots
        self.max_waiting = HASH_QUEUE_PER_SLOT * slots if max_waiting is None else max_waiting
        # One limiter per event loop: an asyncio limiter belongs to the loop that made it
        # (one loop per worker process; tests run several).
        self._limiters: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, anyio.CapacityLimiter
        ] = weakref.WeakKeyDictionary()

    def _limiter(self) -> anyio.CapacityLimiter:
        loop = asyncio.get_running_loop()
        limiter = self._limiters.get(loop)
        if limiter is None:
            limiter = self._limiters[loop] = anyio.CapacityLimiter(self.slots)
        return limiter

    def ensure_room(self) -> None:
        """Raise HashingBusy now if a hash would have to wait behind a full queue (checked
        again when the hash is asked for; this spares the work done before it)."""
        limiter = self._limiter()
        busy = limiter.borrowed_tokens >= limiter.total_tokens
        if busy and limiter.statistics().tasks_waiting >= self.max_waiting:
            raise HashingBusy()

    async def _run(self, work: Callable[[], T]) -> T:
        self.ensure_room()
        return await anyio.to_thread.run_sync(work, limiter=self._limiter())

    async def hash(self, password: str) -> str:
        return await self._run(lambda: hash_password(password))

    async def verify(self, password: str, password_hash: str) -> tuple[bool, str | None]:
        return await self._run(lambda: verify_password(password, password_hash))

    async def verify_against_nothing(self, password: str) -> None:
        await self._run(lambda: verify_against_nothing(password))


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("app").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def password_problem(password: str, email: str) -> str | None:
    """Why a new password is refused (SPEC §9), or None when it is acceptable."""
    if len(password) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters."
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters."
    if email and password.strip().lower() == email.strip().lower():
        return "Your password cannot be your email address."
    if password.lower() in common_passwords():
        return "That password is too common; choose something harder to guess."
    return None


def fingerprint(value: str) -> str:
    """A short digest: binds a token to a password hash without revealing the hash."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Signing:
    """The app's signers, all derived from SECRET_KEY with a purpose of their own (salt)."""

    def __init__(self, secret_key: str) -> None:
        self._secret = secret_key.encode()
        self.cookie = Signer(secret_key, salt="taskwise.session-cookie")
        self.flash = URLSafeSerializer(secret_key, salt="taskwise.flash")
        self.password_reset = URLSafeTimedSerializer(secret_key, salt="taskwise.password-reset")
        self.calendar = URLSafeSerializer(secret_key, salt="taskwise.calendar-feed")
        self.undo = URLSafeTimedSerializer(secret_key, salt="taskwise.undo")

    def sign_cookie(self, token: str) -> str:
        return self.cookie.sign(token).decode()

    def unsign_cookie(self, value: str | None) -> str | None:
        if not value:
            return None
        try:
            return self.cookie.unsign(value).decode()
        except BadSignature:
            return None

    def csrf_token(self, binding: str) -> str:
        """The CSRF token of a session (or of an anonymous visitor's cookie): changes with it."""
        return hmac.new(self._secret, b"csrf|" + binding.encode(), hashlib.sha256).hexdigest()

    def csrf_valid(self, binding: str | None, submitted: str | None) -> bool:
        if not binding or not submitted:
            return False
        return hmac.compare_digest(self.csrf_token(binding), submitted)

"""Password hashing and rules (passlib), and everything signed with itsdangerous."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from functools import cache
from importlib import resources

from itsdangerous import BadSignature, Signer, URLSafeSerializer, URLSafeTimedSerializer
from passlib.context import CryptContext

PASSWORD_MIN = 8
PASSWORD_MAX = 1024

# argon2id for new hashes (no 72-byte truncation); bcrypt hashes still verify and are upgraded.
pwd_context = CryptContext(schemes=["argon2", "bcrypt"], deprecated="auto")

# Hashing is CPU-bound: bound how many run at once so a flood of sign-ins leaves cores for pages.
_hash_slots = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) // 2))


def hash_password(password: str) -> str:
    with _hash_slots:
        hashed: str = pwd_context.hash(password)
    return hashed


def verify_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    """Whether the password matches, and a new hash when the stored one uses an old scheme.
    A password longer than any we accept matches nothing (and is never hashed: passlib
    refuses such sizes with an exception)."""
    if len(password) > PASSWORD_MAX:
        return False, None
    with _hash_slots:
        ok, new_hash = pwd_context.verify_and_update(password, password_hash)
    return bool(ok), new_hash


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def verify_against_nothing(password: str) -> None:
    """Spend one verification, as for a real account, when the email is unknown."""
    verify_password(password, _dummy_hash())


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

"""Account forms: parse what was submitted into clean values and per-field messages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from app.forms import FormErrors, clean_text, field
from app.models import EMAIL_MAX, NAME_MAX, DateOrder, Theme
from app.security import PASSWORD_MAX, password_problem

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@cache
def timezones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


@cache
def _timezone_set() -> frozenset[str]:
    return frozenset(timezones())


def is_timezone(name: str) -> bool:
    return name in _timezone_set()


def clean_email(errors: FormErrors, raw: str) -> str:
    email = clean_text(errors, "email", raw, label="Email", max_length=EMAIL_MAX, required=True)
    if "email" not in errors and not _EMAIL.match(email):
        errors["email"] = "Enter a valid email address."
    return email.lower()


def account_email(raw: str) -> str | None:
    """An email typed into sign-in or reset, normalised; None when it cannot belong to any
    account (malformed, control characters, too long), so no account is looked up for it."""
    errors: FormErrors = {}
    email = clean_email(errors, raw)
    return None if errors else email


def raw_password(errors: FormErrors, name: str, data: dict[str, Any], *, label: str) -> str:
    """A password exactly as typed: never trimmed, never truncated; too long is an error."""
    password = field(data, name)
    if not password:
        errors[name] = f"{label} is required."
    elif len(password) > PASSWORD_MAX:
        errors[name] = f"{label} must be at most {PASSWORD_MAX} characters."
    return password


def new_password(errors: FormErrors, name: str, data: dict[str, Any], *, email: str) -> str:
    password = raw_password(errors, name, data, label="Password")
    if name not in errors and (problem := password_problem(password, email)):
        errors[name] = problem
    return password


@dataclass(frozen=True)
class Signup:
    name: str | None
    email: str
    password: str
    timezone: str


def parse_signup(data: dict[str, Any]) -> tuple[Signup, FormErrors]:
    errors: FormErrors = {}
    name = clean_text(errors, "name", field(data, "name"), label="Name", max_length=NAME_MAX)
    email = clean_email(errors, field(data, "email"))
    password = new_password(errors, "password", data, email=email)
    timezone = field(data, "timezone").strip()
    # Filled in by the page's script; a missing or unknown zone quietly falls back to UTC.
    timezone = timezone if is_timezone(timezone) else "UTC"
    return Signup(name=name or None, email=email, password=password, timezone=timezone), errors


@dataclass(frozen=True)
class Profile:
    name: str | None
    timezone: str
    theme: str
    date_order: str | None  # None: not on the form that was sent, left as it is


def parse_profile(data: dict[str, Any]) -> tuple[Profile, FormErrors]:
    errors: FormErrors = {}
    name = clean_text(errors, "name", field(data, "name"), label="Name", max_length=NAME_MAX)
    timezone = field(data, "timezone").strip()
    if not is_timezone(timezone):
        errors["timezone"] = "Choose a time zone from the list."
    theme = field(data, "theme").strip()
    if theme not in {t.value for t in Theme}:
        errors["theme"] = "Choose system, light or dark."
    date_order = field(data, "date_order").strip() or None
    if date_order is not None and date_order not in {d.value for d in DateOrder}:
        errors["date_order"] = "Choose day first (dmy) or month first (mdy)."
    return Profile(name=name or None, timezone=timezone, theme=theme, date_order=date_order), errors

"""Shared form cleaning: trimmed text, refused control characters, errors keyed by field."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeAlias

from litestar.enums import RequestEncodingType
from litestar.params import Body

from app.models import DATE_MAX, DATE_MIN

# C0 controls and DEL, except tab/newline/carriage return which multi-line text may hold.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")

FormErrors = dict[str, str]


def field(data: dict[str, Any], name: str) -> str:
    """One submitted value as text ('' when absent; the last one when repeated)."""
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return value if isinstance(value, str) else ""


def clean_text(
    errors: FormErrors,
    name: str,
    raw: str,
    *,
    label: str,
    max_length: int,
    required: bool = False,
    multiline: bool = False,
) -> str:
    """Trimmed text, or '' with a message in `errors[name]` when it is not acceptable."""
    value = raw.strip()
    pattern = _CONTROL if multiline else _CONTROL_SINGLE_LINE
    if pattern.search(value):
        errors[name] = f"{label} contains characters that are not allowed."
    elif required and not value:
        errors[name] = f"{label} is required."
    elif len(value) > max_length:
        errors[name] = f"{label} must be at most {max_length} characters."
    return value


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL_SINGLE_LINE.search(value))


# A handler parameter `data: FormData` receives the submitted form (repeated names as lists).
FormData: TypeAlias = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


# --- numbers and dates typed by people: one rule for forms, list parameters and imports ------

_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() also accepts '²' and '٣'
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_int(raw: str, *, minimum: int, maximum: int, clamp: bool = False) -> int | None:
    """A whole number in ASCII digits within [minimum, maximum], else None. With `clamp`, a
    number above the maximum (of any length: it is compared by its digits, never converted)
    reads as the maximum."""
    raw = raw.strip()
    if not _DIGITS.fullmatch(raw):
        return None
    digits = raw.lstrip("0") or "0"
    value = maximum + 1 if len(digits) > len(str(maximum)) else int(digits)
    if value > maximum and clamp:
        return maximum
    return value if minimum <= value <= maximum else None


def parse_date(raw: str) -> date | None:
    """An ISO date (YYYY-MM-DD, ASCII digits) within DATE_MIN..DATE_MAX, else None."""
    raw = raw.strip()
    if not _ISO_DATE.fullmatch(raw):
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return None
    return value if DATE_MIN <= value <= DATE_MAX else None


def parse_moment(raw: str) -> datetime | None:
    """An ISO date and time (UTC when it names no offset) within the date window, else None."""
    raw = raw.strip()
    if not raw or len(raw) > 40 or not raw.isascii():
        return None
    try:
        moment = datetime.fromisoformat(raw)
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):  # 9999-12-31T23:59:59-23:59 overflows in UTC
        return None
    return moment if DATE_MIN <= moment.date() <= DATE_MAX else None

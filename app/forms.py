"""Shared form cleaning: trimmed text, refused control characters, errors keyed by field."""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeAlias

from litestar.enums import RequestEncodingType
from litestar.params import Body

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

"""The one rule that keeps secrets out of log lines: secret path segments and query values.

Applied to the app's request line, uvicorn's access log, error logs and logged mail alike.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote, unquote_plus, urlsplit

REDACTED = "[redacted]"

# The segment after these is a secret: a password-reset token, a calendar-feed key.
# tests/test_safe_logs.py fails if a route takes a text path parameter not covered here.
SECRET_AFTER: tuple[tuple[str, ...], ...] = (("password", "reset"), ("calendar",))

# Query parameters whose values are bounded choices (the task list's state). Every other
# value is redacted: `next`, tokens, keys, search words, tag names.
PLAIN_QUERY_KEYS = frozenset({"status", "priority", "due", "sort", "order", "page", "per_page"})

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,23}$")
_PLAIN_VALUE = re.compile(r"^[A-Za-z0-9_\-]{0,24}$")
_URL = re.compile(r"https?://[^\s\"'<>]+")


def redact_path(path: str) -> str:
    """The path with every secret segment replaced (`/calendar/[redacted].ics`)."""
    segments = path.split("/")
    names: list[str] = []  # the non-empty segments so far, decoded and lower-cased
    for index, segment in enumerate(segments):
        if not segment:
            continue
        if any(tuple(names[-len(prefix) :]) == prefix for prefix in SECRET_AFTER):
            suffix = ".ics" if segment.lower().endswith(".ics") else ""
            segments[index] = REDACTED + suffix
        names.append(unquote(segment).lower())
    return "/".join(segments)


def redact_query(query: str) -> str:
    """The query string with only the values of PLAIN_QUERY_KEYS left readable."""
    parts = []
    for pair in query.split("&"):
        key, equals, value = (unquote_plus(part) for part in pair.partition("="))
        if not equals:  # a bare value (`?s3cr3t`) is no name
            parts.append(REDACTED if pair else "")
        elif key in PLAIN_QUERY_KEYS and _PLAIN_VALUE.match(value):
            parts.append(f"{key}={value}")
        else:
            parts.append(f"{key if _NAME.match(key) else REDACTED}={REDACTED}")
    return "&".join(parts)


def redact_target(target: str) -> str:
    """A request target (`/path?query`) as it may be logged."""
    path, question, query = target.partition("?")
    return redact_path(path) + (question + redact_query(query) if question else "")


def redact_urls(text: str) -> str:
    """Every http(s) URL in free text (a logged mail) passed through the same rule."""

    def one(match: re.Match[str]) -> str:
        parts = urlsplit(match.group(0))
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        return f"{parts.scheme}://{parts.netloc}{redact_target(target)}"

    return _URL.sub(one, text)


class AccessLogFilter(logging.Filter):
    """Redacts the request target in uvicorn's access log, which logs the raw path and query
    (`uvicorn app.main:app` turns that log on unless told `--no-access-log`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        # uvicorn: '%s - "%s %s HTTP/%s" %d' % (client, method, path_with_query, version, status)
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_target(args[2]), *args[3:])
        elif "/" in record.getMessage():  # any other shape: the whole line, URLs and targets
            record.msg, record.args = _redact_line(record.getMessage()), ()
        return True


def _redact_line(line: str) -> str:
    line = redact_urls(line)
    return re.sub(r'(?<=[" ])(/[^\s"]*)', lambda m: redact_target(m.group(1)), line)


def install_access_log_filter() -> None:
    """Once per process: the app is built in each uvicorn worker, after uvicorn set up logging."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, AccessLogFilter) for f in access.filters):
        access.addFilter(AccessLogFilter())

"""When a repeating task comes round again: pure functions of the rule and the due date.

The due time is a wall-clock time in the user's zone and is carried over unchanged, so a
09:00 task stays at 09:00 across daylight-saving changes.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from app.models import DATE_MAX, Recurrence

SATURDAY = 5
RULES = frozenset(rule.value for rule in Recurrence) - {Recurrence.none.value}


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if shorter (31 Jan → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_occurrence(rule: str, due: date) -> date | None:
    """The next due date after `due` under `rule`, or None once the series would leave the
    calendar window the app accepts (DATE_MAX): the last occurrence then creates none."""
    if rule not in RULES:
        raise ValueError(f"no next occurrence for recurrence {rule!r}")
    try:
        following = _following(rule, due)
    except (OverflowError, ValueError):  # past date.max
        return None
    return following if following <= DATE_MAX else None


def _following(rule: str, due: date) -> date:
    if rule == Recurrence.daily:
        return due + timedelta(days=1)
    if rule == Recurrence.weekdays:
        following = due + timedelta(days=1)
        while following.weekday() >= SATURDAY:  # Friday → Monday
            following += timedelta(days=1)
        return following
    if rule == Recurrence.weekly:
        return due + timedelta(weeks=1)
    if rule == Recurrence.monthly:
        return add_months(due, 1)
    if rule == Recurrence.yearly:
        return add_months(due, 12)  # 29 February → 28 February
    raise ValueError(f"no next occurrence for recurrence {rule!r}")

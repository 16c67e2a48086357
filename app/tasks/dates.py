"""Due dates in the user's own time zone: today, overdue, and labels like "Tomorrow"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class LocalNow:
    """The current moment on the user's wall clock; date-only tasks are due by its day's end."""

    today: date
    time: time

    @classmethod
    def at(cls, moment: datetime, timezone: str) -> LocalNow:
        local = in_zone(moment, timezone)
        return cls(today=local.date(), time=local.time().replace(tzinfo=None))


def in_zone(moment: datetime, timezone: str) -> datetime:
    """The moment on the wall clock of a time zone (UTC for a name that is not one)."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return moment.astimezone(zone)


def is_overdue(*, status: str, due_date: date | None, due_time: time | None, now: LocalNow) -> bool:
    """Pending and past due: a date-only task once its day has ended, a timed one once passed."""
    if status != "pending" or due_date is None:
        return False
    if due_date < now.today:
        return True
    return due_date == now.today and due_time is not None and due_time < now.time


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def relative_due(
    *, status: str, due_date: date | None, due_time: time | None, now: LocalNow
) -> str:
    """ "Today", "Tomorrow 09:00", "Fri", "Dec 24", "Overdue · 3 days"."""
    if due_date is None:
        return ""
    clock = f" {due_time:%H:%M}" if due_time else ""
    if is_overdue(status=status, due_date=due_date, due_time=due_time, now=now):
        days = (now.today - due_date).days
        return f"Overdue · {_plural(days, 'day')}" if days else f"Overdue · today{clock}"
    days = (due_date - now.today).days
    if days == 0:
        label = "Today"
    elif days == 1:
        label = "Tomorrow"
    elif days == -1:
        label = "Yesterday"
    elif 1 < days < 7:
        label = f"{due_date:%a}"
    elif due_date.year == now.today.year:
        label = f"{due_date:%b} {due_date.day}"
    else:
        label = f"{due_date:%b} {due_date.day}, {due_date.year}"
    return label + clock

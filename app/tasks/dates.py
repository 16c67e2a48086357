"""Dates in the user's own time zone: today, overdue, and the one way Taskwise writes a day
("Fri 4 Dec", day first, the year only when it is not this one) and labels like "Tomorrow"."""

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


def day_label(day: date, today: date) -> str:
    """ "Wed 25 Nov", with the year when it is not this year's: "Fri 24 Dec 2027"."""
    label = f"{day:%a} {day.day} {day:%b}"
    return label if day.year == today.year else f"{label} {day.year}"


def moment_label(moment: datetime, timezone: str, today: date) -> str:
    """An instant (stored in UTC) on the user's wall clock: "Fri 4 Dec 14:05"."""
    local = in_zone(moment, timezone)
    return f"{day_label(local.date(), today)} {local:%H:%M}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def relative_due(
    *, status: str, due_date: date | None, due_time: time | None, now: LocalNow
) -> str:
    """ "Today", "Tomorrow 09:00", "Fri", "Thu 24 Dec", "Overdue · 3 days"."""
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
    else:
        label = day_label(due_date, now.today)
    return label + clock

"""Feed tokens (signed, revocable) and the iCalendar document itself."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur
from itsdangerous import BadSignature
from sqlmodel import Session, col

from app.models import DATE_MAX, Status, Task, User
from app.security import Signing
from app.tasks.queries import tasks_of

TIMED_EVENT_LENGTH = timedelta(minutes=30)


def new_calendar_key() -> str:
    return secrets.token_urlsafe(24)


def feed_token(signing: Signing, user: User) -> str | None:
    if not user.calendar_key:
        return None
    return str(signing.calendar.dumps({"u": str(user.id), "k": user.calendar_key}))


def user_for_feed(db: Session, signing: Signing, token: str) -> User | None:
    """The user whose current feed token this is; a regenerated or turned-off one is None."""
    try:
        payload = signing.calendar.loads(token)
        user = db.get(User, uuid.UUID(str(payload["u"])))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if user is None or not user.calendar_key or payload.get("k") != user.calendar_key:
        return None
    return user


def build_feed(db: Session, user: User, *, now: datetime) -> bytes:
    """VCALENDAR with one VEVENT per dated pending task, in the user's time zone."""
    calendar = Calendar()
    calendar.add("prodid", "-//Taskwise//Tasks//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Taskwise")
    zone = ZoneInfo(user.timezone)
    tasks = db.scalars(
        tasks_of(user.id)
        .where(col(Task.status) == Status.pending, col(Task.due_date).is_not(None))
        .order_by(col(Task.due_date), col(Task.id))
    )
    for task in tasks:
        if task.due_date is None:  # filtered out by the query; this narrows the type
            continue
        event = Event()
        event.add("uid", f"{task.id}@taskwise")
        event.add("summary", task.title)
        if task.description:
            event.add("description", task.description)
        event.add("dtstamp", now)
        if task.due_date > DATE_MAX:  # stored before dates were bounded; cannot be placed
            continue
        if task.due_time is None:  # an all-day event on the due date
            event.add("dtstart", task.due_date)
            event.add("dtend", task.due_date + timedelta(days=1))
        else:
            start = datetime.combine(task.due_date, task.due_time, tzinfo=zone)
            event.add("dtstart", start)
            event.add("dtend", start + TIMED_EVENT_LENGTH)
        if task.recurrence:
            event.add("rrule", _rrule(task.recurrence, task.due_time, zone))
        event.add("categories", [task.priority])
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _rrule(rule: str, due_time: time | None, zone: ZoneInfo) -> vRecur:
    """The stored RRULE as the event's: the task's due date is its DTSTART, and its COUNT
    counts that occurrence. RFC 5545 wants UNTIL as a UTC moment when DTSTART has a time:
    the stored UNTIL date is inclusive, so the last moment of that local day."""
    recur: vRecur = vRecur.from_ical(rule)
    if due_time is not None and "UNTIL" in recur:
        until = recur["UNTIL"][0]
        day = until.date() if isinstance(until, datetime) else until
        recur["UNTIL"] = [datetime.combine(day, time(23, 59, 59), tzinfo=zone).astimezone(UTC)]
    return recur

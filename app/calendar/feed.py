"""Feed tokens (signed, revocable) and the iCalendar document itself."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from itsdangerous import BadSignature
from sqlmodel import Session, col

from app.models import DATE_MAX, Recurrence, Status, Task, User
from app.security import Signing
from app.tasks.queries import tasks_of

RRULES: dict[str, dict[str, object]] = {
    Recurrence.daily: {"FREQ": "DAILY"},
    Recurrence.weekdays: {"FREQ": "WEEKLY", "BYDAY": ["MO", "TU", "WE", "TH", "FR"]},
    Recurrence.weekly: {"FREQ": "WEEKLY"},
    Recurrence.monthly: {"FREQ": "MONTHLY"},
    Recurrence.yearly: {"FREQ": "YEARLY"},
}
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
        if rule := RRULES.get(task.recurrence):
            event.add("rrule", rule)
        event.add("categories", [task.priority])
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())

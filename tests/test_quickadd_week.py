"""Every SPEC §7 row said on each day of a pinned week, in the morning and at 23:30.

The expected due dates come from the spec's own words, computed by walking the calendar a
day at a time (no rrule, no relativedelta, no parser code): a bug that only shows on some
weekday or late in the evening (`every other wednesday` said on a Saturday) fails here.
The week runs Monday 30 November to Sunday 6 December 2026, across a month's end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.tasks.quickadd import parse

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = [date(2026, 11, 30) + timedelta(days=n) for n in range(7)]
MOMENTS = [time(8, 0), time(23, 30)]
NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

Due = Callable[[datetime], date | None]


def first(start: date, fits: Callable[[date], bool]) -> date:
    """The first day from `start` on that fits, walking the calendar one day at a time."""
    day = start
    while not fits(day):
        day += timedelta(days=1)
    return day


def last_of_month(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def nth_weekday(day: date, weekday: int, nth: int) -> bool:
    if day.weekday() != weekday:
        return False
    if nth == -1:
        return (day + timedelta(days=7)).month != day.month
    return (day.day - 1) // 7 == nth - 1


def after_time(clock: time, now: datetime) -> date:
    """A rule's first day: today counts unless the task's time has passed today."""
    return now.date() + timedelta(days=1 if clock <= now.time() else 0)


@dataclass(frozen=True)
class Case:
    words: str
    due: Due
    due_time: time | None = None
    recurrence: str = ""
    priority: str | None = None
    tags: tuple[str, ...] = ()
    hours: int | None = None


def weekday_is(*weekdays: int) -> Callable[[date], bool]:
    return lambda day: day.weekday() in weekdays


def workday(day: date) -> bool:
    return day.weekday() < 5


def nth_friday(nth: int) -> Callable[[date], bool]:
    return lambda day: nth_weekday(day, 4, nth)


def undated(now: datetime) -> None:
    return None


def today(now: datetime) -> date:
    return now.date()


def in_days(n: int) -> Due:
    return lambda now: now.date() + timedelta(days=n)


def coming(weekday: int) -> Due:  # the next such day after today
    return lambda now: first(now.date() + timedelta(days=1), weekday_is(weekday))


def rule_day(fits: Callable[[date], bool], clock: time | None = None) -> Due:
    """The first day of a rule from now on (today counts unless its time has passed)."""
    return lambda now: first(after_time(clock, now) if clock else now.date(), fits)


def fixed(day: date) -> Due:
    return lambda now: day


def clock_day(clock: time) -> Due:  # a time without a date: today if still ahead, else tomorrow
    return lambda now: now.date() + timedelta(days=0 if clock > now.time() else 1)


def next_week_monday(now: datetime) -> date:
    return now.date() - timedelta(days=now.date().weekday()) + timedelta(days=7)


CASES = [
    # day
    Case("today", today),
    Case("tod", today),
    Case("tomorrow", in_days(1)),
    Case("tom", in_days(1)),
    Case("day after tomorrow", in_days(2)),
    # weekday
    Case("friday", coming(4)),
    Case("fri", coming(4)),
    Case("on friday", coming(4)),
    Case("next friday", lambda now: next_week_monday(now) + timedelta(days=4)),
    # relative
    Case("in 3 days", in_days(3)),
    Case("in 2 weeks", in_days(14)),
    Case(
        "in a month",  # the same day next month (this week's days all exist in the next)
        lambda now: date(now.year + now.month // 12, now.month % 12 + 1, now.day),
    ),
    Case("next week", next_week_monday),
    Case("next month", lambda now: first(now.date() + timedelta(days=1), lambda d: d.day == 1)),
    Case(
        "this weekend",
        lambda now: now.date() if now.weekday() == 6 else first(now.date(), weekday_is(5)),
    ),
    Case("end of month", rule_day(last_of_month)),
    # date
    Case("2026-12-24", fixed(date(2026, 12, 24))),
    Case("dec 24", fixed(date(2026, 12, 24))),
    Case("24 dec", fixed(date(2026, 12, 24))),
    Case("december 24th", fixed(date(2026, 12, 24))),
    Case("on the 24th", rule_day(lambda d: d.day == 24)),
    Case("24/12", fixed(date(2026, 12, 24))),
    Case("24.12.2026", fixed(date(2026, 12, 24))),
    # time
    Case("9am", clock_day(time(9)), time(9)),
    Case("9:30pm", clock_day(time(21, 30)), time(21, 30)),
    Case("14:30", clock_day(time(14, 30)), time(14, 30)),
    Case("at 14:30", clock_day(time(14, 30)), time(14, 30)),
    Case("noon", clock_day(time(12)), time(12)),
    # priority, tags, estimate (no date)
    *(
        Case(word, undated, priority=priority)
        for word, priority in [
            ("!low", "low"), ("!medium", "medium"), ("!med", "medium"), ("!high", "high"),
            ("p1", "high"), ("p2", "medium"), ("p3", "low"),
        ]
    ),
    Case("#word", undated, tags=("word",)),
    *(
        Case(words, undated, hours=3)
        for words in ("~3h", "for 3h", "for 3 hours")
    ),
    # repeat: due on the rule's first occurrence from now on
    Case("every day", today, recurrence="FREQ=DAILY"),
    Case("daily", today, recurrence="FREQ=DAILY"),
    Case("every weekday", rule_day(workday), recurrence="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    Case("every week", today, recurrence="FREQ=WEEKLY"),
    Case("weekly", today, recurrence="FREQ=WEEKLY"),
    Case("every mon, wed", rule_day(weekday_is(0, 2)), recurrence="FREQ=WEEKLY;BYDAY=MO,WE"),
    Case(
        "every monday and thursday",
        rule_day(weekday_is(0, 3)),
        recurrence="FREQ=WEEKLY;BYDAY=MO,TH",
    ),
    Case("every other week", today, recurrence="FREQ=WEEKLY;INTERVAL=2"),
    Case(
        "every other wednesday",
        rule_day(weekday_is(2)),
        recurrence="FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
    ),
    Case("every 3 days", today, recurrence="FREQ=DAILY;INTERVAL=3"),
    Case("every 2 weeks", today, recurrence="FREQ=WEEKLY;INTERVAL=2"),
    Case("every month", today, recurrence="FREQ=MONTHLY"),
    Case("monthly", today, recurrence="FREQ=MONTHLY"),
    Case("every 27th", rule_day(lambda d: d.day == 27), recurrence="FREQ=MONTHLY;BYMONTHDAY=27"),
    Case("every last day", rule_day(last_of_month), recurrence="FREQ=MONTHLY;BYMONTHDAY=-1"),
    Case("every 3rd friday", rule_day(nth_friday(3)), recurrence="FREQ=MONTHLY;BYDAY=3FR"),
    Case("every last friday", rule_day(nth_friday(-1)), recurrence="FREQ=MONTHLY;BYDAY=-1FR"),
    Case("every year", today, recurrence="FREQ=YEARLY"),
    Case("yearly", today, recurrence="FREQ=YEARLY"),
    Case(
        "every dec 24",
        rule_day(lambda d: (d.month, d.day) == (12, 24)),
        recurrence="FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24",
    ),
    # with an end, a start, a time
    Case(
        "every other wednesday until 2027-03-31",
        rule_day(weekday_is(2)),
        recurrence="FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;UNTIL=20270331",
    ),
    Case("every day for 5 times", today, recurrence="FREQ=DAILY;COUNT=5"),
    Case(
        "every monday starting dec 10",
        fixed(date(2026, 12, 14)),
        recurrence="FREQ=WEEKLY;BYDAY=MO",
    ),
    Case(
        "every weekday 9:30",
        rule_day(workday, time(9, 30)),
        time(9, 30),
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    ),
    Case(
        "every other wednesday 8am",
        rule_day(weekday_is(2), time(8)),
        time(8),
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
    ),
    Case(
        "every last day 23:00",
        rule_day(last_of_month, time(23)),
        time(23),
        "FREQ=MONTHLY;BYMONTHDAY=-1",
    ),
    Case(
        "every 31st",
        rule_day(lambda d: d.day == 31 or (last_of_month(d) and d.day < 31)),
        recurrence="FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1",
    ),
]  # fmt: skip


@pytest.mark.parametrize("clock", MOMENTS, ids=lambda c: f"{c:%H%M}")
@pytest.mark.parametrize("day", WEEK, ids=NAMES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.words)
def test_said_on_every_day_of_the_week(case: Case, day: date, clock: time) -> None:
    now = datetime.combine(day, clock, tzinfo=BERLIN)
    parsed = parse(f"Task {case.words}", now)
    expected_due = case.due(now)
    assert (parsed.title, parsed.due_date, parsed.due_time) == ("Task", expected_due, case.due_time)
    # A rule without its own days is written out on the due date (every month on the 30th).
    assert parsed.recurrence.startswith(case.recurrence) and bool(parsed.recurrence) == bool(
        case.recurrence
    )
    said = (parsed.priority, parsed.tags, parsed.estimated_hours)
    assert said == (case.priority, case.tags, case.hours)
    shown = {piece.field: piece.value for piece in parsed.pieces}
    assert shown.get("due_date") == (expected_due.isoformat() if expected_due else None)


def test_the_oracle_itself() -> None:
    """The week's helpers, checked against a calendar: 3rd and last Fridays of December 2026
    are the 18th and 25th; its last day is the 31st."""
    assert first(date(2026, 12, 1), lambda d: nth_weekday(d, 4, 3)) == date(2026, 12, 18)
    assert first(date(2026, 12, 1), lambda d: nth_weekday(d, 4, -1)) == date(2026, 12, 25)
    assert first(date(2026, 12, 1), last_of_month) == date(2026, 12, 31)
    assert [d.weekday() for d in WEEK] == list(range(7))

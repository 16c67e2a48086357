"""Reading dates and times: `tomorrow`, `next friday`, `dec 24`, `24/12`, `9:30pm`, `noon`."""

from __future__ import annotations

import calendar
from datetime import date, time, timedelta

from dateutil.relativedelta import relativedelta

from app.models import DATE_MAX, DATE_MIN
from app.tasks.quickadd import words as w
from app.tasks.quickadd.cursor import Cursor
from app.tasks.quickadd.result import QuickAddError


def _checked(day: date) -> date:
    if not DATE_MIN <= day <= DATE_MAX:
        raise QuickAddError(f"Dates must be between {DATE_MIN.year} and {DATE_MAX.year}.")
    return day


def _exact(year: int, month: int, day: int) -> date:
    try:
        found = date(year, month, day)
    except ValueError:
        raise QuickAddError(f"There is no {day} {w.month_name(month)} {year}.") from None
    return _checked(found)


def check_possible(month: int, day: int) -> None:
    """Refuse a day no year has in that month (30 February, 31 April)."""
    if day > calendar.monthrange(2000, month)[1]:  # 2000 is a leap year
        raise QuickAddError(f"There is no {day} {w.month_name(month)}.")


def read_date(cur: Cursor, i: int, *, prefixed: bool = False) -> tuple[int, date] | None:
    """Any date form of the grammar, with an optional `on`/`by` in front."""
    if cur.word(i) in ("on", "by") and not prefixed:
        return read_date(cur, i + 1, prefixed=True)
    for reader in (_absolute, _day_word, _relative):
        found = reader(cur, i, prefixed)
        if found is not None:
            return found[0], _checked(found[1])
    return None


def _day_word(cur: Cursor, i: int, prefixed: bool) -> tuple[int, date] | None:
    word, today = cur.word(i), cur.today
    if word in w.LOWER_CASE_ONLY and cur.tokens[i].typed != word:
        return None
    if word == "day" and cur.word(i + 1) == "after" and cur.word(i + 2) in ("tomorrow", "tom"):
        return i + 3, today + timedelta(days=2)
    if word in ("today", "tod"):
        return i + 1, today
    if word in ("tomorrow", "tom"):
        return i + 1, today + timedelta(days=1)
    weekday = w.WEEKDAYS.get(word)
    if weekday is not None and (prefixed or word not in w.SHY_WEEKDAYS):
        return i + 1, today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    if word == "the" and prefixed:  # on the 24th
        ordinal = w.ORDINAL.fullmatch(cur.word(i + 1))
        if ordinal and 1 <= int(ordinal[1]) <= 31:
            return i + 2, _next_month_day(today, int(ordinal[1]))
    return None


def _next_month_day(today: date, day: int) -> date:
    """The first date on `day` of a month, from today on (31st: the next month with one)."""
    for months in range(13):
        month = today + relativedelta(months=months, day=1)
        if day <= calendar.monthrange(month.year, month.month)[1]:
            candidate = month.replace(day=day)
            if candidate >= today:
                return candidate
    raise AssertionError("every 13 months hold each day of the month")  # pragma: no cover


def _ahead(unit: str, count: int) -> relativedelta:
    """`in <count> <unit>`: months and years end on the month's last day if shorter."""
    if unit == "days":
        return relativedelta(days=count)
    if unit == "weeks":
        return relativedelta(weeks=count)
    return relativedelta(months=count) if unit == "months" else relativedelta(years=count)


def _relative(cur: Cursor, i: int, prefixed: bool) -> tuple[int, date] | None:
    word, then = cur.word(i), cur.word(i + 1)
    if word == "in":
        count, unit = w.number(then, article=True), w.UNITS.get(cur.word(i + 2))
        if count is None or unit is None:
            return None
        try:
            return i + 3, cur.today + _ahead(unit, count)
        except (OverflowError, ValueError):
            raise QuickAddError(f"“in {count} {unit}” is too far ahead.") from None
    if word == "next":
        today = cur.today
        monday = today - timedelta(days=today.weekday())
        if then == "week":
            return i + 2, monday + timedelta(weeks=1)
        if then == "weekend":
            return i + 2, monday + timedelta(weeks=1, days=5)
        if then == "month":
            return i + 2, today + relativedelta(months=1, day=1)
        if then == "year":
            return i + 2, today + relativedelta(years=1, month=1, day=1)
        if then in w.WEEKDAYS:
            return i + 2, monday + timedelta(weeks=1, days=w.WEEKDAYS[then])
    if word == "this" and (then == "weekend" or then in w.WEEKDAYS):
        weekday = cur.today.weekday()
        if then == "weekend":  # the coming Saturday; on a Sunday, today
            return i + 2, cur.today + timedelta(days=0 if weekday == 6 else 5 - weekday)
        ahead = (w.WEEKDAYS[then] - weekday) % 7  # today counts
        return i + 2, cur.today + timedelta(days=ahead)
    if word == "end" and then == "of":
        month_at = i + 3 if cur.word(i + 2) == "the" else i + 2
        if cur.word(month_at) == "month":
            return month_at + 1, cur.today + relativedelta(day=31)
    return None


def _absolute(cur: Cursor, i: int, prefixed: bool) -> tuple[int, date] | None:
    word = cur.word(i)
    if iso := w.ISO.fullmatch(word):
        return i + 1, _exact(int(iso[1]), int(iso[2]), int(iso[3]))
    numeric = w.SLASHED.fullmatch(word) or w.DOTTED.fullmatch(word)
    if numeric:
        first, second = int(numeric[1]), int(numeric[2])
        day, month = (first, second) if cur.date_order == "dmy" else (second, first)
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None  # a score or a fraction, not a date
        return i + 1, _day_of(cur, month, day, numeric[3])
    month_day = read_month_day(cur, i)
    if month_day is None:
        return None
    end, month, day = month_day
    year = cur.word(end)
    if cur.word(end) == "," and w.YEAR.fullmatch(cur.word(end + 1)):
        end, year = end + 1, cur.word(end + 1)
    if w.YEAR.fullmatch(year):
        return end + 1, _day_of(cur, month, day, year)
    return end, _day_of(cur, month, day, None)


def read_month_day(cur: Cursor, i: int) -> tuple[int, int, int] | None:
    """`dec 24`, `december 24th`, `24 dec`, `24th of december`: (end, month, day)."""
    word, then = cur.word(i), cur.word(i + 1)
    if word in w.MONTHS and (day := w.DAY.fullmatch(then)) and 1 <= int(day[1]) <= 31:
        return i + 2, w.MONTHS[word], int(day[1])
    day = w.DAY.fullmatch(word)
    if not day or not 1 <= int(day[1]) <= 31:
        return None
    month_at = i + 2 if then == "of" and w.ORDINAL.fullmatch(word) else i + 1
    if cur.word(month_at) in w.MONTHS:
        return month_at + 1, w.MONTHS[cur.word(month_at)], int(day[1])
    return None


def _day_of(cur: Cursor, month: int, day: int, year: str | None) -> date:
    """That day in the given year, else the first one from today on (29 Feb: a leap year)."""
    if year is not None:
        return _exact(int(year), month, day)
    check_possible(month, day)
    today = cur.today
    for ahead in range(9):
        try:
            candidate = date(today.year + ahead, month, day)
        except ValueError:  # 29 February outside a leap year
            continue
        if candidate >= today:
            return candidate
    raise QuickAddError("That date is too far ahead.")  # near DATE_MAX only


def read_time(cur: Cursor, i: int) -> tuple[int, time] | None:
    """`9am`, `9 am`, `9:30pm`, `14:30`, `noon`, each with an optional `at` in front."""
    at = i + 1 if cur.word(i) == "at" else i
    word, then = cur.word(at), cur.word(at + 1)
    if word in ("noon", "midday"):
        return at + 1, time(12)
    if clock := w.CLOCK_24.fullmatch(word):
        hour, minute = int(clock[1]), int(clock[2])
        if then in ("am", "pm") and 1 <= hour <= 12 and minute < 60:
            return at + 2, _twelve_hour(hour, minute, then)
        return (at + 1, time(hour, minute)) if hour < 24 and minute < 60 else None
    clock = w.CLOCK_12.fullmatch(word)
    if clock is None or not 1 <= int(clock[1]) <= 12 or int(clock[2] or 0) >= 60:
        return None
    if clock[3]:
        return at + 1, _twelve_hour(int(clock[1]), int(clock[2] or 0), clock[3])
    if then in ("am", "pm"):
        return at + 2, _twelve_hour(int(clock[1]), int(clock[2] or 0), then)
    return None


def _twelve_hour(hour: int, minute: int, half: str) -> time:
    return time(hour % 12 + (12 if half == "pm" else 0), minute)

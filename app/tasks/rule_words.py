"""Repeat rules in words: "every other Wednesday", "every month on the 25th, 3 more times"."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.tasks.rules import WEEKDAYS, Rule, RuleError, long_date, parse_rule

_WORKWEEK = ((0, "MO"), (0, "TU"), (0, "WE"), (0, "TH"), (0, "FR"))
_WEEKEND = ((0, "SA"), (0, "SU"))
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 22nd."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _every(interval: int, unit: str) -> str:
    if interval == 1:
        return f"every {unit}"
    if interval == 2:
        return f"every other {unit}"
    return f"every {interval} {unit}s"


def _month_day(day: int) -> str:
    if day == -1:
        return "the last day"
    if day < 0:
        return f"the {ordinal(-day)} to last day"
    return f"the {ordinal(day)}"


def _nth_weekday(n: int, day: str) -> str:
    name = _DAY_NAMES[WEEKDAYS.index(day)]
    if n == -1:
        return f"last {name}"
    return f"{ordinal(-n)} to last {name}" if n < 0 else f"{ordinal(n)} {name}"


def _clamp_day(rule: Rule) -> int | None:
    """<day> when the rule is the "28..<day>, the last of them" form, else None."""
    days = rule.bymonthday
    clamped = len(days) > 1 and days == tuple(range(28, days[-1] + 1))
    return days[-1] if clamped and rule.bysetpos == (-1,) and not rule.byday else None


def _weekly(rule: Rule, due: date | None) -> str | None:
    if rule.bymonth or rule.bymonthday or rule.bysetpos:
        return None
    every = _every(rule.interval, "week")
    if not rule.byday:
        return every if due is None else f"{every} on {_DAY_NAMES[due.weekday()]}"
    if rule.byday == _WORKWEEK and rule.interval == 1:
        return "every weekday"
    if rule.byday == _WEEKEND and rule.interval == 1:
        return "every weekend"
    names = [_DAY_NAMES[WEEKDAYS.index(day)] for _, day in rule.byday]
    if rule.interval == 1:
        return f"every {_listed(names)}"
    if rule.interval == 2 and len(names) == 1:
        return f"every other {names[0]}"
    return f"{every} on {_listed(names)}"


def _monthly(rule: Rule, due: date | None) -> str | None:
    every = _every(rule.interval, "month")
    clamp = _clamp_day(rule)
    if rule.bymonth:
        return None
    if rule.is_anchored:
        if due is None:
            return every
        clamp = due.day if due.day >= 29 else None
        if clamp is None:
            return f"{every} on the {ordinal(due.day)}"
    if clamp is not None:
        return f"{every} on the {ordinal(clamp)} (or the last day)"
    if rule.bymonthday and not (rule.byday or rule.bysetpos):
        return f"{every} on {_listed([_month_day(d) for d in rule.bymonthday])}"
    if len(rule.byday) == 1 and rule.byday[0][0] and not (rule.bymonthday or rule.bysetpos):
        nth = _nth_weekday(*rule.byday[0])
        return f"every {nth}" if rule.interval == 1 else f"{every} on the {nth}"
    return None


def _yearly(rule: Rule, due: date | None) -> str | None:
    every = _every(rule.interval, "year")
    if rule.is_anchored:
        if due is None:
            return every
        if (due.month, due.day) == (2, 29):
            return f"{every} on 29 February (or 28 February)"
        return f"{every} on {due.day} {_MONTH_NAMES[due.month - 1]}"
    if len(rule.bymonth) != 1:
        return None
    month = _MONTH_NAMES[rule.bymonth[0] - 1]
    if rule.bymonth == (2,) and _clamp_day(rule) == 29:
        return f"{every} on 29 February (or 28 February)"
    if len(rule.bymonthday) == 1 and rule.bymonthday[0] > 0 and not (rule.byday or rule.bysetpos):
        return f"{every} on {rule.bymonthday[0]} {month}"
    if len(rule.byday) == 1 and rule.byday[0][0] and not (rule.bymonthday or rule.bysetpos):
        return f"{every} on the {_nth_weekday(*rule.byday[0])} of {month}"
    return None


def _daily(rule: Rule) -> str | None:
    if rule.is_anchored:
        return _every(rule.interval, "day")
    if rule.interval == 1 and rule.byday and not (rule.bymonth or rule.bymonthday or rule.bysetpos):
        return _weekly(replace(rule, freq="WEEKLY"), None)
    return None


def describe(rule: str, due: date | None = None) -> str:
    """The rule in words ("every other Wednesday", "every month on the 25th, 3 more times");
    "" for none. Never raises: a rule it cannot put in words comes back as its RRULE text."""
    try:
        parsed = parse_rule(rule)
    except RuleError:
        return rule
    if parsed is None:
        return ""
    if parsed.freq == "DAILY":
        words = _daily(parsed)
    elif parsed.freq == "WEEKLY":
        words = _weekly(parsed, due)
    elif parsed.freq == "MONTHLY":
        words = _monthly(parsed, due)
    else:
        words = _yearly(parsed, due)
    if words is None:
        return str(parsed)
    if parsed.until is not None:
        words += f", until {long_date(parsed.until)}"
    if parsed.count is not None:
        words += ", last time" if parsed.count == 1 else f", {parsed.count} more times"
    return words

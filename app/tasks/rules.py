"""Repeat rules as RFC 5545 RRULE text: read, check, store canonically, expand and describe.

A task's (due date, rule) pair describes the rest of its series: the due date is the
series' DTSTART, so a rule without BYxxx parts (the presets) is anchored on the due date.
Expansion is python-dateutil's `rrule`; this module only decides what to hand it.

Representation choices (docs/QUICK_ADD.md explains them):

- Monthly on the 29th-31st is `BYMONTHDAY=28,...,<day>;BYSETPOS=-1`: the last of those days
  that the month has, so 31 Jan -> 28 Feb -> 31 Mar, never drifting to the 28th. A bare
  `FREQ=MONTHLY` due on such a day is rewritten to that form (RFC 5545 alone would skip the
  short months). Yearly on 29 Feb is `BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1` likewise.
- `COUNT=n` counts the task that carries it: completing it leaves n-1 for the next one,
  and completing the one with `COUNT=1` ends the series.
- `UNTIL` is stored as a date (`UNTIL=20271231`) and is inclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Literal

from dateutil import rrule as du

from app.models import DATE_MAX, DATE_MIN, RULE_MAX

INTERVAL_MAX = 366
COUNT_MAX = 10000
# The most days each month can have (leap years included).
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

PRESETS: dict[str, str] = {
    "none": "",
    "daily": "FREQ=DAILY",
    "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    "weekly": "FREQ=WEEKLY",
    "monthly": "FREQ=MONTHLY",
    "yearly": "FREQ=YEARLY",
}
FREQUENCIES: dict[str, Literal[0, 1, 2, 3]] = {
    "DAILY": du.DAILY,
    "WEEKLY": du.WEEKLY,
    "MONTHLY": du.MONTHLY,
    "YEARLY": du.YEARLY,
}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_PARTS = (
    "FREQ",
    "INTERVAL",
    "BYMONTH",
    "BYMONTHDAY",
    "BYDAY",
    "BYSETPOS",
    "WKST",
    "UNTIL",
    "COUNT",
)
_SUB_DAILY = {"HOURLY", "MINUTELY", "SECONDLY"}
_HOW_TO = (
    "Choose a preset (daily, weekdays, weekly, monthly, yearly), type a phrase such as "
    "“every other wednesday”, or an RRULE such as FREQ=WEEKLY;BYDAY=MO."
)


class RuleError(ValueError):
    """A repeat rule the app cannot honour; the message is shown beside the field."""


@dataclass(frozen=True)
class Rule:
    """One RRULE, its parts parsed and checked; `str(rule)` is the canonical text."""

    freq: str
    interval: int = 1
    bymonth: tuple[int, ...] = ()
    bymonthday: tuple[int, ...] = ()
    byday: tuple[tuple[int, str], ...] = ()  # (ordinal or 0, "MO")
    bysetpos: tuple[int, ...] = ()
    wkst: str = "MO"
    until: date | None = None
    count: int | None = None

    def __str__(self) -> str:
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.bymonth:
            parts.append("BYMONTH=" + _join(self.bymonth))
        if self.bymonthday:
            parts.append("BYMONTHDAY=" + _join(self.bymonthday))
        if self.byday:
            parts.append("BYDAY=" + ",".join(f"{n or ''}{day}" for n, day in self.byday))
        if self.bysetpos:
            parts.append("BYSETPOS=" + _join(self.bysetpos))
        if self.wkst != "MO":
            parts.append(f"WKST={self.wkst}")
        if self.until is not None:
            parts.append(f"UNTIL={self.until:%Y%m%d}")
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        return ";".join(parts)

    @property
    def is_anchored(self) -> bool:
        """No BYxxx part: the due date says which day (a preset)."""
        return not (self.bymonth or self.bymonthday or self.byday or self.bysetpos)

    def anchored_on(self, due: date) -> Rule:
        """This rule with the due date's day written out where dateutil would otherwise skip
        short months: a 29th-31st monthly, or 29 February yearly, becomes a BYSETPOS=-1 rule."""
        if not self.is_anchored:
            return self
        if self.freq == "MONTHLY" and due.day >= 29:
            return replace(self, bymonthday=tuple(range(28, due.day + 1)), bysetpos=(-1,))
        if self.freq == "YEARLY" and (due.month, due.day) == (2, 29):
            return replace(self, bymonth=(2,), bymonthday=(28, 29), bysetpos=(-1,))
        return self

    def expand(self, start: date) -> du.rrule:
        """dateutil's rrule with DTSTART `start`, cut at UNTIL or DATE_MAX, COUNT left out:
        callers count themselves, since a task's due date need not be an occurrence."""
        last = min(self.until or DATE_MAX, DATE_MAX)
        return du.rrule(
            FREQUENCIES[self.freq],
            dtstart=_midnight(start),
            interval=self.interval,
            wkst=WEEKDAYS.index(self.wkst),
            until=_midnight(last),
            bysetpos=self.bysetpos or None,
            bymonth=self.bymonth or None,
            bymonthday=self.bymonthday or None,
            byweekday=[du.weekday(WEEKDAYS.index(day), n or None) for n, day in self.byday] or None,
        )

    def first_from(self, start: date) -> date | None:
        """The first occurrence on or after `start` within the app's dates. The series begins
        there, so INTERVAL counts from that day on: `every other wednesday` said on a
        Saturday is the coming Wednesday (dateutil would count its 2 weeks from the week
        holding `start`, whose Wednesday has passed, and skip to the one after)."""
        first = replace(self.anchored_on(start), interval=1)
        found = first.expand(start).after(_midnight(start), inc=True)
        return found.date() if found else None


def _join(numbers: tuple[int, ...]) -> str:
    return ",".join(str(n) for n in numbers)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())  # noqa: DTZ001 - dateutil walks naive calendar days


# Reading RRULE text


def _int(name: str, value: str, low: int, high: int) -> int:
    """An integer part value within [low, high]; 0 is never one (RFC 5545)."""
    text = value.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isdigit() or len(digits) > 6:
        raise RuleError(f"{name} must be a whole number, not “{value}”.")
    number = int(text)
    if not low <= number <= high:
        raise RuleError(f"{name} must be between {low} and {high}.")
    if number == 0:
        raise RuleError(f"{name} cannot be 0.")
    return number


def _ints(name: str, value: str, low: int, high: int) -> tuple[int, ...]:
    numbers = {_int(name, item, low, high) for item in value.split(",")}
    return tuple(sorted(numbers, key=lambda n: (n < 0, n)))


def _byday(value: str, freq: str) -> tuple[tuple[int, str], ...]:
    days: set[tuple[int, str]] = set()
    for item in value.split(","):
        item = item.strip()
        day, ordinal = item[-2:], item[:-2]
        if day not in WEEKDAYS:
            raise RuleError(f"BYDAY takes days such as MO, TU or 3FR, not “{item}”.")
        if not ordinal:
            days.add((0, day))
            continue
        if freq not in ("MONTHLY", "YEARLY"):
            raise RuleError(f"BYDAY={item} needs FREQ=MONTHLY or FREQ=YEARLY.")
        limit = 5 if freq == "MONTHLY" else 53
        days.add((_int("The number in BYDAY", ordinal, -limit, limit), day))
    return tuple(sorted(days, key=lambda d: (WEEKDAYS.index(d[1]), d[0] < 0, d[0])))


def _until(value: str) -> date:
    text = value.strip().upper()
    head = text[:8]
    if len(text) not in (8, 15, 16) or not head.isdigit():
        raise RuleError(f"UNTIL must be a date such as 20271231, not “{value}”.")
    try:
        day = date(int(head[:4]), int(head[4:6]), int(head[6:8]))
    except ValueError:
        raise RuleError(f"UNTIL is not a real date: “{value}”.") from None
    if not DATE_MIN <= day <= DATE_MAX:
        raise RuleError(f"UNTIL must be between {DATE_MIN.year} and {DATE_MAX.year}.")
    return day


def parse_rule(text: str) -> Rule | None:
    """An RRULE (with or without `RRULE:`, any case) as a checked Rule; None for "".

    Raises RuleError, naming the part, for anything the app cannot honour."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    if not body:
        return None
    if len(text) > RULE_MAX:
        raise RuleError(f"A repeat rule is at most {RULE_MAX} characters.")
    found: dict[str, str] = {}
    for part in body.strip().strip(";").split(";"):
        name, sign, value = part.partition("=")
        name = name.strip().upper()
        if not sign or not name or not value.strip():
            raise RuleError(f"“{part.strip()}” is not a part of a repeat rule. {_HOW_TO}")
        if name not in _PARTS:
            raise RuleError(f"Repeat rules cannot use {name}.")
        if name in found:
            raise RuleError(f"{name} is given twice.")
        found[name] = value.strip().upper()
    freq = found.get("FREQ")
    if freq in _SUB_DAILY:
        raise RuleError(f"Tasks repeat at most daily: FREQ={freq} is not supported.")
    if freq not in FREQUENCIES:
        raise RuleError("A repeat rule needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.")
    if "UNTIL" in found and "COUNT" in found:
        raise RuleError(
            "A repeat rule ends at a date (UNTIL) or after a number of times (COUNT), not both."
        )
    wkst = found.get("WKST", "MO")
    if wkst not in WEEKDAYS:
        raise RuleError(f"WKST takes a day such as MO, not “{wkst}”.")
    return _comes_round(
        Rule(
            freq=freq,
            interval=_int("INTERVAL", found.get("INTERVAL", "1"), 1, INTERVAL_MAX),
            bymonth=_ints("BYMONTH", found["BYMONTH"], 1, 12) if "BYMONTH" in found else (),
            bymonthday=_ints("BYMONTHDAY", found["BYMONTHDAY"], -31, 31)
            if "BYMONTHDAY" in found
            else (),
            byday=_byday(found["BYDAY"], freq) if "BYDAY" in found else (),
            bysetpos=_ints("BYSETPOS", found["BYSETPOS"], -366, 366) if "BYSETPOS" in found else (),
            wkst=wkst,
            until=_until(found["UNTIL"]) if "UNTIL" in found else None,
            count=_int("COUNT", found["COUNT"], 1, COUNT_MAX) if "COUNT" in found else None,
        )
    )


def _comes_round(rule: Rule) -> Rule:
    """Refuse combinations that may never (or only after centuries) give a day: dateutil
    walks the calendar up to year 9999 looking for one, whatever UNTIL says. What is left
    comes round within a few decades at worst (29 February on a Monday)."""
    if rule.freq in ("DAILY", "WEEKLY") and (rule.bymonthday or rule.bysetpos):
        raise RuleError("BYMONTHDAY and BYSETPOS need FREQ=MONTHLY or FREQ=YEARLY.")
    if rule.freq == "DAILY" and rule.byday and rule.interval > 1:
        raise RuleError("For some weekdays every few weeks, use FREQ=WEEKLY with BYDAY.")
    if rule.freq == "MONTHLY" and rule.bymonth and rule.interval > 1:
        raise RuleError("BYMONTH with a monthly INTERVAL may never come round; use FREQ=YEARLY.")
    numbered = any(n for n, _ in rule.byday)
    if numbered and rule.bymonthday:
        raise RuleError("BYDAY with a number (such as 3FR) cannot be combined with BYMONTHDAY.")
    if rule.bymonth and any(abs(n) > 5 for n, _ in rule.byday):
        raise RuleError("With BYMONTH, BYDAY numbers go from -5 to 5.")
    months = rule.bymonth or tuple(range(1, 13))
    longest = max(_MONTH_DAYS[month - 1] for month in months)
    if rule.bymonthday and all(abs(day) > longest for day in rule.bymonthday):
        raise RuleError("This rule never comes round: its months have no such day.")
    if rule.bysetpos:
        if numbered or bool(rule.byday) == bool(rule.bymonthday):
            raise RuleError("BYSETPOS works with BYDAY (days without numbers) or BYMONTHDAY.")
        shortest = min(28 if month == 2 else _MONTH_DAYS[month - 1] for month in months)
        per_month = sum(abs(day) <= shortest for day in rule.bymonthday) or 4 * len(rule.byday)
        per_period = per_month * (1 if rule.freq == "MONTHLY" else len(months))
        if any(abs(position) > per_period for position in rule.bysetpos):
            raise RuleError("BYSETPOS picks a day that this rule's months may not have.")
    return rule


def _clamped(rule: Rule) -> Rule:
    """A single monthly day 29-31 (`every 31st`) as the day-or-the-month's-last-day form."""
    if (
        rule.freq == "MONTHLY"
        and len(rule.bymonthday) == 1
        and 29 <= rule.bymonthday[0] <= 31
        and not (rule.byday or rule.bysetpos)
    ):
        return replace(rule, bymonthday=tuple(range(28, rule.bymonthday[0] + 1)), bysetpos=(-1,))
    if (
        rule.freq == "YEARLY"
        and rule.bymonth == (2,)
        and rule.bymonthday == (29,)
        and not (rule.byday or rule.bysetpos)
    ):
        return replace(rule, bymonthday=(28, 29), bysetpos=(-1,))
    return rule


def normalize(text: str, due: date | None = None) -> str:
    """Canonical RRULE text ("" for none) from a preset name or an RRULE (`every …` phrases
    are quick add's grammar: app.tasks.quickadd.read_rule reads them, then calls this).

    With `due`, a preset is anchored on it (29th-31st and 29 February written out) and an
    UNTIL before it is refused. Raises RuleError with a message for the user."""
    words = " ".join(text.split()).lower()
    if len(words) > RULE_MAX:
        raise RuleError(f"A repeat rule is at most {RULE_MAX} characters.")
    rule = parse_rule(PRESETS.get(words, text))
    if rule is None:
        return ""
    rule = _clamped(rule)
    if due is not None:
        rule = rule.anchored_on(due)
        if rule.until is not None and rule.until < due:
            raise RuleError(f"The repeat ends on {long_date(rule.until)}, before the task is due.")
    return str(rule)


def without_end(rule: str) -> str:
    """The rule without its UNTIL or COUNT (text that is not a rule comes back unchanged)."""
    try:
        parsed = parse_rule(rule)
    except RuleError:
        return rule
    return str(replace(parsed, until=None, count=None)) if parsed else rule


def is_valid(rule: str) -> bool:
    """Whether stored or typed RRULE text parses (presets and phrases are not RRULEs)."""
    try:
        parse_rule(rule)
    except RuleError:
        return False
    return True


def next_occurrence(rule: str, due: date) -> tuple[date, str] | None:
    """The rule's first occurrence strictly after `due`, and the rule the next task stores
    (COUNT one less, a 29th-31st written out); None when the series ends: COUNT used up,
    UNTIL passed, or past DATE_MAX. Raises RuleError for text that is not a rule."""
    parsed = parse_rule(rule)
    if parsed is None or parsed.count == 1:
        return None
    anchored = parsed.anchored_on(due)
    found = anchored.expand(due).after(_midnight(due))
    if found is None:
        return None
    count = None if anchored.count is None else anchored.count - 1
    return found.date(), str(replace(anchored, count=count))


def first_on_or_after(rule: str, day: date) -> date | None:
    """The rule's first occurrence on or after `day` (a rule without BYxxx parts: `day`
    itself), or None if it does not come round again within the app's dates."""
    parsed = parse_rule(rule)
    if parsed is None:
        raise RuleError("There is no repeat rule to take a date from.")
    return parsed.first_from(day) if day <= DATE_MAX else None


def first_occurrence(rule: str, now: datetime, due_time: time | None) -> date:
    """The first day from `now` on (the user's local moment) that the rule falls on: today
    counts unless `due_time` has already passed today. Raises RuleError if none is left."""
    passed = due_time is not None and due_time <= now.time()
    start = now.date() + timedelta(days=1 if passed else 0)
    found = first_on_or_after(rule, start)
    if found is None:
        ends = parse_rule(rule)
        if ends is not None and ends.until is not None and ends.until < start:
            raise RuleError(f"The repeat ends on {long_date(ends.until)}, before the task is due.")
        raise RuleError("This rule does not come round again.")
    return found


def long_date(day: date) -> str:
    """ "24 Dec 2026", as the rules' messages and words say an end date."""
    return f"{day.day} {day:%b} {day.year}"

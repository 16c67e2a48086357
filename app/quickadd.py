"""Quick add: one typed line and the user's "now" in, a task's fields and what was understood out.

A pure function (no clock, no database): the line is cut into whitespace- and
comma-separated tokens, each kept with its span; a small hand-written reader per kind of
phrase (dates, times, priority, tags, estimates, repeats) tries each position in turn, and
whatever it does not recognise stays in the title, in order. docs/QUICK_ADD.md has the
grammar and the choices behind it; app.tasks.rules holds the repeat rules themselves.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal, TypeVar

from dateutil.relativedelta import relativedelta

from app.models import DATE_MAX, DATE_MIN, DateOrder, TaskFields, limits_of
from app.tasks import rules
from app.tasks.forms import MAX_TAGS, is_tag_name

TITLE = limits_of(TaskFields, "title")
ESTIMATE = limits_of(TaskFields, "estimated_hours")
DATE_ORDERS = frozenset(order.value for order in DateOrder)

Field = Literal["due_date", "due_time", "priority", "tags", "estimated_hours", "recurrence"]

_WEEKDAYS = {
    **dict.fromkeys(("monday", "mon"), 0),
    **dict.fromkeys(("tuesday", "tue", "tues"), 1),
    **dict.fromkeys(("wednesday", "wed"), 2),
    **dict.fromkeys(("thursday", "thu", "thur", "thurs"), 3),
    **dict.fromkeys(("friday", "fri"), 4),
    **dict.fromkeys(("saturday", "sat"), 5),
    **dict.fromkeys(("sunday", "sun"), 6),
}
# Everyday words first: alone they are not weekdays ("Buy sun cream"); after on/by/next/this,
# until/starting or in an `every` list they are.
_SHY_WEEKDAYS = frozenset({"sun", "sat", "wed"})
# Shorthand typed in lower case; capitalised they are names ("Call Tom").
_LOWER_CASE_ONLY = frozenset({"tom", "tod"})
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        (
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ),
        start=1,
    )
}
_ARTICLES = {"a": 1, "an": 1}
_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
_UNITS = {
    **dict.fromkeys(("day", "days"), "days"),
    **dict.fromkeys(("week", "weeks"), "weeks"),
    **dict.fromkeys(("month", "months"), "months"),
    **dict.fromkeys(("year", "years"), "years"),
}
_FREQ = {"days": "DAILY", "weeks": "WEEKLY", "months": "MONTHLY", "years": "YEARLY"}
_HOURS = frozenset({"h", "hr", "hrs", "hour", "hours"})
_ADVERBS = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "yearly": "YEARLY"}
_PRIORITIES = {
    "!low": "low", "!medium": "medium", "!med": "medium", "!high": "high",
    "p1": "high", "p2": "medium", "p3": "low",
}  # fmt: skip
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

_TOKEN = re.compile(r'"(?P<quoted>[^"]*)"|[^\s",]+|[,"]')
_TRAILING = re.compile(r"[.!?;:]+$")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")  # a year is needed: "1.2" is a version
_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?")
_ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th)")
_YEAR = re.compile(r"\d{4}")
_CLOCK_12 = re.compile(r"(\d{1,2})(?::(\d{2}))?(am|pm)?")
_CLOCK_24 = re.compile(r"(\d{1,2}):(\d{2})")
_ESTIMATE = re.compile(r"~?(\d+(?:\.\d+)?)(h|hrs?|hours?)?")


class QuickAddError(ValueError):
    """A line quick add cannot turn into a task; the message is shown to the user."""


@dataclass(frozen=True)
class Piece:
    """One understood part of the line: its field, its value as the page's `data-value`,
    its span in the original line, the text there and a label for a chip."""

    field: Field
    value: str
    start: int
    end: int
    text: str
    label: str


@dataclass(frozen=True)
class Parsed:
    """What a line says: the task's fields (None/empty where not said) and its pieces."""

    title: str
    due_date: date | None
    due_time: time | None
    priority: str | None
    tags: tuple[str, ...]
    estimated_hours: int | None
    recurrence: str
    pieces: tuple[Piece, ...]
    today: date  # the user's local day the line was read on (labels leave its year out)


@dataclass(frozen=True)
class _Token:
    word: str  # lower-cased text; '"' for quoted text, which nothing matches
    start: int
    end: int
    typed: str  # as typed


@dataclass(frozen=True)
class _Match:
    """A recognised run of tokens [first, end) and what it says."""

    field: Field
    first: int
    end: int
    value: object
    starting: bool = False  # a due date given as `starting <date>`
    adverb: bool = False  # `daily` … `yearly`: only counts at the end of the line
    ending: bool = False  # an `until`/`for N times` said apart from its `every` phrase


@dataclass(frozen=True)
class _Repeat:
    """A repeat phrase: the RRULE's core and its optional end."""

    core: str
    until: date | None = None
    count: int | None = None

    def rule(self) -> str:
        end = f";UNTIL={self.until:%Y%m%d}" if self.until else ""
        return self.core + end + (f";COUNT={self.count}" if self.count else "")


def _tokens(line: str) -> list[_Token]:
    """Words, commas and quoted text with their spans; sentence punctuation after a word
    (`tomorrow.`) is a token of its own so that the word can still be read."""
    found: list[_Token] = []
    for match in _TOKEN.finditer(line):
        start, end = match.span()
        if match.group("quoted") is not None:
            found.append(_Token('"', start, end, match.group()))
            continue
        text = match.group()
        trailing = _TRAILING.search(text)
        cut = start + trailing.start() if trailing and trailing.start() > 0 else end
        found.append(_Token(text[: cut - start].lower(), start, cut, text[: cut - start]))
        if cut < end:
            found.append(_Token(text[cut - start :], cut, end, text[cut - start :]))
    return found


def _number(word: str, *, article: bool = False) -> int | None:
    if word.isdigit() and len(word) <= 6:
        return int(word)
    return _NUMBER_WORDS.get(word) or (_ARTICLES.get(word) if article else None)


def _month_name(month: int) -> str:
    return calendar.month_name[month]


def _checked(day: date) -> date:
    if not DATE_MIN <= day <= DATE_MAX:
        raise QuickAddError(f"Dates must be between {DATE_MIN.year} and {DATE_MAX.year}.")
    return day


def _exact(year: int, month: int, day: int) -> date:
    try:
        found = date(year, month, day)
    except ValueError:
        raise QuickAddError(f"There is no {day} {_month_name(month)} {year}.") from None
    return _checked(found)


def _possible(month: int, day: int) -> None:
    """Refuse a day no year has in that month (30 February, 31 April)."""
    if day > calendar.monthrange(2000, month)[1]:  # 2000 is a leap year
        raise QuickAddError(f"There is no {day} {_month_name(month)}.")


class _Reader:
    """Reads phrases at a token position; each `read_…` returns (end, value) or None."""

    def __init__(self, tokens: list[_Token], today: date | None, date_order: str) -> None:
        self.tokens = tokens
        self._today = today
        self.date_order = date_order

    def word(self, index: int) -> str:
        return self.tokens[index].word if index < len(self.tokens) else ""

    @property
    def today(self) -> date:
        if self._today is None:  # a repeat phrase read without a reference day
            raise QuickAddError("Write the end date in full, such as 2027-12-24.")
        return self._today

    # Dates

    def read_date(self, i: int, *, prefixed: bool = False) -> tuple[int, date] | None:
        """Any date form of the grammar, with an optional `on`/`by` in front."""
        word = self.word(i)
        if word in ("on", "by") and not prefixed:
            return self.read_date(i + 1, prefixed=True)
        for reader in (self._absolute, self._day_word, self._relative):
            found = reader(i, prefixed)
            if found is not None:
                return found[0], _checked(found[1])
        return None

    def _day_word(self, i: int, prefixed: bool) -> tuple[int, date] | None:
        word = self.word(i)
        if word in _LOWER_CASE_ONLY and self.tokens[i].typed != word:
            return None
        if (
            word == "day"
            and self.word(i + 1) == "after"
            and self.word(i + 2) in ("tomorrow", "tom")
        ):
            return i + 3, self.today + timedelta(days=2)
        if word in ("today", "tod"):
            return i + 1, self.today
        if word in ("tomorrow", "tom"):
            return i + 1, self.today + timedelta(days=1)
        weekday = _WEEKDAYS.get(word)
        if weekday is not None and (prefixed or word not in _SHY_WEEKDAYS):
            return i + 1, self.today + timedelta(days=(weekday - self.today.weekday() - 1) % 7 + 1)
        if word == "the" and prefixed:  # on the 24th
            ordinal = _ORDINAL.fullmatch(self.word(i + 1))
            if ordinal and 1 <= int(ordinal[1]) <= 31:
                return i + 2, self._next_month_day(int(ordinal[1]))
        return None

    def _next_month_day(self, day: int) -> date:
        """The first date on `day` of a month, from today on (31st: the next month with one)."""
        for months in range(13):
            month = self.today + relativedelta(months=months, day=1)
            if day <= calendar.monthrange(month.year, month.month)[1]:
                candidate = month.replace(day=day)
                if candidate >= self.today:
                    return candidate
        raise AssertionError("every 13 months hold each day of the month")  # pragma: no cover

    def _relative(self, i: int, prefixed: bool) -> tuple[int, date] | None:
        word, then = self.word(i), self.word(i + 1)
        if word == "in":
            count, unit = _number(then, article=True), _UNITS.get(self.word(i + 2))
            if count is None or unit is None:
                return None
            try:
                return i + 3, self.today + _ahead(unit, count)
            except (OverflowError, ValueError):
                raise QuickAddError(f"“in {count} {unit}” is too far ahead.") from None
        if word == "next":
            monday = self.today - timedelta(days=self.today.weekday())
            if then == "week":
                return i + 2, monday + timedelta(weeks=1)
            if then == "weekend":
                return i + 2, monday + timedelta(weeks=1, days=5)
            if then == "month":
                return i + 2, self.today + relativedelta(months=1, day=1)
            if then == "year":
                return i + 2, self.today + relativedelta(years=1, month=1, day=1)
            if then in _WEEKDAYS:
                return i + 2, monday + timedelta(weeks=1, days=_WEEKDAYS[then])
        if word == "this":
            if then == "weekend":  # the coming Saturday; on a Sunday, today
                weekday = self.today.weekday()
                return i + 2, self.today + timedelta(days=0 if weekday == 6 else 5 - weekday)
            if then in _WEEKDAYS:
                ahead = (_WEEKDAYS[then] - self.today.weekday()) % 7  # today counts
                return i + 2, self.today + timedelta(days=ahead)
        if word == "end" and then == "of":
            month_at = i + 3 if self.word(i + 2) == "the" else i + 2
            if self.word(month_at) == "month":
                return month_at + 1, self.today + relativedelta(day=31)
        return None

    def _absolute(self, i: int, prefixed: bool) -> tuple[int, date] | None:
        word = self.word(i)
        if iso := _ISO.fullmatch(word):
            return i + 1, _exact(int(iso[1]), int(iso[2]), int(iso[3]))
        numeric = _SLASHED.fullmatch(word) or _DOTTED.fullmatch(word)
        if numeric:
            first, second = int(numeric[1]), int(numeric[2])
            day, month = (first, second) if self.date_order == "dmy" else (second, first)
            if not (1 <= month <= 12 and 1 <= day <= 31):
                return None  # a score or a fraction, not a date
            return i + 1, self._day_of(month, day, numeric[3])
        month_day = self.read_month_day(i)
        if month_day is None:
            return None
        end, month, day = month_day
        year = self.word(end)
        if self.word(end) == "," and _YEAR.fullmatch(self.word(end + 1)):
            end, year = end + 1, self.word(end + 1)
        if _YEAR.fullmatch(year):
            return end + 1, self._day_of(month, day, year)
        return end, self._day_of(month, day, None)

    def read_month_day(self, i: int) -> tuple[int, int, int] | None:
        """`dec 24`, `december 24th`, `24 dec`, `24th of december`: (end, month, day)."""
        word, then = self.word(i), self.word(i + 1)
        if word in _MONTHS and (day := _DAY.fullmatch(then)) and 1 <= int(day[1]) <= 31:
            return i + 2, _MONTHS[word], int(day[1])
        day = _DAY.fullmatch(word)
        if not day or not 1 <= int(day[1]) <= 31:
            return None
        month_at = i + 2 if then == "of" and _ORDINAL.fullmatch(word) else i + 1
        if self.word(month_at) in _MONTHS:
            return month_at + 1, _MONTHS[self.word(month_at)], int(day[1])
        return None

    def _day_of(self, month: int, day: int, year: str | None) -> date:
        """That day in the given year, else the first one from today on (29 Feb: a leap year)."""
        if year is not None:
            return _exact(int(year), month, day)
        _possible(month, day)
        today = self.today
        for ahead in range(9):
            try:
                candidate = date(today.year + ahead, month, day)
            except ValueError:  # 29 February outside a leap year
                continue
            if candidate >= today:
                return candidate
        raise QuickAddError("That date is too far ahead.")  # near DATE_MAX only

    # Times

    def read_time(self, i: int) -> tuple[int, time] | None:
        """`9am`, `9 am`, `9:30pm`, `14:30`, `noon`, each with an optional `at` in front."""
        at = i + 1 if self.word(i) == "at" else i
        word, then = self.word(at), self.word(at + 1)
        if word in ("noon", "midday"):
            return at + 1, time(12)
        if clock := _CLOCK_24.fullmatch(word):
            hour, minute = int(clock[1]), int(clock[2])
            if then in ("am", "pm") and 1 <= hour <= 12 and minute < 60:
                return at + 2, _twelve_hour(hour, minute, then)
            return (at + 1, time(hour, minute)) if hour < 24 and minute < 60 else None
        clock = _CLOCK_12.fullmatch(word)
        if clock is None or not 1 <= int(clock[1]) <= 12 or int(clock[2] or 0) >= 60:
            return None
        if clock[3]:
            return at + 1, _twelve_hour(int(clock[1]), int(clock[2] or 0), clock[3])
        if then in ("am", "pm"):
            return at + 2, _twelve_hour(int(clock[1]), int(clock[2] or 0), then)
        return None

    # Priority, tags, estimates

    def read_priority(self, i: int) -> tuple[int, str] | None:
        priority = _PRIORITIES.get(self.word(i))
        return None if priority is None else (i + 1, priority)

    def read_estimate(self, i: int) -> tuple[int, int] | None:
        """`~3h`, `~3 h`, `for 3h`, `for 3 hours`, `for an hour`."""
        word = self.word(i)
        if word.startswith("~"):
            at, amount = i, _ESTIMATE.fullmatch(word)
        elif word == "for":
            at, amount = i + 1, _ESTIMATE.fullmatch(self.word(i + 1))
            if amount is None and (count := _number(self.word(i + 1), article=True)):
                amount = _ESTIMATE.fullmatch(str(count))
        else:
            return None
        if amount is None:
            return None
        end = at + 1
        if not amount[2]:
            if self.word(at + 1) not in _HOURS:
                return None
            end = at + 2
        if not amount[1].isdigit():
            raise QuickAddError(f"Estimates are whole hours, not “{amount[1]}”.")
        hours = int(amount[1])
        if not ESTIMATE.ge <= hours <= ESTIMATE.le:
            raise QuickAddError(f"An estimate is {ESTIMATE.ge} to {ESTIMATE.le} hours.")
        return end, hours

    # Repeats

    def read_repeat(self, i: int) -> tuple[int, _Repeat] | None:
        """`every …` or a `daily`…`yearly` adverb, with an optional `until`/`for N times`."""
        word = self.word(i)
        if word in _ADVERBS:
            core: tuple[int, str] | None = (i + 1, f"FREQ={_ADVERBS[word]}")
        elif word == "every":
            core = self._repeat_core(i + 1)
        else:
            core = None
        if core is None:
            return None
        end, repeat = core[0], _Repeat(core[1])
        ending = self.read_repeat_end(end)
        if ending is not None:
            end, until, count = ending
            repeat = _Repeat(repeat.core, until, count)
        return end, repeat

    def read_repeat_end(self, i: int) -> tuple[int, date | None, int | None] | None:
        """`until <date>` or `for N times`: (end, until, count)."""
        if self.word(i) == "until":
            found = self.read_date(i + 1, prefixed=True)
            return None if found is None else (found[0], found[1], None)
        count = _number(self.word(i + 1))
        if self.word(i) == "for" and count and self.word(i + 2) in ("time", "times"):
            if count > rules.COUNT_MAX:
                raise QuickAddError(f"A task repeats at most {rules.COUNT_MAX} times.")
            return i + 3, None, count
        return None

    def _repeat_core(self, i: int) -> tuple[int, str] | None:
        word, then = self.word(i), self.word(i + 1)
        interval = 2 if word == "other" else _number(word)
        if interval is not None:  # every other week, every 3 days, every other wednesday
            if (unit := _UNITS.get(then)) is not None:
                return i + 2, _interval(f"FREQ={_FREQ[unit]}", interval)
            if word == "other" and then in _WEEKDAYS:
                return i + 2, f"FREQ=WEEKLY;INTERVAL=2;BYDAY={_WEEKDAY_CODES[_WEEKDAYS[then]]}"
            return None
        if word in _UNITS and word == _UNITS[word][:-1]:  # day, week, month, year
            return i + 1, f"FREQ={_FREQ[_UNITS[word]]}"
        if word in ("weekday", "weekdays", "workday", "workdays"):
            return i + 1, rules.PRESETS["weekdays"]
        if word == "weekend":
            return i + 1, "FREQ=WEEKLY;BYDAY=SA,SU"
        if word in _WEEKDAYS:
            return self._weekday_list(i)
        nth = _ORDINAL_WORDS.get(word) or (int(m[1]) if (m := _ORDINAL.fullmatch(word)) else None)
        if nth is not None:
            if then in _WEEKDAYS and -1 <= nth <= 5:  # every 3rd friday, every last friday
                return i + 2, f"FREQ=MONTHLY;BYDAY={nth}{_WEEKDAY_CODES[_WEEKDAYS[then]]}"
            if nth == -1 and then == "day":
                return i + 2, "FREQ=MONTHLY;BYMONTHDAY=-1"
            if word[0].isdigit() and 1 <= nth <= 31:  # every 27th
                return i + 1, f"FREQ=MONTHLY;BYMONTHDAY={nth}"
        if (month_day := self.read_month_day(i)) is not None:  # every dec 24
            end, month, day = month_day
            _possible(month, day)
            return end, f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}"
        return None

    def _weekday_list(self, i: int) -> tuple[int, str]:
        """`mon, wed`, `monday and thursday`, `mon, wed, and fri`."""
        days, end = [_WEEKDAYS[self.word(i)]], i + 1
        while True:
            after = end + 1 if self.word(end) in (",", "and") else end
            if self.word(end) == "," and self.word(after) == "and":
                after += 1
            if after == end or self.word(after) not in _WEEKDAYS:
                break
            days.append(_WEEKDAYS[self.word(after)])
            end = after + 1
        codes = ",".join(_WEEKDAY_CODES[day] for day in sorted(set(days)))
        return end, f"FREQ=WEEKLY;BYDAY={codes}"


def _ahead(unit: str, count: int) -> relativedelta:
    """`in <count> <unit>`: months and years end on the month's last day if shorter."""
    if unit == "days":
        return relativedelta(days=count)
    if unit == "weeks":
        return relativedelta(weeks=count)
    return relativedelta(months=count) if unit == "months" else relativedelta(years=count)


def _twelve_hour(hour: int, minute: int, half: str) -> time:
    return time(hour % 12 + (12 if half == "pm" else 0), minute)


def _interval(core: str, interval: int) -> str:
    if not 1 <= interval <= rules.INTERVAL_MAX:
        raise QuickAddError(f"Repeat every 1 to {rules.INTERVAL_MAX} days, weeks, months or years.")
    return core if interval == 1 else f"{core};INTERVAL={interval}"


def _tag(line: str, token: _Token) -> str | None:
    """The tag a `#name` token gives, or None: it stays in the title (`#123`, `#c++`)."""
    name = line[token.start + 1 : token.end]
    if not token.word.startswith("#") or name.isdigit() or not is_tag_name(name):
        return None
    return name


@dataclass
class _Scan:
    """One left-to-right pass: the first phrase of each field wins, later ones stay text."""

    reader: _Reader
    line: str
    skip_adverbs: frozenset[int]
    found: list[_Match] = field(default_factory=list)

    def taken(self, name: Field) -> bool:
        return any(match.field == name and not match.ending for match in self.found)

    def run(self) -> list[_Match]:
        i = 0
        while i < len(self.reader.tokens):
            match = self._at(i)
            if match is None:
                i += 1
            else:
                self.found.append(match)
                i = match.end
        return self.found

    def _at(self, i: int) -> _Match | None:
        reader = self.reader
        candidates: list[tuple[Field, Callable[[], _Match | None]]] = [
            ("recurrence", lambda: self._repeat(i)),
            ("due_time", lambda: _wrap("due_time", i, reader.read_time(i))),
            ("due_date", lambda: self._due_date(i)),
            ("priority", lambda: _wrap("priority", i, reader.read_priority(i))),
            ("estimated_hours", lambda: _wrap("estimated_hours", i, reader.read_estimate(i))),
        ]
        for name, read in candidates:
            if not self.taken(name) and (match := read()) is not None:
                return match
        if self._end_open() and (ending := reader.read_repeat_end(i)) is not None:
            return _Match("recurrence", i, ending[0], ending[1:], ending=True)
        tag = _tag(self.line, reader.tokens[i])
        return None if tag is None else _Match("tags", i, i + 1, tag)

    def _end_open(self) -> bool:
        """A repeat was said without its end: `until …`/`for N times` may still follow."""
        said = [match for match in self.found if match.field == "recurrence"]
        repeat = said[0].value if len(said) == 1 else None
        return isinstance(repeat, _Repeat) and repeat.until is None and repeat.count is None

    def _repeat(self, i: int) -> _Match | None:
        if i in self.skip_adverbs:
            return None
        found = self.reader.read_repeat(i)
        if found is None:
            return None
        return _Match("recurrence", i, found[0], found[1], adverb=self.reader.word(i) in _ADVERBS)

    def _due_date(self, i: int) -> _Match | None:
        starting = self.reader.word(i) == "starting"
        found = (
            self.reader.read_date(i + 1, prefixed=True) if starting else self.reader.read_date(i)
        )
        return None if found is None else _Match("due_date", i, found[0], found[1], starting)


def _wrap(name: Field, i: int, found: tuple[int, object] | None) -> _Match | None:
    return None if found is None else _Match(name, i, found[0], found[1])


def _recognise(line: str, reader: _Reader) -> list[_Match]:
    """All phrases of the line; an adverb (`monthly`) counts only when nothing but other
    phrases and punctuation follows it, so "Create monthly report" keeps its word."""
    skip: frozenset[int] = frozenset()
    while True:
        found = _Scan(reader, line, skip).run()
        covered = {index for match in found for index in range(match.first, match.end)}
        late = [
            match.first
            for match in found
            if match.adverb
            and any(
                index not in covered and _is_text(token)
                for index, token in enumerate(reader.tokens[match.end :], start=match.end)
            )
        ]
        if not late:
            return found
        skip |= set(late)


def _is_text(token: _Token) -> bool:
    """Words and quoted text; not a lone comma or full stop."""
    return token.word == '"' or any(ch.isalnum() for ch in token.word)


def parse(line: str, now: datetime, date_order: str = "dmy") -> Parsed:
    """Read one quick-add line said at `now` (aware, in the user's zone). Deterministic.

    Raises QuickAddError when no title is left, for an impossible date (`feb 30`), an
    estimate out of range, too many tags or a title over the limit."""
    if date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {sorted(DATE_ORDERS)}, not {date_order!r}")
    tokens = _tokens(line)
    today = now.date()
    found = _recognise(line, _Reader(tokens, today, date_order))
    first = {m.field: m for m in found if not m.ending and m.field != "tags"}
    due_time = _value(first.get("due_time"), time)
    due = _value(first.get("due_date"), date)
    repeat = _value(first.get("recurrence"), _Repeat)
    recurrence = ""
    if repeat is not None:
        for ending in (m for m in found if m.ending):
            until, count = _value(ending, tuple) or (None, None)
            repeat = _Repeat(repeat.core, until, count)
        try:
            rule = rules.normalize(repeat.rule())  # `every 31st` is the 31st or the last day
            if due is None:
                due = rules.first_occurrence(rule, now, due_time)
            elif first["due_date"].starting:
                due = rules.first_on_or_after(rule, due) or due
            recurrence = rules.normalize(rule, due)
        except rules.RuleError as error:
            raise QuickAddError(str(error)) from None
    if due is None and due_time is not None:  # today if still ahead, else tomorrow
        due = today if due_time > now.time() else today + timedelta(days=1)
    tags = _unique(str(m.value) for m in found if m.field == "tags")
    if len(tags) > MAX_TAGS:
        raise QuickAddError(f"Use at most {MAX_TAGS} tags.")
    facts = _Facts(today, due, due_time, recurrence)
    pieces = tuple(facts.piece(line, tokens, match) for match in found)
    title = _title(line, tokens, found)
    if not title:
        said = " ".join(piece.text for piece in pieces)
        raise QuickAddError(f"Type a title as well as “{said}”." if said else "Type a title.")
    if len(title) > TITLE.max_length:
        raise QuickAddError(
            f"A title is at most {TITLE.max_length} characters; this one has {len(title)}."
        )
    priority = _value(first.get("priority"), str)
    return Parsed(
        title=title,
        due_date=due,
        due_time=due_time,
        priority=priority,
        tags=tags,
        estimated_hours=_value(first.get("estimated_hours"), int),
        recurrence=recurrence,
        pieces=pieces,
        today=today,
    )


_T = TypeVar("_T")


def _value(match: _Match | None, kind: type[_T]) -> _T | None:
    return match.value if match is not None and isinstance(match.value, kind) else None


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    """Tags in order, a repeat in another case dropped (tags are unique case-insensitively)."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return tuple(seen.values())


@dataclass(frozen=True)
class _Facts:
    """The line's outcome that pieces show: a date piece shows the final due date."""

    today: date
    due: date | None
    due_time: time | None
    recurrence: str

    def piece(self, line: str, tokens: list[_Token], match: _Match) -> Piece:
        start, end = tokens[match.first].start, tokens[match.end - 1].end
        value, label = self._says(match)
        return Piece(match.field, value, start, end, line[start:end], label)

    def _says(self, match: _Match) -> tuple[str, str]:
        if match.field == "due_date" and self.due is not None:
            return self.due.isoformat(), date_label(self.due, self.today)
        if match.field == "due_time" and self.due_time is not None:
            return f"{self.due_time:%H:%M}", f"{self.due_time:%H:%M}"
        if match.field == "recurrence" and match.ending:
            until, count = _value(match, tuple) or (None, None)
            return (
                self.recurrence,
                f"until {until.day} {until:%b %Y}" if until else f"{count} times",
            )
        if match.field == "recurrence":  # its end, if any, is a piece of its own (above)
            return self.recurrence, rules.describe(rules.without_end(self.recurrence), self.due)
        if match.field == "priority":
            return str(match.value), str(match.value).capitalize()
        if match.field == "tags":
            return str(match.value), f"#{match.value}"
        return str(match.value), f"~{match.value} h"


def _title(line: str, tokens: list[_Token], found: list[_Match]) -> str:
    """The tokens nobody recognised, in order: their own spacing where nothing was taken
    out between them, one space (none before punctuation) where something was; quoted
    text without its quotes; commas or colons left dangling at either end dropped."""
    covered = {index for match in found for index in range(match.first, match.end)}
    title, previous = "", -1
    for index, token in enumerate(tokens):
        if index in covered:
            continue
        text = line[token.start : token.end]
        if token.word == '"' and len(text) > 1:
            text = text[1:-1]
        if previous >= 0 and previous == index - 1:
            title += line[tokens[previous].end : token.start]
        elif previous >= 0:
            title += "" if token.word and all(ch in ",.;:!?" for ch in token.word) else " "
        title += text
        previous = index
    return title.strip().strip(",;:").strip()


def read_repeat_phrase(text: str, *, today: date | None, date_order: str = "dmy") -> str:
    """The RRULE an `every …` phrase says (as typed in a form), for rules.normalize; `today`
    places an `until` date without a year. Raises QuickAddError if the text is not one."""
    tokens = _tokens(text)
    found = _Reader(tokens, today, date_order).read_repeat(0)
    if found is not None and found[0] < len(tokens) and tokens[found[0]].word == "starting":
        raise QuickAddError("Give the first date as the due date rather than “starting …”.")
    if found is None or found[0] != len(tokens):
        raise QuickAddError(f"“{text}” is not a repeat rule this app understands.")
    return found[1].rule()


def date_label(day: date, today: date) -> str:
    """ "Wed 25 Nov", with the year when it is not this year's: "Fri 24 Dec 2027"."""
    label = f"{day:%a} {day.day} {day:%b}"
    return label if day.year == today.year else f"{label} {day.year}"


def summary(parsed: Parsed) -> str:
    """What was created, for the flash: "Pay rent — Wed 25 Nov 09:00 · High · #bills ·
    every month on the 25th"; just the title when nothing else was said."""
    parts: list[str] = []
    if parsed.due_date is not None:
        clock = f" {parsed.due_time:%H:%M}" if parsed.due_time else ""
        parts.append(date_label(parsed.due_date, parsed.today) + clock)
    if parsed.priority:
        parts.append(parsed.priority.capitalize())
    if parsed.tags:
        parts.append(" ".join(f"#{tag}" for tag in parsed.tags))
    if parsed.estimated_hours is not None:
        parts.append(f"~{parsed.estimated_hours} h")
    if parsed.recurrence:
        parts.append(rules.describe(parsed.recurrence, parsed.due_date))
    return f"{parsed.title} — {' · '.join(parts)}" if parts else parsed.title

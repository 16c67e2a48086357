"""The quick-add vocabulary: the words and shapes each kind of phrase is made of."""

from __future__ import annotations

import calendar
import re

WEEKDAYS = {
    **dict.fromkeys(("monday", "mon"), 0),
    **dict.fromkeys(("tuesday", "tue", "tues"), 1),
    **dict.fromkeys(("wednesday", "wed"), 2),
    **dict.fromkeys(("thursday", "thu", "thur", "thurs"), 3),
    **dict.fromkeys(("friday", "fri"), 4),
    **dict.fromkeys(("saturday", "sat"), 5),
    **dict.fromkeys(("sunday", "sun"), 6),
}
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Everyday words first: alone they are not weekdays ("Buy sun cream"); after on/by/next/this,
# until/starting or in an `every` list they are.
SHY_WEEKDAYS = frozenset({"sun", "sat", "wed"})
# Shorthand typed in lower case; capitalised they are names ("Call Tom").
LOWER_CASE_ONLY = frozenset({"tom", "tod"})
MONTHS = {
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
            "one", "two", "three", "four", "five", "six",
            "seven", "eight", "nine", "ten", "eleven", "twelve",
        ),
        start=1,
    )
}  # fmt: skip
_ARTICLES = {"a": 1, "an": 1}
ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
UNITS = {
    **dict.fromkeys(("day", "days"), "days"),
    **dict.fromkeys(("week", "weeks"), "weeks"),
    **dict.fromkeys(("month", "months"), "months"),
    **dict.fromkeys(("year", "years"), "years"),
}
FREQ = {"days": "DAILY", "weeks": "WEEKLY", "months": "MONTHLY", "years": "YEARLY"}
HOURS = frozenset({"h", "hr", "hrs", "hour", "hours"})
ADVERBS = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "yearly": "YEARLY"}
PRIORITIES = {
    "!low": "low", "!medium": "medium", "!med": "medium", "!high": "high",
    "p1": "high", "p2": "medium", "p3": "low",
}  # fmt: skip

ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?")
DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")  # a year is needed: "1.2" is a version
DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?")
ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th)")
YEAR = re.compile(r"\d{4}")
CLOCK_12 = re.compile(r"(\d{1,2})(?::(\d{2}))?(am|pm)?")
CLOCK_24 = re.compile(r"(\d{1,2}):(\d{2})")
ESTIMATE = re.compile(r"~?(\d+(?:\.\d+)?)(h|hrs?|hours?)?")


def number(word: str, *, article: bool = False) -> int | None:
    """`3`, `three` (and `a`/`an` as 1 where an article may stand for one)."""
    if word.isdigit() and len(word) <= 6:
        return int(word)
    return _NUMBER_WORDS.get(word) or (_ARTICLES.get(word) if article else None)


def month_name(month: int) -> str:
    return calendar.month_name[month]

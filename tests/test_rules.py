"""Repeat rules: presets, phrases and RRULEs in, canonical text out; series and their words."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.models import DATE_MAX
from app.tasks.quickadd import read_rule  # a form's repeat field: phrases, then normalize
from app.tasks.rule_words import describe
from app.tasks.rules import (
    PRESETS,
    RuleError,
    first_occurrence,
    is_valid,
    next_occurrence,
    normalize,
)

BERLIN = ZoneInfo("Europe/Berlin")
TUESDAY = date(2026, 11, 24)


def chain(rule: str, due: date, times: int) -> list[date]:
    """The due dates of the next `times` occurrences, completing one after the other."""
    found: list[date] = []
    for _ in range(times):
        following = next_occurrence(rule, due)
        if following is None:
            break
        due, rule = following
        found.append(due)
    return found


# normalize


@pytest.mark.parametrize(("preset", "rule"), PRESETS.items())
def test_presets(preset: str, rule: str) -> None:
    assert normalize(preset) == rule
    assert normalize(preset.upper(), due=TUESDAY) == rule


@pytest.mark.parametrize(
    ("phrase", "rule"),
    [
        ("every day", "FREQ=DAILY"),
        ("every other day", "FREQ=DAILY;INTERVAL=2"),
        ("every 3 days", "FREQ=DAILY;INTERVAL=3"),
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("every week", "FREQ=WEEKLY"),
        ("every other week", "FREQ=WEEKLY;INTERVAL=2"),
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"),
        ("every mon, wed", "FREQ=WEEKLY;BYDAY=MO,WE"),
        ("every monday and thursday", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("every other wednesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"),
        ("every month", "FREQ=MONTHLY"),
        ("every 27th", "FREQ=MONTHLY;BYMONTHDAY=27"),
        ("every 31st", "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1"),
        ("every last day", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("every 3rd friday", "FREQ=MONTHLY;BYDAY=3FR"),
        ("every last friday", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("every year", "FREQ=YEARLY"),
        ("every dec 24", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24"),
        ("Every  Monday until dec 24", "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261224"),
        ("every day for 5 times", "FREQ=DAILY;COUNT=5"),
    ],
)
def test_phrases(phrase: str, rule: str) -> None:
    assert read_rule(phrase, today=TUESDAY) == rule


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("FREQ=WEEKLY;BYDAY=WE;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"),
        ("rrule:freq=weekly;interval=2;byday=we", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"),
        ("RRULE:FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("FREQ=WEEKLY;BYDAY=FR,MO;INTERVAL=1;WKST=MO", "FREQ=WEEKLY;BYDAY=MO,FR"),
        ("FREQ=DAILY;UNTIL=20271231T235959Z", "FREQ=DAILY;UNTIL=20271231"),
        ("FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"),
        ("FREQ=MONTHLY;BYMONTHDAY=30", "FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1"),
        (
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1",
        ),
        ("", ""),
        ("none", ""),
    ],
)
def test_rrules_come_back_canonical(text: str, rule: str) -> None:
    assert normalize(text) == rule
    assert normalize(rule) == rule  # a round trip changes nothing


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("FREQ=HOURLY", "at most daily"),
        ("FREQ=DAILY;BYHOUR=9", "BYHOUR"),
        ("FREQ=DAILY;BYSECOND=1", "BYSECOND"),
        ("FREQ=YEARLY;BYWEEKNO=20", "BYWEEKNO"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL"),
        ("FREQ=DAILY;INTERVAL=5000", "INTERVAL"),
        ("FREQ=DAILY;COUNT=0", "COUNT"),
        ("FREQ=DAILY;COUNT=-3", "COUNT"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20271231", "not both"),
        ("FREQ=DAILY;FREQ=WEEKLY", "twice"),
        ("INTERVAL=2", "FREQ"),
        ("FREQ=WEEKLY;BYDAY=3FR", "MONTHLY"),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY"),
        ("FREQ=DAILY;UNTIL=20270231", "UNTIL"),
        # Combinations that may never give a day (dateutil would walk to year 9999 looking).
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never"),
        ("FREQ=MONTHLY;BYMONTH=4,6;BYMONTHDAY=31", "never"),
        ("FREQ=DAILY;INTERVAL=7;BYDAY=MO", "FREQ=WEEKLY"),
        ("FREQ=MONTHLY;INTERVAL=12;BYMONTH=2", "FREQ=YEARLY"),
        ("FREQ=WEEKLY;BYMONTHDAY=3", "MONTHLY"),
        ("FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=31", "cannot be combined"),
        ("FREQ=MONTHLY;BYDAY=FR;BYSETPOS=5", "BYSETPOS"),
        ("FREQ=MONTHLY;BYSETPOS=-1", "BYSETPOS"),
        ("banana", "not a part"),
        ("every blue moon", "not a repeat rule"),
        ("every feb 30", "30 February"),
        ("every monday starting dec 1", "due date"),
        ("FREQ=DAILY;" + "BYMONTH=1;" * 40, "at most"),
    ],
)
def test_rules_the_app_cannot_honour(text: str, words: str) -> None:
    with pytest.raises(RuleError, match=words):
        read_rule(text, today=TUESDAY)


def test_is_valid() -> None:
    assert is_valid("FREQ=WEEKLY;BYDAY=MO")
    assert is_valid("")
    assert not is_valid("FREQ=HOURLY")
    assert not is_valid("every monday")  # a phrase, not an RRULE


def test_until_before_the_due_date_is_refused() -> None:
    with pytest.raises(RuleError, match="before the task is due"):
        normalize("FREQ=DAILY;UNTIL=20261101", due=TUESDAY)


def test_a_phrase_end_without_a_year_needs_a_reference_day() -> None:
    with pytest.raises(RuleError, match="in full"):
        read_rule("every monday until dec 24")
    assert read_rule("every monday until 2026-12-24") == "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261224"


# next_occurrence


def test_monthly_on_the_31st_lands_on_each_months_last_day_without_drifting() -> None:
    rule = normalize("monthly", due=date(2027, 1, 31))
    assert rule == "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1"
    assert chain(rule, date(2027, 1, 31), 4) == [
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
    ]


def test_a_bare_monthly_rule_due_on_the_31st_is_written_out_for_the_next_one() -> None:
    """Rows migrated from the old enum hold FREQ=MONTHLY whatever their day."""
    assert next_occurrence("FREQ=MONTHLY", date(2028, 1, 31)) == (
        date(2028, 2, 29),
        "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1",
    )
    assert next_occurrence("FREQ=MONTHLY", date(2027, 1, 15)) == (date(2027, 2, 15), "FREQ=MONTHLY")


@pytest.mark.parametrize(("day", "feb"), [(29, 28), (30, 28), (31, 28)])
def test_29th_to_31st(day: int, feb: int) -> None:
    rule = normalize("monthly", due=date(2027, 1, day))
    assert chain(rule, date(2027, 1, day), 2) == [date(2027, 2, feb), date(2027, 3, day)]


def test_yearly_on_29_february() -> None:
    rule = normalize("yearly", due=date(2028, 2, 29))
    assert rule == "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1"
    assert chain(rule, date(2028, 2, 29), 4) == [
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]


def test_count_goes_down_to_the_last_occurrence_which_creates_none() -> None:
    assert next_occurrence("FREQ=DAILY;COUNT=3", date(2026, 11, 24)) == (
        date(2026, 11, 25),
        "FREQ=DAILY;COUNT=2",
    )
    assert next_occurrence("FREQ=DAILY;COUNT=2", date(2026, 11, 25)) == (
        date(2026, 11, 26),
        "FREQ=DAILY;COUNT=1",
    )
    assert next_occurrence("FREQ=DAILY;COUNT=1", date(2026, 11, 26)) is None
    assert chain("FREQ=WEEKLY;COUNT=3", date(2026, 11, 24), 10) == [
        date(2026, 12, 1),
        date(2026, 12, 8),
    ]


def test_until_ends_the_series_inclusively() -> None:
    assert chain("FREQ=WEEKLY;UNTIL=20261208", date(2026, 11, 24), 10) == [
        date(2026, 12, 1),
        date(2026, 12, 8),
    ]
    assert next_occurrence("FREQ=DAILY;UNTIL=20261124", date(2026, 11, 24)) is None


def test_date_max_ends_the_series() -> None:
    assert next_occurrence("FREQ=YEARLY", DATE_MAX) is None
    assert next_occurrence("FREQ=DAILY", date(2999, 12, 30)) == (DATE_MAX, "FREQ=DAILY")


@pytest.mark.parametrize(
    ("rule", "due", "expected"),
    [
        # every other Wednesday, from a Wednesday and from a day that is not one
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
            date(2026, 11, 25),
            [date(2026, 12, 9), date(2026, 12, 23)],
        ),  # fmt: skip
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
            date(2026, 11, 24),
            [date(2026, 11, 25), date(2026, 12, 9)],
        ),  # fmt: skip
        ("FREQ=MONTHLY;BYDAY=3FR", date(2026, 11, 20), [date(2026, 12, 18), date(2027, 1, 15)]),
        ("FREQ=MONTHLY;BYDAY=-1FR", date(2026, 11, 27), [date(2026, 12, 25), date(2027, 1, 29)]),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", date(2027, 1, 31), [date(2027, 2, 28), date(2027, 3, 31)]),
        # weekdays over a weekend: Friday → Monday, and Saturday → Monday
        (
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            date(2026, 11, 27),
            [date(2026, 11, 30), date(2026, 12, 1)],
        ),  # fmt: skip
        (
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            date(2026, 11, 28),
            [date(2026, 11, 30), date(2026, 12, 1)],
        ),  # fmt: skip
        ("FREQ=WEEKLY;BYDAY=MO,TH", date(2026, 11, 26), [date(2026, 11, 30), date(2026, 12, 3)]),
        ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24", date(2026, 12, 24), [date(2027, 12, 24)]),
        # Across the DST changes (Europe: 25 Oct 2026, 28 Mar 2027) the dates simply follow.
        ("FREQ=DAILY", date(2026, 10, 24), [date(2026, 10, 25), date(2026, 10, 26)]),
        ("FREQ=WEEKLY", date(2027, 3, 22), [date(2027, 3, 29), date(2027, 4, 5)]),
    ],
)
def test_series(rule: str, due: date, expected: list[date]) -> None:
    assert chain(rule, due, len(expected)) == expected


def test_next_occurrence_of_no_rule_and_of_nonsense() -> None:
    assert next_occurrence("", TUESDAY) is None
    with pytest.raises(RuleError):
        next_occurrence("FREQ=SOMETIMES", TUESDAY)


# first_occurrence


@pytest.mark.parametrize(
    ("rule", "clock", "due_time", "expected"),
    [
        # every weekday 9:30, said on a Tuesday at 10:00 → Wednesday; at 09:00 → that Tuesday
        (PRESETS["weekdays"], time(10), time(9, 30), date(2026, 11, 25)),
        (PRESETS["weekdays"], time(9), time(9, 30), date(2026, 11, 24)),
        (PRESETS["weekdays"], time(23, 30), None, date(2026, 11, 24)),  # no time: today counts
        ("FREQ=WEEKLY;BYDAY=SA", time(10), None, date(2026, 11, 28)),
        ("FREQ=MONTHLY", time(10), None, date(2026, 11, 24)),
        ("FREQ=MONTHLY", time(10), time(9), date(2026, 11, 25)),  # passed: starts tomorrow
        ("FREQ=MONTHLY;BYMONTHDAY=-1", time(10), None, date(2026, 11, 30)),
    ],
)
def test_first_occurrence(rule: str, clock: time, due_time: time | None, expected: date) -> None:
    now = datetime.combine(TUESDAY, clock, tzinfo=BERLIN)
    assert first_occurrence(rule, now, due_time) == expected


def test_first_occurrence_of_a_finished_rule() -> None:
    now = datetime.combine(TUESDAY, time(10), tzinfo=BERLIN)
    with pytest.raises(RuleError):
        first_occurrence("FREQ=DAILY;UNTIL=20261101", now, None)


# describe


@pytest.mark.parametrize(
    ("rule", "due", "words"),
    [
        ("", None, ""),
        ("FREQ=DAILY", None, "every day"),
        ("FREQ=DAILY;INTERVAL=3", None, "every 3 days"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", None, "every weekday"),
        ("FREQ=WEEKLY", date(2026, 11, 25), "every week on Wednesday"),
        ("FREQ=WEEKLY", None, "every week"),
        ("FREQ=WEEKLY;BYDAY=WE", None, "every Wednesday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", None, "every other Wednesday"),
        ("FREQ=WEEKLY;INTERVAL=3;BYDAY=WE", None, "every 3 weeks on Wednesday"),
        ("FREQ=WEEKLY;BYDAY=MO,TH", None, "every Monday and Thursday"),
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR", None, "every Monday, Wednesday and Friday"),
        ("FREQ=MONTHLY", date(2026, 11, 25), "every month on the 25th"),
        ("FREQ=MONTHLY", date(2027, 1, 31), "every month on the 31st (or the last day)"),
        ("FREQ=MONTHLY;BYMONTHDAY=25", None, "every month on the 25th"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", None, "every month on the last day"),
        (
            "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1",
            None,
            "every month on the 31st (or the last day)",
        ),
        ("FREQ=MONTHLY;BYDAY=3FR", None, "every 3rd Friday"),
        ("FREQ=MONTHLY;BYDAY=-1FR", None, "every last Friday"),
        ("FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO", None, "every other month on the 1st Monday"),
        ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24", None, "every year on 24 December"),
        ("FREQ=YEARLY", date(2026, 12, 24), "every year on 24 December"),
        ("FREQ=YEARLY", date(2028, 2, 29), "every year on 29 February (or 28 February)"),
        ("FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", None, "every year on the 4th Thursday of November"),
        ("FREQ=DAILY;UNTIL=20271231", None, "every day, until 31 Dec 2027"),
        ("FREQ=DAILY;COUNT=3", None, "every day, 3 more times"),
        ("FREQ=DAILY;COUNT=1", None, "every day, last time"),
        # Rules it cannot put in words come back as they are; nonsense never raises.
        (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            None,
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        ),  # fmt: skip
        ("FREQ=SOMETIMES", None, "FREQ=SOMETIMES"),
    ],
)
def test_describe(rule: str, due: date | None, words: str) -> None:
    assert describe(rule, due) == words

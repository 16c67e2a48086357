"""Quick add at a pinned "now": every row of the SPEC §7 grammar, the titles it must leave
alone, and a property over random lines (pieces never overlap, unrecognised words stay)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.tasks.quickadd import Parsed, Piece, QuickAddError, parse, summary

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=BERLIN)  # a Tuesday, 10:00
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=BERLIN)
LATE = datetime(2026, 11, 24, 23, 30, tzinfo=BERLIN)


def at(day: date, clock: time = time(10)) -> datetime:
    return datetime.combine(day, clock, tzinfo=BERLIN)


def due(line: str, now: datetime = NOW, date_order: str = "dmy") -> date | None:
    parsed = parse(line, now, date_order)
    assert parsed.title == "Task", parsed
    return parsed.due_date


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        # day
        ("today", date(2026, 11, 24)),
        ("tod", date(2026, 11, 24)),
        ("tomorrow", date(2026, 11, 25)),
        ("tom", date(2026, 11, 25)),
        ("day after tomorrow", date(2026, 11, 26)),
        # weekday: the next such day after today; `next` = that day in next week
        ("friday", date(2026, 11, 27)),
        ("fri", date(2026, 11, 27)),
        ("on friday", date(2026, 11, 27)),
        ("tuesday", date(2026, 12, 1)),  # said on a Tuesday: next week's
        ("next friday", date(2026, 12, 4)),
        ("next monday", date(2026, 11, 30)),
        ("this friday", date(2026, 11, 27)),
        ("on sun", date(2026, 11, 29)),
        # relative
        ("in 3 days", date(2026, 11, 27)),
        ("in 2 weeks", date(2026, 12, 8)),
        ("in a month", date(2026, 12, 24)),
        ("in two years", date(2028, 11, 24)),
        ("next week", date(2026, 11, 30)),
        ("next month", date(2026, 12, 1)),
        ("this weekend", date(2026, 11, 28)),
        ("end of month", date(2026, 11, 30)),
        ("by end of the month", date(2026, 11, 30)),
        # dates
        ("2026-12-24", date(2026, 12, 24)),
        ("dec 24", date(2026, 12, 24)),
        ("24 dec", date(2026, 12, 24)),
        ("december 24th", date(2026, 12, 24)),
        ("24th of December", date(2026, 12, 24)),
        ("dec 24, 2027", date(2027, 12, 24)),
        ("on the 24th", date(2026, 11, 24)),  # today has not passed
        ("on the 23rd", date(2026, 12, 23)),  # passed: next month
        ("on the 31st", date(2026, 12, 31)),  # November has none
        ("24/12", date(2026, 12, 24)),
        ("24/12/2027", date(2027, 12, 24)),
        ("24.12.2026", date(2026, 12, 24)),
        ("nov 1", date(2027, 11, 1)),  # passed: next year
        ("TOMORROW", date(2026, 11, 25)),
    ],
)
def test_dates(words: str, expected: date) -> None:
    assert due(f"Task {words}") == expected


def test_said_on_a_friday() -> None:
    assert due("Task friday", FRIDAY) == date(2026, 12, 4)
    assert due("Task on friday", FRIDAY) == date(2026, 12, 4)
    assert due("Task next friday", FRIDAY) == date(2026, 12, 4)
    assert due("Task this weekend", FRIDAY) == date(2026, 11, 28)
    assert due("Task this weekend", at(date(2026, 11, 29))) == date(2026, 11, 29)  # a Sunday


@pytest.mark.parametrize(
    ("line", "date_order", "expected"),
    [
        ("Task 03/04", "dmy", date(2027, 4, 3)),
        ("Task 03/04", "mdy", date(2027, 3, 4)),
        ("Task 12/24", "mdy", date(2026, 12, 24)),
        ("Task 24.12.2026", "dmy", date(2026, 12, 24)),
        ("Task 12.24.2026", "mdy", date(2026, 12, 24)),
    ],
)
def test_numeric_dates_follow_date_order(line: str, date_order: str, expected: date) -> None:
    assert due(line, date_order=date_order) == expected


def test_a_numeric_shape_that_is_no_date_in_this_order_stays() -> None:
    assert parse("Task 12/24", NOW, "dmy").title == "Task 12/24"


@pytest.mark.parametrize(
    ("words", "now", "expected_date", "expected_time"),
    [
        ("9am", NOW, date(2026, 11, 25), time(9)),  # passed at 10:00: tomorrow
        ("9:30pm", NOW, date(2026, 11, 24), time(21, 30)),
        ("9 pm", NOW, date(2026, 11, 24), time(21)),
        ("12am", NOW, date(2026, 11, 25), time(0)),
        ("14:30", NOW, date(2026, 11, 24), time(14, 30)),
        ("at 14:30", NOW, date(2026, 11, 24), time(14, 30)),
        ("noon", NOW, date(2026, 11, 24), time(12)),
        ("at noon", NOW, date(2026, 11, 24), time(12)),
        ("10:00", NOW, date(2026, 11, 25), time(10)),  # not ahead: tomorrow
        # said at 23:30: a time alone has passed, `today` is still today
        ("9am", LATE, date(2026, 11, 25), time(9)),
        ("today 9am", LATE, date(2026, 11, 24), time(9)),
        ("today", LATE, date(2026, 11, 24), None),
        ("friday 9am", NOW, date(2026, 11, 27), time(9)),
    ],
)
def test_times(words: str, now: datetime, expected_date: date, expected_time: time | None) -> None:
    parsed = parse(f"Task {words}", now)
    assert (parsed.title, parsed.due_date, parsed.due_time) == (
        "Task",
        expected_date,
        expected_time,
    )


@pytest.mark.parametrize(
    ("word", "priority"),
    [
        ("!low", "low"),
        ("!medium", "medium"),
        ("!med", "medium"),
        ("!high", "high"),
        ("!HIGH", "high"),
        ("p1", "high"),
        ("p2", "medium"),
        ("P3", "low"),
    ],
)
def test_priority(word: str, priority: str) -> None:
    parsed = parse(f"Task {word}", NOW)
    assert (parsed.title, parsed.priority) == ("Task", priority)
    assert parse("Task", NOW).priority is None


def test_tags() -> None:
    parsed = parse("Pay #bills rent #Home-2 #bills #BILLS", NOW)
    assert parsed.title == "Pay rent"
    assert parsed.tags == ("bills", "Home-2")
    assert [piece.value for piece in parsed.pieces] == ["bills", "Home-2", "bills", "BILLS"]


@pytest.mark.parametrize("line", ["Fix issue #123", "Learn #c++", "Tag #" + "x" * 33, "C# notes"])
def test_what_is_no_tag_stays_in_the_title(line: str) -> None:
    parsed = parse(line, NOW)
    assert (parsed.title, parsed.tags) == (line, ())


@pytest.mark.parametrize(
    ("words", "hours"),
    [("~3h", 3), ("~3 h", 3), ("~2hrs", 2), ("for 3h", 3), ("for 3 hours", 3), ("for an hour", 1)],
)
def test_estimates(words: str, hours: int) -> None:
    parsed = parse(f"Task {words}", NOW)
    assert (parsed.title, parsed.estimated_hours) == ("Task", hours)


@pytest.mark.parametrize(
    ("words", "rule", "expected_due"),
    [
        ("every day", "FREQ=DAILY", date(2026, 11, 24)),
        ("daily", "FREQ=DAILY", date(2026, 11, 24)),
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", date(2026, 11, 24)),
        ("every week", "FREQ=WEEKLY", date(2026, 11, 24)),
        ("weekly", "FREQ=WEEKLY", date(2026, 11, 24)),
        ("every mon, wed", "FREQ=WEEKLY;BYDAY=MO,WE", date(2026, 11, 25)),
        ("every monday and thursday", "FREQ=WEEKLY;BYDAY=MO,TH", date(2026, 11, 26)),
        ("every mon, wed, and fri", "FREQ=WEEKLY;BYDAY=MO,WE,FR", date(2026, 11, 25)),
        ("every other week", "FREQ=WEEKLY;INTERVAL=2", date(2026, 11, 24)),
        ("every other wednesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", date(2026, 11, 25)),
        ("every 3 days", "FREQ=DAILY;INTERVAL=3", date(2026, 11, 24)),
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2", date(2026, 11, 24)),
        ("every month", "FREQ=MONTHLY", date(2026, 11, 24)),
        ("monthly", "FREQ=MONTHLY", date(2026, 11, 24)),
        ("every 27th", "FREQ=MONTHLY;BYMONTHDAY=27", date(2026, 11, 27)),
        ("every 31st", "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1", date(2026, 11, 30)),
        ("every last day", "FREQ=MONTHLY;BYMONTHDAY=-1", date(2026, 11, 30)),
        ("every 3rd friday", "FREQ=MONTHLY;BYDAY=3FR", date(2026, 12, 18)),
        ("every last friday", "FREQ=MONTHLY;BYDAY=-1FR", date(2026, 11, 27)),
        ("every year", "FREQ=YEARLY", date(2026, 11, 24)),
        ("yearly", "FREQ=YEARLY", date(2026, 11, 24)),
        ("every dec 24", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24", date(2026, 12, 24)),
        ("every monday until dec 24", "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261224", date(2026, 11, 30)),
        ("every day for 3 times", "FREQ=DAILY;COUNT=3", date(2026, 11, 24)),
        ("every monday starting dec 2", "FREQ=WEEKLY;BYDAY=MO", date(2026, 12, 7)),
        (
            "every month starting dec 31",
            "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1",
            date(2026, 12, 31),
        ),  # fmt: skip
        (
            "every monday starting dec 1 until dec 24",
            "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261224",
            date(2026, 12, 7),
        ),  # fmt: skip
        ("daily until dec 31", "FREQ=DAILY;UNTIL=20261231", date(2026, 11, 24)),
        # with a date, a preset is anchored on it
        ("every month tomorrow", "FREQ=MONTHLY", date(2026, 11, 25)),
        (
            "jan 31 every month",
            "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1",
            date(2027, 1, 31),
        ),  # fmt: skip
    ],
)
def test_repeats(words: str, rule: str, expected_due: date) -> None:
    parsed = parse(f"Task {words}", NOW)
    assert (parsed.title, parsed.recurrence, parsed.due_date) == ("Task", rule, expected_due)


def test_the_placeholder_example() -> None:
    parsed = parse("Pay rent tomorrow 9am !high #bills every month", NOW)
    assert parsed == Parsed(
        title="Pay rent",
        due_date=date(2026, 11, 25),
        due_time=time(9),
        priority="high",
        tags=("bills",),
        estimated_hours=None,
        recurrence="FREQ=MONTHLY",
        pieces=(
            Piece("due_date", "2026-11-25", 9, 17, "tomorrow", "Wed 25 Nov"),
            Piece("due_time", "09:00", 18, 21, "9am", "09:00"),
            Piece("priority", "high", 22, 27, "!high", "High"),
            Piece("tags", "bills", 28, 34, "#bills", "#bills"),
            Piece("recurrence", "FREQ=MONTHLY", 35, 46, "every month", "every month on the 25th"),
        ),
        today=date(2026, 11, 24),
    )
    assert (
        summary(parsed) == "Pay rent — Wed 25 Nov 09:00 · High · #bills · every month on the 25th"
    )


def test_every_weekday_at_a_time_that_has_passed_starts_tomorrow() -> None:
    parsed = parse("Standup every weekday 9:30", NOW)
    assert (parsed.due_date, parsed.due_time) == (date(2026, 11, 25), time(9, 30))
    parsed = parse("Standup every weekday 9:30", at(date(2026, 11, 24), time(9)))
    assert parsed.due_date == date(2026, 11, 24)


def test_an_until_apart_from_its_phrase_is_its_own_piece() -> None:
    parsed = parse("Yoga every monday starting dec 1 until dec 24", NOW)
    assert [(p.field, p.text, p.label) for p in parsed.pieces] == [
        ("recurrence", "every monday", "every Monday"),  # its end is the piece below
        ("due_date", "starting dec 1", "Mon 7 Dec"),
        ("recurrence", "until dec 24", "until 24 Dec 2026"),
    ]


def test_summary_and_labels_show_another_years_date_with_its_year() -> None:
    parsed = parse("Xmas dec 24 2027 ~2h", NOW)
    assert summary(parsed) == "Xmas — Fri 24 Dec 2027 · ~2 h"
    assert summary(parse("Just a title", NOW)) == "Just a title"


def test_dst_weeks_in_berlin() -> None:
    """Dates are calendar days in the user's zone; the clock change does not move them."""
    saturday = at(date(2026, 10, 24))  # the clocks go back overnight
    assert due("Task tomorrow", saturday) == date(2026, 10, 25)
    assert due("Task next week", saturday) == date(2026, 10, 26)
    assert parse("Task tomorrow 9am", saturday).due_time == time(9)
    # 22:30 UTC on the 24th is already the 25th in Berlin: the caller passes local time.
    just_after_midnight = datetime(2026, 10, 24, 22, 30, tzinfo=UTC).astimezone(BERLIN)
    assert due("Task today", just_after_midnight) == date(2026, 10, 25)
    spring = at(date(2027, 3, 27))  # the clocks go forward overnight
    parsed = parse("Task every day 9am", spring)  # 9:00 has passed: the day of the change
    assert (parsed.due_date, parsed.due_time) == (date(2027, 3, 28), time(9))
    assert due("Task in 2 days", spring) == date(2027, 3, 29)


def test_leap_years() -> None:
    assert due("Task feb 29", at(date(2027, 1, 10))) == date(2028, 2, 29)
    assert due("Task 29/02", at(date(2027, 1, 10))) == date(2028, 2, 29)
    parsed = parse("Task every feb 29", at(date(2027, 1, 10)))
    assert parsed.recurrence == "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1"
    assert parsed.due_date == date(2027, 2, 28)  # the rule's first day: 28 Feb in 2027
    with pytest.raises(QuickAddError, match="no 29 February 2027"):
        parse("Task feb 29 2027", NOW)


def test_a_passed_date_without_a_year_rolls_to_next_year() -> None:
    assert due("Task dec 24", at(date(2026, 12, 26))) == date(2027, 12, 24)
    assert due("Task 24/12", at(date(2026, 12, 26))) == date(2027, 12, 24)
    assert due("Task dec 24", at(date(2026, 12, 24))) == date(2026, 12, 24)  # today counts


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Party feb 30", "no 30 February"),
        ("Party 31/04", "no 31 April"),
        ("Party 2026-02-30", "no 30 February 2026"),
        ("Party every apr 31", "no 31 April"),
        ("tomorrow 9am #bills", "Type a title as well as “tomorrow 9am #bills”"),
        ("", "Type a title"),
        ('""', "Type a title"),
        ("Task ~0h", "1 to 1000 hours"),
        ("Task ~1001h", "1 to 1000 hours"),
        ("Task ~1.5h", "whole hours"),
        ("x" * 201, "at most 200"),
        ("Task " + " ".join(f"#t{n}" for n in range(21)), "at most 20 tags"),
        ("Task 1850-01-01", "between 1900 and 2999"),
        ("Task in 999 years", "between 1900 and 2999"),
        ("Task in 9999 years", "too far ahead"),
        ("Task every monday until nov 1 2026", "before the task is due"),
    ],
)
def test_errors(line: str, message: str) -> None:
    with pytest.raises(QuickAddError, match=message):
        parse(line, NOW)


@pytest.mark.parametrize(
    "line",
    [
        "Read The 5th Wave",
        "Buy 2 apples",
        "Create monthly report",
        "Check money",
        "Monday.com setup",
        "Buy sun cream",
        "Call Tom",
        "Table for 2",
        "Dinner at 8",
        "Release 1.2",
        "Score 13/20",
        "Read chapter 3 of May",
        "Water the plants every so often",
        "Plan next steps",
        "Ask about the weekly report",
    ],
)
def test_stays_a_title(line: str) -> None:
    parsed = parse(line, NOW)
    assert (parsed.title, parsed.pieces) == (line, ())


def test_words_stay_words_but_phrases_around_them_are_read() -> None:
    assert parse("Call mom at noon", NOW).title == "Call mom"
    assert parse("Meeting in 3 days", NOW).title == "Meeting"
    assert parse("Report monthly", NOW).recurrence == "FREQ=MONTHLY"
    assert parse("Report monthly !high", NOW).recurrence == "FREQ=MONTHLY"  # only pieces follow
    # A weekday is a weekday, even in a show's name: quote it to keep it (docs/QUICK_ADD.md).
    assert parse("Watch Friday Night Lights", NOW).title == "Watch Night Lights"
    assert parse('Watch "Friday Night Lights"', NOW).title == "Watch Friday Night Lights"


def test_quoted_text_is_kept_as_written_and_never_read() -> None:
    parsed = parse('Buy "tomorrow 9am  #x" tickets !high', NOW)
    assert parsed.title == "Buy tomorrow 9am  #x tickets"
    assert (parsed.due_date, parsed.tags, parsed.priority) == (None, (), "high")
    assert parse('Do daily "stretches"', NOW).recurrence == ""  # quoted text after an adverb


def test_the_first_of_a_field_wins_and_the_second_stays_in_the_title() -> None:
    parsed = parse("Task friday !high tomorrow !low", NOW)
    assert (parsed.title, parsed.due_date, parsed.priority) == (
        "Task tomorrow !low",
        date(2026, 11, 27),
        "high",
    )


def test_title_spacing_where_pieces_were_taken_out() -> None:
    assert parse("Pay rent, tomorrow 9am", NOW).title == "Pay rent"
    assert parse("Pay  rent tomorrow , now", NOW).title == "Pay  rent, now"
    assert parse("Pay rent tomorrow.", NOW).title == "Pay rent."  # the full stop is the user's


# Property: random lines from plain words and keywords.

PLAIN = ["buy", "milk", "the", "report", "money", "5th", "2", "apples", "call", "mom", "x"]
KEYWORDS = [
    "today", "tomorrow", "tom", "day after tomorrow", "friday", "on friday", "next friday",
    "in 3 days", "in a month", "next week", "next month", "this weekend", "end of month",
    "2026-12-24", "dec 24", "24 dec", "december 24th", "on the 24th", "24/12", "24.12.2026",
    "9am", "9:30pm", "14:30", "at 14:30", "noon", "!low", "!med", "!high", "p1", "p3",
    "#bills", "#home", "~3h", "for 3h", "for 3 hours", "every day", "daily", "every weekday",
    "every mon, wed", "every monday and thursday", "every other wednesday", "every 3 days",
    "every month", "monthly", "every 27th", "every last day", "every 3rd friday", "every year",
    "every dec 24", "until dec 31", "for 2 times", "starting dec 1", "every", "next", "in", "on",
    "for", "at",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PLAIN + KEYWORDS), min_size=1, max_size=10))
def test_pieces_never_overlap_and_every_other_word_stays_in_order(words: list[str]) -> None:
    line = " ".join(["note", *words])  # a first plain word: a title is always left
    try:
        parsed = parse(line, NOW)
    except QuickAddError as error:  # only an end before the due date may be refused
        assert "before the task is due" in str(error)
        return
    spans = sorted((piece.start, piece.end) for piece in parsed.pieces)
    assert all(end <= start for (_, end), (start, _) in zip(spans, spans[1:], strict=False))
    for piece in parsed.pieces:
        assert line[piece.start : piece.end] == piece.text
    covered = {i for start, end in spans for i in range(start, end)}
    kept = "".join(ch for i, ch in enumerate(line) if i not in covered and not ch.isspace())
    assert "".join(parsed.title.split()) == kept


def test_a_repeat_with_an_end_says_the_end_once() -> None:
    parsed = parse("every other wednesday team sync until dec 24", NOW)
    labels = [piece.label for piece in parsed.pieces if piece.field == "recurrence"]
    assert labels == ["every other Wednesday", "until 24 Dec 2026"]

"""Quick add's `+Project` and `@name` (SPEC §13), read against a directory of names."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.tasks.quickadd import Directory, Parsed, Person, ProjectEntry, QuickAddError, parse

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
ME = Person("me", "Robin Fox", "robin@example.com")
SAM = Person("sam", "Sam Jones", "sam.jones@example.com")
SAMI = Person("sami", "Sam Lee", "sami@example.com")
INBOX = ProjectEntry("inbox", "Inbox", (ME,))
WORK = ProjectEntry("work", "Work", (ME, SAM, SAMI))
HOME = ProjectEntry("home", "Home", (ME, SAM))
RENOVATION = ProjectEntry("reno", "Home renovation", (ME,))
DIRECTORY = Directory((INBOX, WORK, HOME, RENOVATION), default=INBOX)


def read(line: str, directory: Directory | None = DIRECTORY) -> Parsed:
    return parse(line, NOW, "dmy", directory)


def test_a_project_by_name_in_any_case_leaves_the_title() -> None:
    parsed = read("Buy milk +work tomorrow")
    assert (parsed.title, parsed.project, str(parsed.due_date)) == (
        "Buy milk",
        "work",
        "2026-12-06",
    )
    assert [(p.field, p.value, p.label) for p in parsed.pieces if p.field == "project"] == [
        ("project", "work", "+Work")
    ]


def test_the_longest_project_name_wins() -> None:
    assert read("Paint walls +Home renovation").project == "reno"
    assert (read("Paint walls +Home today").project, read("Paint walls +Home today").title) == (
        "home",
        "Paint walls",
    )


def test_an_unknown_project_is_an_error_naming_it() -> None:
    with pytest.raises(QuickAddError, match="no project called “Garden”"):
        read("Mow +Garden")


@pytest.mark.parametrize("line", ["Vote +1 on the proposal", "A + B", "C++ course"])
def test_a_plus_that_names_no_project_is_text(line: str) -> None:
    parsed = read(line)
    assert (parsed.title, parsed.project) == (line, None)


def test_a_person_of_the_lines_project_by_local_part_first_name_or_full_name() -> None:
    assert read("Review @sam.jones +Home").assignee == "sam"
    assert read("Review @Sam +Home").assignee == "sam"  # only one Sam in Home
    assert read("Review @samjones +Work").assignee == "sam"
    parsed = read("Review @robin")  # the Inbox: only its owner
    assert (parsed.title, parsed.assignee, parsed.project) == ("Review", "me", None)
    assert [p.label for p in parsed.pieces] == ["@Robin Fox"]


def test_a_person_named_before_the_project_is_looked_up_in_that_project() -> None:
    assert read("Review @sami +Work").assignee == "sami"


def test_an_ambiguous_or_unknown_person_is_an_error_that_says_why() -> None:
    with pytest.raises(QuickAddError, match="could be Sam Jones or Sam Lee"):
        read("Review @sam +Work")
    with pytest.raises(QuickAddError, match="Nobody called “@sam” is a member of Inbox"):
        read("Review @sam")


def test_without_a_directory_plus_and_at_stay_text() -> None:
    parsed = read("Mail @sam about +Work", directory=None)
    assert (parsed.title, parsed.project, parsed.assignee) == ("Mail @sam about +Work", None, None)


def test_an_email_address_in_a_title_is_no_person() -> None:
    assert read("Write to bob@example.com").title == "Write to bob@example.com"

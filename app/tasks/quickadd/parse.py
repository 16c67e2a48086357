"""`parse`: one quick-add line and the user's "now" in, the task's fields and pieces out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from app.models import MAX_TAGS, DateOrder, TaskFields, limits_of
from app.tasks import rule_words, rules
from app.tasks.dates import day_label
from app.tasks.quickadd.cursor import Cursor, Token, tokens_of
from app.tasks.quickadd.people import Directory, ProjectEntry, who
from app.tasks.quickadd.repeats import Repeat
from app.tasks.quickadd.result import Field, Parsed, Piece, QuickAddError
from app.tasks.quickadd.scan import Match, recognise

TITLE = limits_of(TaskFields, "title")
DATE_ORDERS = frozenset(order.value for order in DateOrder)


def parse(
    line: str, now: datetime, date_order: str = "dmy", directory: Directory | None = None
) -> Parsed:
    """Read one quick-add line said at `now` (aware, in the user's zone). Deterministic.
    With a `directory`, `+Project` and `@name` are read against it (without, they are text).

    Raises QuickAddError when no title is left, for an impossible date (`feb 30`), an
    estimate out of range, too many tags, a title over the limit, or an unknown project or
    person."""
    if date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {sorted(DATE_ORDERS)}, not {date_order!r}")
    tokens = tokens_of(line)
    today = now.date()
    found = recognise(line, Cursor(tokens, today, date_order), directory)
    first: dict[Field, Match] = {m.field: m for m in found if not m.ending and m.field != "tags"}
    due_time = _value(first.get("due_time"), time)
    due = _value(first.get("due_date"), date)
    implied_by: Field | None = None  # what set a due date that no word of the line said
    repeat = _value(first.get("recurrence"), Repeat)
    recurrence = ""
    if repeat is not None:
        for ending in (m for m in found if m.ending):
            until, count = _value(ending, tuple) or (None, None)
            repeat = Repeat(repeat.core, until, count)
        try:
            rule = rules.normalize(repeat.rule())  # `every 31st` is the 31st or the last day
            if due is None:
                due, implied_by = rules.first_occurrence(rule, now, due_time), "recurrence"
            elif first["due_date"].starting:
                due = rules.first_on_or_after(rule, due) or due
            recurrence = rules.normalize(rule, due)
        except rules.RuleError as error:
            raise QuickAddError(str(error)) from None
    if due is None and due_time is not None:  # today if still ahead, else tomorrow
        due = today if due_time > now.time() else today + timedelta(days=1)
        implied_by = "due_time"
    tags = _unique(str(m.value) for m in found if m.field == "tags")
    if len(tags) > MAX_TAGS:
        raise QuickAddError(f"Use at most {MAX_TAGS} tags.")
    project, assignee = _people(first, directory)
    facts = _Facts(today, due, due_time, recurrence, project, assignee)
    pieces = [facts.piece(line, tokens, match) for match in found]
    if implied_by is not None and due is not None:
        at = next(n for n, piece in enumerate(pieces) if piece.field == implied_by)
        pieces.insert(at, Piece("due_date", due.isoformat(), 0, 0, "", day_label(due, today)))
    title = _title(line, tokens, found)
    if not title:
        said = " ".join(piece.text for piece in pieces if not piece.implied)
        raise QuickAddError(f"Type a title as well as “{said}”." if said else "Type a title.")
    if len(title) > TITLE.max_length:
        raise QuickAddError(
            f"A title is at most {TITLE.max_length} characters; this one has {len(title)}."
        )
    return Parsed(
        title=title,
        due_date=due,
        due_time=due_time,
        priority=_value(first.get("priority"), str),
        tags=tags,
        estimated_hours=_value(first.get("estimated_hours"), int),
        recurrence=recurrence,
        pieces=tuple(pieces),
        today=today,
        project=project.key if project and "project" in first else None,
        assignee=assignee[0] if assignee else None,
    )


def _people(
    first: dict[Field, Match], directory: Directory | None
) -> tuple[ProjectEntry | None, tuple[str, str] | None]:
    """The project the line goes to (`+Name`, else the directory's default) and the member
    `@name` names there, as (key, name)."""
    if directory is None:
        return None, None
    said = first.get("project")
    project = next((p for p in directory.projects if said and p.key == said.value), None)
    project = project or directory.default
    if (named := first.get("assignee")) is None:
        return project, None
    key = who(str(named.value), project)
    person = next(person for person in project.people if person.key == key)
    return project, (key, person.name or person.email.split("@", 1)[0])


_T = TypeVar("_T")


def _value(match: Match | None, kind: type[_T]) -> _T | None:
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
    project: ProjectEntry | None = None
    assignee: tuple[str, str] | None = None  # (key, name)

    def piece(self, line: str, tokens: list[Token], match: Match) -> Piece:
        start, end = tokens[match.first].start, tokens[match.end - 1].end
        value, label = self._says(match)
        return Piece(match.field, value, start, end, line[start:end], label)

    def _says(self, match: Match) -> tuple[str, str]:
        if match.field == "due_date" and self.due is not None:
            return self.due.isoformat(), day_label(self.due, self.today)
        if match.field == "due_time" and self.due_time is not None:
            return f"{self.due_time:%H:%M}", f"{self.due_time:%H:%M}"
        if match.field == "recurrence" and match.ending:
            until, count = _value(match, tuple) or (None, None)
            return (
                self.recurrence,
                f"until {until.day} {until:%b %Y}" if until else f"{count} times",
            )
        if match.field == "recurrence":  # its end, if any, is a piece of its own (above)
            return self.recurrence, rule_words.describe(
                rules.without_end(self.recurrence), self.due
            )
        if match.field == "priority":
            return str(match.value), str(match.value).capitalize()
        if match.field == "tags":
            return str(match.value), f"#{match.value}"
        if match.field == "project" and self.project is not None:
            return self.project.key, f"+{self.project.name}"
        if match.field == "assignee" and self.assignee is not None:
            return self.assignee[0], f"@{self.assignee[1]}"
        return str(match.value), f"~{match.value} h"


def _title(line: str, tokens: list[Token], found: list[Match]) -> str:
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

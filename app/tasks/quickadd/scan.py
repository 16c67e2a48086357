"""One pass over the tokens: which phrase each position starts, the first of each field winning."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app.tasks.quickadd import words as w
from app.tasks.quickadd.cursor import Cursor, Token
from app.tasks.quickadd.dates import read_date, read_time
from app.tasks.quickadd.fields import read_estimate, read_priority, read_tag
from app.tasks.quickadd.people import Directory, read_assignee, read_project
from app.tasks.quickadd.repeats import Repeat, read_repeat, read_repeat_end
from app.tasks.quickadd.result import Field


@dataclass(frozen=True)
class Match:
    """A recognised run of tokens [first, end) and what it says."""

    field: Field
    first: int
    end: int
    value: object
    starting: bool = False  # a due date given as `starting <date>`
    adverb: bool = False  # `daily` … `yearly`: only counts at the end of the line
    ending: bool = False  # an `until`/`for N times` said apart from its `every` phrase


@dataclass
class _Scan:
    """One left-to-right pass: the first phrase of each field wins, later ones stay text."""

    cur: Cursor
    line: str
    skip_adverbs: frozenset[int]
    directory: Directory | None
    found: list[Match] = field(default_factory=list)

    def taken(self, name: Field) -> bool:
        return any(match.field == name and not match.ending for match in self.found)

    def run(self) -> list[Match]:
        i = 0
        while i < len(self.cur.tokens):
            match = self._at(i)
            if match is None:
                i += 1
            else:
                self.found.append(match)
                i = match.end
        return self.found

    def _at(self, i: int) -> Match | None:
        cur = self.cur
        candidates: list[tuple[Field, Callable[[], Match | None]]] = [
            ("recurrence", lambda: self._repeat(i)),
            ("due_time", lambda: _wrap("due_time", i, read_time(cur, i))),
            ("due_date", lambda: self._due_date(i)),
            ("priority", lambda: _wrap("priority", i, read_priority(cur, i))),
            ("estimated_hours", lambda: _wrap("estimated_hours", i, read_estimate(cur, i))),
            ("project", lambda: _wrap("project", i, read_project(cur, i, self.directory))),
            ("assignee", lambda: _wrap("assignee", i, read_assignee(cur, i, self.directory))),
        ]
        for name, read in candidates:
            if not self.taken(name) and (match := read()) is not None:
                return match
        if self._end_open() and (ending := read_repeat_end(cur, i)) is not None:
            return Match("recurrence", i, ending[0], ending[1:], ending=True)
        tag = read_tag(self.line, cur.tokens[i])
        return None if tag is None else Match("tags", i, i + 1, tag)

    def _end_open(self) -> bool:
        """A repeat was said without its end: `until …`/`for N times` may still follow."""
        said = [match for match in self.found if match.field == "recurrence"]
        repeat = said[0].value if len(said) == 1 else None
        return isinstance(repeat, Repeat) and repeat.until is None and repeat.count is None

    def _repeat(self, i: int) -> Match | None:
        if i in self.skip_adverbs:
            return None
        found = read_repeat(self.cur, i)
        if found is None:
            return None
        return Match("recurrence", i, found[0], found[1], adverb=self.cur.word(i) in w.ADVERBS)

    def _due_date(self, i: int) -> Match | None:
        starting = self.cur.word(i) == "starting"
        found = read_date(self.cur, i + 1, prefixed=True) if starting else read_date(self.cur, i)
        return None if found is None else Match("due_date", i, found[0], found[1], starting)


def _wrap(name: Field, i: int, found: tuple[int, object] | None) -> Match | None:
    return None if found is None else Match(name, i, found[0], found[1])


def recognise(line: str, cur: Cursor, directory: Directory | None = None) -> list[Match]:
    """All phrases of the line; an adverb (`monthly`) counts only when nothing but other
    phrases and punctuation follows it, so "Create monthly report" keeps its word."""
    skip: frozenset[int] = frozenset()
    while True:
        found = _Scan(cur, line, skip, directory).run()
        covered = {index for match in found for index in range(match.first, match.end)}
        late = [
            match.first
            for match in found
            if match.adverb
            and any(
                index not in covered and _is_text(token)
                for index, token in enumerate(cur.tokens[match.end :], start=match.end)
            )
        ]
        if not late:
            return found
        skip |= set(late)


def _is_text(token: Token) -> bool:
    """Words and quoted text; not a lone comma or full stop."""
    return token.word == '"' or any(ch.isalnum() for ch in token.word)

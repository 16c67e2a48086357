"""Reading the short pieces: priority (`!high`, `p1`), estimates (`~3h`), tags (`#bills`)."""

from __future__ import annotations

from app.models import TaskFields, is_tag_name, limits_of
from app.tasks.quickadd import words as w
from app.tasks.quickadd.cursor import Cursor, Token
from app.tasks.quickadd.result import QuickAddError

ESTIMATE = limits_of(TaskFields, "estimated_hours")


def read_priority(cur: Cursor, i: int) -> tuple[int, str] | None:
    priority = w.PRIORITIES.get(cur.word(i))
    return None if priority is None else (i + 1, priority)


def read_estimate(cur: Cursor, i: int) -> tuple[int, int] | None:
    """`~3h`, `~3 h`, `for 3h`, `for 3 hours`, `for an hour`."""
    word = cur.word(i)
    if word.startswith("~"):
        at, amount = i, w.ESTIMATE.fullmatch(word)
    elif word == "for":
        at, amount = i + 1, w.ESTIMATE.fullmatch(cur.word(i + 1))
        if amount is None and (count := w.number(cur.word(i + 1), article=True)):
            amount = w.ESTIMATE.fullmatch(str(count))
    else:
        return None
    if amount is None:
        return None
    end = at + 1
    if not amount[2]:
        if cur.word(at + 1) not in w.HOURS:
            return None
        end = at + 2
    if not amount[1].isdigit():
        raise QuickAddError(f"Estimates are whole hours, not “{amount[1]}”.")
    hours = int(amount[1])
    if not ESTIMATE.ge <= hours <= ESTIMATE.le:
        raise QuickAddError(f"An estimate is {ESTIMATE.ge} to {ESTIMATE.le} hours.")
    return end, hours


def read_tag(line: str, token: Token) -> str | None:
    """The tag a `#name` token gives, or None: it stays in the title (`#123`, `#c++`)."""
    name = line[token.start + 1 : token.end]
    if not token.word.startswith("#") or name.isdigit() or not is_tag_name(name):
        return None
    return name

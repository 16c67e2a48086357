"""Which task a message means: every word in its title, an exact title first; "Which one?"
when several match, "Did you mean …?" when none does (a suggestion is never acted on)."""

from __future__ import annotations

import difflib
from typing import Any

from sqlalchemy import case
from sqlmodel import col

from app.assistant import acting
from app.assistant.replies import Reply, Section, about, quoted, task_ref
from app.assistant.turn import Turn
from app.db import fold
from app.models import Status, Task
from app.tasks.queries import tasks_of

CHOICES_MAX = 9  # candidates offered by "Which one?"
SUGGESTION_POOL = 500  # titles looked through for "Did you mean …?"

# What an action finds when its task is in the other state ("done pay rent" twice).
_ALREADY = {
    "complete": "{task} is already done.",
    "reopen": "{task} is not done yet.",
    "move": "{task} is already done; reopen it first.",
}


def candidates(turn: Turn, action: str, words: str, *, any_status: bool = False) -> list[Task]:
    """The tasks an action may apply to whose title holds every word; an exact title
    (ignoring case) wins over partial matches."""
    phrase = " ".join(words.lower().split())
    statement = tasks_of(turn.user_id)
    if not any_status and action in {"complete", "move"}:
        statement = statement.where(col(Task.status) == Status.pending)
    elif not any_status and action == "reopen":
        statement = statement.where(col(Task.status) == Status.completed)
    for word in phrase.split():
        statement = statement.where(fold(col(Task.title)).contains(word, autoescape=True))
    exact_first = case((fold(col(Task.title)) == phrase, 0), else_=1)
    statement = statement.order_by(exact_first, col(Task.due_date).asc().nulls_last(), col(Task.id))
    found = list(turn.db.scalars(statement.limit(CHOICES_MAX + 1)))
    exact = [task for task in found if " ".join(task.title.lower().split()) == phrase]
    return exact or found


def find_and_do(turn: Turn, request: dict[str, Any], words: str) -> Reply:
    found = candidates(turn, request["action"], words)
    if len(found) == 1:
        return acting.do(turn, request, found[0])
    if not found:
        return _no_match(turn, request["action"], words)
    many = f" ({CHOICES_MAX} shown; add a word to narrow it)" if len(found) > CHOICES_MAX else ""
    return Reply(
        f"Which one? Answer with its number{many}.",
        [Section([task_ref(t) for t in found[:CHOICES_MAX]], numbered=True)],
        ask={**request, "ids": [str(task.id) for task in found[:CHOICES_MAX]]},
    )


def _no_match(turn: Turn, action: str, words: str) -> Reply:
    elsewhere = candidates(turn, action, words, any_status=True)
    if elsewhere and action in _ALREADY:
        return about(elsewhere[0], _ALREADY[action].format(task=quoted(elsewhere[0])))
    text = f"No task matches “{words}”."
    statement = tasks_of(turn.user_id).order_by(col(Task.updated_at).desc())
    pool = list(turn.db.scalars(statement.limit(SUGGESTION_POOL)))
    # A typo ("pay rnet") is offered, never acted on: an action needs the words to match.
    close = difflib.get_close_matches(
        words.lower(), [t.title.lower() for t in pool], n=3, cutoff=0.75
    )
    suggested = [next(t for t in pool if t.title.lower() == title) for title in close]
    if suggested:
        return Reply(f"{text} Did you mean:", [Section([task_ref(t) for t in suggested])])
    return Reply(text + " Write “find …” to search, or “help” for examples.")


def choose(turn: Turn, question: dict[str, Any], number: int) -> Reply:
    """The answer to "Which one?" by its number."""
    ids = question["ids"]
    if not 1 <= number <= len(ids):
        section = Section([task_ref(t) for t in turn.tasks_by_ids(ids)], numbered=True)
        return Reply(f"Please answer with a number from 1 to {len(ids)}.", [section], ask=question)
    task = turn.tasks_by_ids([ids[number - 1]])
    if not task:
        return Reply("That task is no longer there; nothing was changed.")
    return acting.do(turn, question, task[0])


def narrow(turn: Turn, question: dict[str, Any], words: str) -> Reply:
    """The answer to "Which one?" by more words of the title."""
    tasks = turn.tasks_by_ids(question["ids"])
    wanted = words.lower().split()
    matching = [t for t in tasks if all(w in t.title.lower() for w in wanted)]
    if len(matching) == 1:
        return acting.do(turn, question, matching[0])
    return Reply(
        "I still do not know which one. Answer with its number, or “never mind”.",
        [Section([task_ref(t) for t in tasks], numbered=True)],
        ask={**question, "ids": [str(t.id) for t in tasks]},
    )

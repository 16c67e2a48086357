"""Reading a chat message: pure functions of the text, the pending question and the moment,
unit-tested without a database (SPEC §7 "The task assistant")."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time

from app.assistant import phrases as p
from app.assistant.intents import (
    Act,
    Add,
    Choose,
    Dismiss,
    Help,
    Intent,
    Move,
    Narrow,
    NotUnderstood,
    Pending,
    Problem,
    Show,
    SmallTalk,
    Undo,
)
from app.tasks.quickadd import QuickAddError, parse


def tidy(text: str) -> str:
    """One line, single spaces, no polite padding; the words themselves as written."""
    text = " ".join(text.split())
    for _ in range(3):
        text = p.POLITE_START.sub("", text)
        text = p.POLITE_END.sub("", text)
    return text


def understand(
    text: str, *, pending: Pending | None, now: datetime, date_order: str = "dmy"
) -> Intent:
    """The intent of one message, given the conversation's open question (if any), the
    user's current moment (aware, in their zone) and how they write numeric dates."""
    line = tidy(text)
    bare = p.TRAILING_PUNCTUATION.sub("", line)
    if not bare:
        return Help() if line.strip() == "?" else NotUnderstood()
    if pending is not None and (answer := _answer(bare, pending)) is not None:
        return answer
    if p.HELP.match(bare):
        return Help()
    if bare.lower() in p.GREETINGS:
        return SmallTalk(p.GREETINGS[bare.lower()])
    if p.UNDO.match(bare):
        return Undo()
    if p.ADD_ALONE.match(bare):
        return Problem("Add what? Write the task after it, e.g. “add pay rent tomorrow 9am”.")
    if match := p.ADD.match(line):
        return _add(match["rest"].strip(), now, date_order, reminder=match["verb"])
    if match := p.MOVE.match(bare):
        return _move(match["rest"], now, date_order)
    for action, pattern in p.ACTIONS:
        if match := pattern.match(bare):
            return _act(action, match["words"])
    if match := p.ACTION_ALONE.match(bare):
        verb = match["verb"].lower()
        example = "move pay rent to friday" if verb in {"move", "postpone", "reschedule"} else ""
        return Problem(
            f"Which task? Name it after “{verb}”, e.g. “{example or verb + ' pay rent'}”."
        )
    if (show := _show(bare)) is not None:
        return show
    if pending is not None:
        return Narrow(_words(bare))
    if p.CHOICE.match(bare) or _ordinal(bare, 10) is not None:
        return Problem("There is no question waiting for a number here. Write “help” for ideas.")
    return NotUnderstood()


def _answer(bare: str, pending: Pending) -> Intent | None:
    """A reply to "Which one?": a number, an ordinal, "the last one", or "never mind"."""
    if p.DISMISS.match(bare):
        return Dismiss()
    if match := p.CHOICE.match(bare):
        return Choose(int(match["digits"]))
    number = _ordinal(bare, pending.count)
    return Choose(number) if number is not None else None


def _ordinal(bare: str, count: int) -> int | None:
    match = p.CHOICE_WORDS.match(bare)
    if match is None:
        return None
    word = match["word"].lower()
    if word == "one" and bare.lower() != "one":  # "the one …" names no number
        return None
    if word == "last":
        return count
    return p.ORDINALS.get(word) or p.NUMBER_WORDS.get(word)


def _add(rest: str, now: datetime, date_order: str, *, reminder: str) -> Intent:
    try:
        parsed = parse(rest, now, date_order)
    except QuickAddError as error:
        return Problem(f"{error} Nothing was added.")
    # "remind me tomorrow to call Mum": the date came first, the title keeps a "to"
    if reminder.lower() == "remind me" and parsed.title.lower().startswith("to "):
        parsed = replace(parsed, title=parsed.title[3:].lstrip())
    return Add(parsed)


def _words(raw: str) -> str:
    """The words naming a task: quotes and a leading "the task"/"my" dropped."""
    words = raw.strip().strip("\"“”'")
    words = re.sub(r"^(?:the task|task|the|my)\s+", "", words, flags=re.IGNORECASE)
    words = re.sub(r"\s+task$", "", words, flags=re.IGNORECASE)
    return words.strip().strip("\"“”'")


def _act(action: str, raw: str) -> Intent:
    words = _words(raw)
    if words.lower() in p.EVERYTHING:
        return Problem(
            "I act on one task at a time. To change many at once, tick them in the list "
            "and use the bulk actions."
        )
    if not words or words.lower() in p.PRONOUNS:
        return Problem(f"Which task? Name it, e.g. “{action} pay rent”.")
    return Act(action, words)


def _move(rest: str, now: datetime, date_order: str) -> Intent:
    if match := p.BY.match(rest):
        amount = match["n"].lower()
        number = int(amount) if amount.isdigit() else p.NUMBER_WORDS.get(amount, 1)
        days = number * (7 if match["unit"].lower().startswith("week") else 1)
        return Move(_words(match["words"]), by_days=days) if days else NotUnderstood()
    quoted = re.match(r'^\s*["“](?P<title>[^"”]+)["”]\s*(?P<when>.*)$', rest)
    if quoted:
        words, tokens = quoted["title"].strip(), quoted["when"].split()
        if tokens and tokens[0].lower() in p.CONNECTORS:
            tokens = tokens[1:]
        when = _date_of(" ".join(tokens), now, date_order) if tokens else None
        return _moved(words, when)
    tokens = rest.split()
    # Prefer a split at "to"/"until"/…: "move talk to bob to friday" keeps "talk to bob".
    for index in range(1, len(tokens) - 1):
        if tokens[index].lower() in p.CONNECTORS:
            when = _date_of(" ".join(tokens[index + 1 :]), now, date_order)
            if when is not None:
                return _moved(" ".join(tokens[:index]), when)
    for index in range(1, len(tokens)):
        when = _date_of(" ".join(tokens[index:]), now, date_order)
        if when is not None:
            return _moved(" ".join(tokens[:index]), when)
    return Problem(f"To when? Give a date after the task, e.g. “move {_words(rest)} to friday”.")


def _moved(raw: str, when: tuple[date, time | None] | None) -> Intent:
    words = _words(raw)
    if when is None:
        return Problem(f"To when? Give a date, e.g. “move {words or 'pay rent'} to friday”.")
    if not words or words.lower() in p.PRONOUNS or words.lower() in p.EVERYTHING:
        return Problem("Which task? Name it, e.g. “move pay rent to friday”.")
    return Move(words, due_date=when[0], due_time=when[1])


def _date_of(text: str, now: datetime, date_order: str) -> tuple[date, time | None] | None:
    """The date (and time, if said) of a phrase that is nothing but a quick-add date."""
    if not text.strip() or '"' in text:
        return None
    try:
        parsed = parse(f'"x" {text}', now, date_order)
    except QuickAddError:
        return None
    if parsed.title != "x" or parsed.due_date is None:
        return None
    if parsed.priority or parsed.tags or parsed.estimated_hours or parsed.recurrence:
        return None
    return parsed.due_date, parsed.due_time


def _show(bare: str) -> Intent | None:
    """A question about the tasks, or None when the text is not one. Only exact shapes count
    (the view's words and filler such as "what's due"), so a sentence that merely contains
    "today" is not taken for a question."""
    if p.SHOW_ALL.match(bare):
        return Show("pending")
    words = bare.lower().replace("’", "'").split()
    meaningful = tuple(word for word in words if word not in p.FILLER)
    if (view := p.VIEWS.get(meaningful)) is not None:
        return Show(view)
    rest = " ".join(meaningful)
    if tag := p.TAG.match(rest):
        return Show("tag", tag["tag"])
    if priority := p.PRIORITY.match(rest):
        level = (priority["a"] or priority["b"] or priority["c"] or priority["p"]).lower()
        return Show("priority", p.LEVELS.get(level, level))
    if match := p.FIND.match(bare):
        found = _words(match["words"])
        return Show("find", found) if found else None
    return None

"""What a chat message asks for: pure functions of the text, the pending question and the
moment, unit-tested without a database (SPEC §7 "The task assistant")."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from app.tasks.quickadd import Parsed, QuickAddError, parse

# --- intents ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class SmallTalk:
    """A greeting or a thank-you: a friendly word back, nothing done."""

    reply: str


@dataclass(frozen=True)
class Add:
    parsed: Parsed


@dataclass(frozen=True)
class Show:
    """A read-only view: today (with an overdue section), tomorrow, week, next, overdue,
    pending, completed, tag, priority or find (then `arg` holds the tag, level or words)."""

    view: str
    arg: str = ""


@dataclass(frozen=True)
class Act:
    """complete, reopen or delete the one task whose title matches `words`."""

    action: str
    words: str


@dataclass(frozen=True)
class Move:
    """A new due date for the task matching `words`; `due_time` None keeps the task's time.
    `by_days` instead shifts the current due date (postpone … by a week)."""

    words: str
    due_date: date | None = None
    due_time: time | None = None
    by_days: int = 0


@dataclass(frozen=True)
class Undo:
    pass


@dataclass(frozen=True)
class Choose:
    """An answer to "Which one?": the 1-based number of a candidate."""

    number: int


@dataclass(frozen=True)
class Narrow:
    """An answer to "Which one?" in words: the candidate whose title they match."""

    words: str


@dataclass(frozen=True)
class Dismiss:
    """ "never mind" to a pending question."""


@dataclass(frozen=True)
class Problem:
    """Understood, but it cannot be done as said; the message says why and what to write."""

    message: str


@dataclass(frozen=True)
class NotUnderstood:
    pass


Intent = (
    Help
    | SmallTalk
    | Add
    | Show
    | Act
    | Move
    | Undo
    | Choose
    | Narrow
    | Dismiss
    | Problem
    | NotUnderstood
)


@dataclass(frozen=True)
class Pending:
    """The conversation's open "Which one?" question: what it is for and how many choices."""

    action: str
    count: int


# --- the words --------------------------------------------------------------------------------

_I = re.IGNORECASE
_POLITE_START = re.compile(
    r"^(?:please|pls|plz|kindly|hey|hi|ok|okay|so|now|and|then|"
    r"(?:can|could|would|will) you(?: please)?|i want you to|i'd like you to)[\s,]+",
    _I,
)
_POLITE_END = re.compile(r"[\s,]+(?:please|pls|plz|thanks|thank you)$", _I)
_TRAILING_PUNCTUATION = re.compile(r"[\s.?!]+$")

_HELP = re.compile(
    r"^(?:help|\?+|h|commands|menu|options|what can you do|what do you (?:do|understand)|"
    r"what can i (?:say|ask|write|type)|how does (?:this|it) work|"
    r"how (?:do|can|should) i\b.*|what (?:is|are) (?:this|you))$",
    _I,
)
_GREETINGS = {
    "hi": "Hello! Ask me what's due today, or tell me to add a task.",
    "hello": "Hello! Ask me what's due today, or tell me to add a task.",
    "hey": "Hello! Ask me what's due today, or tell me to add a task.",
    "good morning": "Good morning! Ask me what's due today.",
    "good afternoon": "Good afternoon! Ask me what's due today.",
    "good evening": "Good evening! Ask me what's due tomorrow.",
    "thanks": "You're welcome.",
    "thank you": "You're welcome.",
    "thx": "You're welcome.",
    "cheers": "You're welcome.",
    "great": "Glad to help.",
    "ok": "OK.",
    "okay": "OK.",
    "cool": "Glad to help.",
}
_UNDO = re.compile(
    r"^(?:undo|undo (?:that|it|this|last|the last (?:change|one|thing)|what you did)|"
    r"revert(?: that| it)?|take (?:that|it) back|oops|put it back)$",
    _I,
)
_ADD = re.compile(
    r"^(?P<verb>add(?: a)?(?: new)?(?: task)?|new task|new todo|create(?: a)?(?: new)? task|"
    r"remind me(?: to)?|todo|to-do)(?:\s*:\s*|\s+)(?P<rest>.+)$",
    _I | re.DOTALL,
)
_ADD_ALONE = re.compile(
    r"^(?:add(?: a)?(?: new)?(?: task)?|new task|create(?: a)?(?: new)? task|remind me(?: to)?)$",
    _I,
)
_ACTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "reopen",
        re.compile(
            r"^(?:reopen|re-open|uncomplete|un-complete|uncheck|untick|mark undone|"
            r"mark (?:as )?not done|restart)\s+(?P<words>.+)$",
            _I,
        ),
    ),
    (
        "reopen",
        re.compile(
            r"^mark\s+(?P<words>.+?)\s+(?:as\s+)?(?:not done|undone|not finished|incomplete|"
            r"pending|open|to ?do)$",
            _I,
        ),
    ),
    (
        "complete",
        re.compile(
            r"^(?:complete|completed|done(?: with)?|finish|finished|i(?:'ve| have)? finished|"
            r"check off|tick off|cross off|mark done|"
            r"mark (?:as )?(?:done|complete|completed|finished))\s+(?P<words>.+)$",
            _I,
        ),
    ),
    (
        "complete",
        re.compile(
            r"^(?:mark|check|tick|cross)\s+(?P<words>.+?)\s+(?:as\s+)?"
            r"(?:done|complete|completed|finished|off)$",
            _I,
        ),
    ),
    (
        "delete",
        re.compile(
            r"^(?:delete|remove|trash|bin|erase|get rid of|throw away)\s+(?P<words>.+)$", _I
        ),
    ),
)
_ACTION_ALONE = re.compile(
    r"^(?P<verb>complete|done|finish|reopen|delete|remove|trash|move|postpone|reschedule)$", _I
)
_VERB_ACTION = {
    "complete": "complete",
    "done": "complete",
    "finish": "complete",
    "reopen": "reopen",
    "delete": "delete",
    "remove": "delete",
    "trash": "delete",
}
_MOVE = re.compile(
    r"^(?:move|postpone|reschedule|push(?: back)?|defer|delay|shift|snooze)\s+(?P<rest>.+)$", _I
)
_BY = re.compile(
    r"^(?P<words>.+?)\s+by\s+(?P<n>a|an|one|two|three|\d{1,3})\s+(?P<unit>days?|weeks?)$", _I
)
_CONNECTORS = ("to", "until", "till", "til", "for", "on", "into")
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_CHOICE = re.compile(
    r"^(?:(?:the|pick|choose|number|no\.?|option|#)\s*)*(?P<digits>\d{1,3})(?:st|nd|rd|th)?"
    r"(?: one)?$",
    _I,
)
_CHOICE_WORDS = re.compile(
    r"^(?:(?:the|pick|choose|i meant?|number)\s+)*(?P<word>[a-z]+)"
    r"(?:\s+(?:one|task|please))*$",
    _I,
)
_DISMISS = re.compile(
    r"^(?:never ?mind|nvm|cancel|none|neither|none of them|no|nope|stop|forget it)$", _I
)
_EVERYTHING = frozenset(
    {"all", "everything", "all tasks", "all my tasks", "every task", "them all"}
)
_PRONOUNS = frozenset({"it", "that", "this", "them", "that one", "this one"})

# Read-only questions: the words that carry no meaning once a view word is found.
_FILLER = frozenset(
    [
        "what",
        "what's",
        "whats",
        "what're",
        "is",
        "are",
        "was",
        "do",
        "does",
        "did",
        "i",
        "i'm",
        "have",
        "got",
        "show",
        "me",
        "list",
        "display",
        "give",
        "tell",
        "my",
        "the",
        "all",
        "tasks",
        "task",
        "things",
        "todos",
        "todo",
        "to-dos",
        "stuff",
        "due",
        "on",
        "for",
        "anything",
        "there",
        "any",
        "left",
        "should",
        "to",
        "be",
        "done",
        "can",
        "you",
        "see",
        "view",
        "in",
        "which",
        "ones",
        "open",
        "pending",
    ]
)
_VIEWS: dict[tuple[str, ...], str] = {
    ("today",): "today",
    ("today's",): "today",
    ("todays",): "today",
    ("tonight",): "today",
    ("tomorrow",): "tomorrow",
    ("tomorrow's",): "tomorrow",
    ("this", "week"): "week",
    ("week",): "week",
    ("the", "week"): "week",
    ("next", "7", "days"): "week",
    ("next",): "next",
    ("up", "next"): "next",
    ("coming", "up"): "next",
    ("upcoming",): "next",
    ("overdue",): "overdue",
    ("late",): "overdue",
    ("past", "due"): "overdue",
    ("completed",): "completed",
    ("finished",): "completed",
}
_PRIORITY = re.compile(
    r"^(?:(?P<a>high|medium|med|low|urgent|important)(?:[- ]priority)?|!(?P<b>high|medium|med|low)|"
    r"priority (?P<c>high|medium|med|low)|(?P<p>p[123]))(?: tasks| ones)?$",
    _I,
)
_LEVELS = {"urgent": "high", "important": "high", "med": "medium", "p1": "high", "p2": "medium"}
_LEVELS["p3"] = "low"
_TAG = re.compile(r"^(?:(?:tagged|tag|with tag)\s+#?|#)(?P<tag>[\w-]{1,32})$", _I)
_FIND = re.compile(
    r"^(?:find|search(?: for)?|look for|look up|where(?:'s| is)|show me|show|list)\s+"
    r"(?P<words>.+)$",
    _I,
)
_SHOW_ALL = re.compile(
    r"^(?:list|show|show me|show all|list all|my tasks|all tasks|all my tasks|tasks|"
    r"what do i have(?: to do)?|what(?:'s| is) (?:on )?my (?:list|plate)|"
    r"what(?:'s| is) left(?: to do)?|what(?:'s| is) pending|"
    r"(?:show|list)(?: me)?(?: all)?(?: my)? (?:tasks|pending tasks|open tasks|pending))$",
    _I,
)


# --- understanding ----------------------------------------------------------------------------


def tidy(text: str) -> str:
    """One line, single spaces, no polite padding; the words themselves as written."""
    text = " ".join(text.split())
    for _ in range(3):
        text = _POLITE_START.sub("", text)
        text = _POLITE_END.sub("", text)
    return text


def understand(
    text: str, *, pending: Pending | None, now: datetime, date_order: str = "dmy"
) -> Intent:
    """The intent of one message, given the conversation's open question (if any), the
    user's current moment (aware, in their zone) and how they write numeric dates."""
    line = tidy(text)
    bare = _TRAILING_PUNCTUATION.sub("", line)
    if not bare:
        return Help() if line.strip() == "?" else NotUnderstood()
    if pending is not None and (answer := _answer(bare, pending)) is not None:
        return answer
    if _HELP.match(bare):
        return Help()
    if bare.lower() in _GREETINGS:
        return SmallTalk(_GREETINGS[bare.lower()])
    if _UNDO.match(bare):
        return Undo()
    if _ADD_ALONE.match(bare):
        return Problem("Add what? Write the task after it, e.g. “add pay rent tomorrow 9am”.")
    if match := _ADD.match(line):
        return _add(match["rest"].strip(), now, date_order, reminder=match["verb"])
    if match := _MOVE.match(bare):
        return _move(match["rest"], now, date_order)
    for action, pattern in _ACTIONS:
        if match := pattern.match(bare):
            return _act(action, match["words"])
    if match := _ACTION_ALONE.match(bare):
        verb = match["verb"].lower()
        example = "move pay rent to friday" if verb in {"move", "postpone", "reschedule"} else ""
        return Problem(
            f"Which task? Name it after “{verb}”, e.g. “{example or verb + ' pay rent'}”."
        )
    if (show := _show(bare)) is not None:
        return show
    if pending is not None:
        return Narrow(_words(bare))
    if _CHOICE.match(bare) or _ordinal(bare, 10) is not None:
        return Problem("There is no question waiting for a number here. Write “help” for ideas.")
    return NotUnderstood()


def _answer(bare: str, pending: Pending) -> Intent | None:
    """A reply to "Which one?": a number, an ordinal, "the last one", or "never mind"."""
    if _DISMISS.match(bare):
        return Dismiss()
    if match := _CHOICE.match(bare):
        return Choose(int(match["digits"]))
    number = _ordinal(bare, pending.count)
    return Choose(number) if number is not None else None


def _ordinal(bare: str, count: int) -> int | None:
    match = _CHOICE_WORDS.match(bare)
    if match is None:
        return None
    word = match["word"].lower()
    if word == "one" and bare.lower() != "one":  # "the one …" names no number
        return None
    if word == "last":
        return count
    return _ORDINALS.get(word) or _NUMBER_WORDS.get(word)


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
    words = re.sub(r"^(?:the task|task|the|my)\s+", "", words, flags=_I)
    words = re.sub(r"\s+task$", "", words, flags=_I)
    return words.strip().strip("\"“”'")


def _act(action: str, raw: str) -> Intent:
    words = _words(raw)
    if words.lower() in _EVERYTHING:
        return Problem(
            "I act on one task at a time. To change many at once, tick them in the list "
            "and use the bulk actions."
        )
    if not words or words.lower() in _PRONOUNS:
        return Problem(f"Which task? Name it, e.g. “{action} pay rent”.")
    return Act(action, words)


def _move(rest: str, now: datetime, date_order: str) -> Intent:
    if match := _BY.match(rest):
        amount = match["n"].lower()
        number = int(amount) if amount.isdigit() else _NUMBER_WORDS.get(amount, 1)
        days = number * (7 if match["unit"].lower().startswith("week") else 1)
        return Move(_words(match["words"]), by_days=days) if days else NotUnderstood()
    quoted = re.match(r'^\s*["“](?P<title>[^"”]+)["”]\s*(?P<when>.*)$', rest)
    if quoted:
        words, tokens = quoted["title"].strip(), quoted["when"].split()
        if tokens and tokens[0].lower() in _CONNECTORS:
            tokens = tokens[1:]
        when = _date_of(" ".join(tokens), now, date_order) if tokens else None
        return _moved(words, when)
    tokens = rest.split()
    # Prefer a split at "to"/"until"/…: "move talk to bob to friday" keeps "talk to bob".
    for index in range(1, len(tokens) - 1):
        if tokens[index].lower() in _CONNECTORS:
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
    if not words or words.lower() in _PRONOUNS or words.lower() in _EVERYTHING:
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
    if _SHOW_ALL.match(bare):
        return Show("pending")
    words = bare.lower().replace("’", "'").split()
    meaningful = tuple(word for word in words if word not in _FILLER)
    if (view := _VIEWS.get(meaningful)) is not None:
        return Show(view)
    rest = " ".join(meaningful)
    if tag := _TAG.match(rest):
        return Show("tag", tag["tag"])
    if priority := _PRIORITY.match(rest):
        level = (priority["a"] or priority["b"] or priority["c"] or priority["p"]).lower()
        return Show("priority", _LEVELS.get(level, level))
    if match := _FIND.match(bare):
        found = _words(match["words"])
        return Show("find", found) if found else None
    return None

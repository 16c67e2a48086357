"""The assistant's vocabulary: the shapes of the messages it understands, as patterns and
word lists (app.assistant.reading turns a message into an intent with them)."""

from __future__ import annotations

import re

_I = re.IGNORECASE  # every pattern here ignores case
POLITE_START = re.compile(
    r"^(?:please|pls|plz|kindly|hey|hi|ok|okay|so|now|and|then|"
    r"(?:can|could|would|will) you(?: please)?|i want you to|i'd like you to)[\s,]+",
    _I,
)
POLITE_END = re.compile(r"[\s,]+(?:please|pls|plz|thanks|thank you)$", _I)
TRAILING_PUNCTUATION = re.compile(r"[\s.?!]+$")

HELP = re.compile(
    r"^(?:help|\?+|h|commands|menu|options|what can you do|what do you (?:do|understand)|"
    r"what can i (?:say|ask|write|type)|how does (?:this|it) work|"
    r"how (?:do|can|should) i\b.*|what (?:is|are) (?:this|you))$",
    _I,
)
GREETINGS = {
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
UNDO = re.compile(
    r"^(?:undo|undo (?:that|it|this|last|the last (?:change|one|thing)|what you did)|"
    r"revert(?: that| it)?|take (?:that|it) back|oops|put it back)$",
    _I,
)
ADD = re.compile(
    r"^(?P<verb>add(?: a)?(?: new)?(?: task)?|new task|new todo|create(?: a)?(?: new)? task|"
    r"remind me(?: to)?|todo|to-do)(?:\s*:\s*|\s+)(?P<rest>.+)$",
    _I | re.DOTALL,
)
ADD_ALONE = re.compile(
    r"^(?:add(?: a)?(?: new)?(?: task)?|new task|create(?: a)?(?: new)? task|remind me(?: to)?)$",
    _I,
)
ACTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
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
ACTION_ALONE = re.compile(
    r"^(?P<verb>complete|done|finish|reopen|delete|remove|trash|move|postpone|reschedule)$", _I
)
VERB_ACTION = {
    "complete": "complete",
    "done": "complete",
    "finish": "complete",
    "reopen": "reopen",
    "delete": "delete",
    "remove": "delete",
    "trash": "delete",
}
MOVE = re.compile(
    r"^(?:move|postpone|reschedule|push(?: back)?|defer|delay|shift|snooze)\s+(?P<rest>.+)$", _I
)
BY = re.compile(
    r"^(?P<words>.+?)\s+by\s+(?P<n>a|an|one|two|three|\d{1,3})\s+(?P<unit>days?|weeks?)$", _I
)
CONNECTORS = ("to", "until", "till", "til", "for", "on", "into")
NUMBER_WORDS = {
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
ORDINALS = {
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
CHOICE = re.compile(
    r"^(?:(?:the|pick|choose|number|no\.?|option|#)\s*)*(?P<digits>\d{1,3})(?:st|nd|rd|th)?"
    r"(?: one)?$",
    _I,
)
CHOICE_WORDS = re.compile(
    r"^(?:(?:the|pick|choose|i meant?|number)\s+)*(?P<word>[a-z]+)"
    r"(?:\s+(?:one|task|please))*$",
    _I,
)
DISMISS = re.compile(
    r"^(?:never ?mind|nvm|cancel|none|neither|none of them|no|nope|stop|forget it)$", _I
)
EVERYTHING = frozenset({"all", "everything", "all tasks", "all my tasks", "every task", "them all"})
PRONOUNS = frozenset({"it", "that", "this", "them", "that one", "this one"})

# Read-only questions: the words that carry no meaning once a view word is found.
FILLER = frozenset(
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
VIEWS: dict[tuple[str, ...], str] = {
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
PRIORITY = re.compile(
    r"^(?:(?P<a>high|medium|med|low|urgent|important)(?:[- ]priority)?|!(?P<b>high|medium|med|low)|"
    r"priority (?P<c>high|medium|med|low)|(?P<p>p[123]))(?: tasks| ones)?$",
    _I,
)
LEVELS = {"urgent": "high", "important": "high", "med": "medium", "p1": "high", "p2": "medium"}
LEVELS["p3"] = "low"
TAG = re.compile(r"^(?:(?:tagged|tag|with tag)\s+#?|#)(?P<tag>[\w-]{1,32})$", _I)
FIND = re.compile(
    r"^(?:find|search(?: for)?|look for|look up|where(?:'s| is)|show me|show|list)\s+"
    r"(?P<words>.+)$",
    _I,
)
SHOW_ALL = re.compile(
    r"^(?:list|show|show me|show all|list all|my tasks|all tasks|all my tasks|tasks|"
    r"what do i have(?: to do)?|what(?:'s| is) (?:on )?my (?:list|plate)|"
    r"what(?:'s| is) left(?: to do)?|what(?:'s| is) pending|"
    r"(?:show|list)(?: me)?(?: all)?(?: my)? (?:tasks|pending tasks|open tasks|pending))$",
    _I,
)

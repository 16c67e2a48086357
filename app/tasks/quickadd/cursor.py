"""The line cut into tokens with their spans, and the cursor every phrase reader walks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.tasks.quickadd.result import QuickAddError

_TOKEN = re.compile(r'"(?P<quoted>[^"]*)"|[^\s",]+|[,"]')
_TRAILING = re.compile(r"[.!?;:]+$")


@dataclass(frozen=True)
class Token:
    word: str  # lower-cased text; '"' for quoted text, which nothing matches
    start: int
    end: int
    typed: str  # as typed


def tokens_of(line: str) -> list[Token]:
    """Words, commas and quoted text with their spans; sentence punctuation after a word
    (`tomorrow.`) is a token of its own so that the word can still be read."""
    found: list[Token] = []
    for match in _TOKEN.finditer(line):
        start, end = match.span()
        if match.group("quoted") is not None:
            found.append(Token('"', start, end, match.group()))
            continue
        text = match.group()
        trailing = _TRAILING.search(text)
        cut = start + trailing.start() if trailing and trailing.start() > 0 else end
        found.append(Token(text[: cut - start].lower(), start, cut, text[: cut - start]))
        if cut < end:
            found.append(Token(text[cut - start :], cut, end, text[cut - start :]))
    return found


class Cursor:
    """The tokens, the user's local day and date order; readers take it and a position and
    return (end, value) or None."""

    def __init__(self, tokens: list[Token], today: date | None, date_order: str) -> None:
        self.tokens = tokens
        self._today = today
        self.date_order = date_order

    def word(self, index: int) -> str:
        return self.tokens[index].word if index < len(self.tokens) else ""

    @property
    def today(self) -> date:
        if self._today is None:  # a repeat phrase read without a reference day
            raise QuickAddError("Write the end date in full, such as 2027-12-24.")
        return self._today

"""Reading `+Project` and `@name` against the caller's projects and their members (SPEC §13).

The parser stays pure: the caller hands it a Directory (names and keys, no database), and it
hands back the keys it chose. `+` takes the longest run of words that is one of the caller's
project names (`+Home renovation`), `@` one word: a member's e-mail local part, full name
or first name, within the project the line goes to.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.tasks.quickadd.cursor import Cursor
from app.tasks.quickadd.result import QuickAddError

NAME_WORDS_MAX = 8  # the longest project name `+` tries, in words


@dataclass(frozen=True)
class Person:
    key: str  # what the caller stores: a user id
    name: str | None
    email: str

    def answers_to(self, word: str) -> bool:
        local = self.email.split("@", 1)[0].casefold()
        names = (self.name or "").casefold().split()
        return word in (local, "".join(names), names[0] if names else local)


@dataclass(frozen=True)
class ProjectEntry:
    key: str  # a project id
    name: str
    people: tuple[Person, ...]  # its members that a task may be assigned to


@dataclass(frozen=True)
class Directory:
    """What `+` and `@` may name: the caller's projects, and the one a line goes to when it
    names none (the Inbox, or the project whose list the line was typed in)."""

    projects: tuple[ProjectEntry, ...]
    default: ProjectEntry

    def project(self, words: str) -> ProjectEntry | None:
        wanted = words.casefold()
        return next((p for p in self.projects if p.name.casefold() == wanted), None)


def read_project(cur: Cursor, i: int, directory: Directory | None) -> tuple[int, str] | None:
    """`+Groceries`, `+Home renovation`: (end, project key). An unknown name is an error
    that names it; `+1` and a lone `+` are text."""
    word = cur.tokens[i].typed if i < len(cur.tokens) else ""
    if directory is None or len(word) < 2 or word[0] != "+" or not word[1].isalpha():
        return None
    for end in range(min(len(cur.tokens), i + NAME_WORDS_MAX), i, -1):
        words = " ".join(token.typed for token in cur.tokens[i:end])[1:]
        if (found := directory.project(words)) is not None:
            return end, found.key
    raise QuickAddError(f"You have no project called “{word[1:]}”.")


def read_assignee(cur: Cursor, i: int, directory: Directory | None) -> tuple[int, str] | None:
    """`@sam`: (end, the word after `@`); who it is depends on the line's project (`who`)."""
    word = cur.word(i)
    if directory is None or len(word) < 2 or word[0] != "@" or not word[1].isalnum():
        return None
    return i + 1, word[1:]


def who(word: str, project: ProjectEntry) -> str:
    """The key of the one member of `project` that `@word` names, or an error saying why not."""
    found = [person for person in project.people if person.answers_to(word)]
    if len(found) > 1:
        names = " or ".join(person.name or person.email for person in found)
        raise QuickAddError(f"“@{word}” could be {names}: type their e-mail's first part.")
    if not found:
        raise QuickAddError(f"Nobody called “@{word}” is a member of {project.name}.")
    return found[0].key

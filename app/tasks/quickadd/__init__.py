"""Quick add (SPEC §7): the grammar of one typed line, read into a task's fields.

Pure (no clock, no database). The modules, leaves first: `words` (the vocabulary),
`result` (what a line gives), `cursor` (tokens with spans), `dates`, `fields`, `repeats`
and `people` (one reader per kind of phrase), `scan` (which phrase each position starts),
`parse` (the whole line). docs/QUICK_ADD.md has the grammar; app.tasks.rules the rules.
"""

from app.tasks.quickadd.parse import parse
from app.tasks.quickadd.people import Directory, Person, ProjectEntry
from app.tasks.quickadd.repeats import read_repeat_phrase, read_rule
from app.tasks.quickadd.result import Parsed, Piece, QuickAddError, summary

__all__ = [
    "Directory",
    "Parsed",
    "Person",
    "ProjectEntry",
    "Piece",
    "QuickAddError",
    "parse",
    "read_repeat_phrase",
    "read_rule",
    "summary",
]

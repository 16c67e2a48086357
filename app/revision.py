"""Is the database at the code's Alembic head? Checked at start-up on PostgreSQL (SPEC §10)."""

from __future__ import annotations

import logging
import time
from functools import cache
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.db import in_thread

log = logging.getLogger("taskwise.revision")
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
RECHECK_SECONDS = 5.0


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS))


def code_heads() -> frozenset[str]:
    return frozenset(_scripts().get_heads())


def schema_problem(engine: Engine) -> str | None:
    """One sentence when the database is empty or behind the code's head, else None.

    A revision the code does not know was written by newer code (a rolling deploy): that is
    logged and served, since migrations add before they take away."""
    with engine.connect() as conn:
        current = frozenset(MigrationContext.configure(conn).get_current_heads())
    heads = code_heads()
    if current == heads:
        return None
    if not current:
        return "The database has no Taskwise tables yet: run `alembic upgrade head`."
    known = {script.revision for script in _scripts().walk_revisions()}
    if not current <= known:
        log.warning(
            "the database is at revision %s, which this code does not know (head %s)",
            ",".join(sorted(current)),
            ",".join(sorted(heads)),
        )
        return None
    return (
        f"The database is at revision {','.join(sorted(current))} but the code needs "
        f"{','.join(sorted(heads))}: run `alembic upgrade head`."
    )


class SchemaGate:
    """The outcome of the start-up check. While the database is behind (or could not be
    reached to check), it is checked again at most every few seconds, so that running
    `alembic upgrade head` brings the app up without a restart."""

    def __init__(self, engine: Engine, *, enabled: bool) -> None:
        self.engine = engine
        self.verified = not enabled
        self.problem: str | None = None
        self._next_check = 0.0

    def check(self) -> None:
        """Blocking: ask the database once."""
        self._next_check = time.monotonic() + RECHECK_SECONDS
        try:
            problem = schema_problem(self.engine)
        except SQLAlchemyError as exc:
            log.warning("migration state not checked, database unreachable: %s", type(exc).__name__)
            return  # requests answer 503 on their own while it is unreachable
        if problem and problem != self.problem:
            log.error("%s Every page answers 503 until then.", problem)
        elif not problem and self.problem:
            log.info("the database is at the code's head now; serving")
        self.problem, self.verified = problem, problem is None

    async def current_problem(self) -> str | None:
        """What stands in the way of serving, checked again when due; None: serve."""
        if self.verified:
            return None
        if time.monotonic() >= self._next_check:
            self._next_check = time.monotonic() + RECHECK_SECONDS  # one check at a time
            await in_thread(self.check)
        return self.problem

"""The engine built from settings, and one database session per request committed in one place."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeAlias, TypeVar

import anyio.to_thread
from litestar.di import Dependency
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String, TypeDecorator
from sqlmodel import Session, create_engine

from app.config import Settings

log = logging.getLogger("taskwise.db")
T = TypeVar("T")

# A handler parameter `db: DbSession` receives the request's session (see app.main).
DbSession: TypeAlias = Annotated[Session, Dependency(kind="named")]


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp stored in UTC; SQLite's naive values come back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def create_db_engine(settings: Settings) -> Engine:
    url = settings.sqlalchemy_url
    if settings.is_sqlite:
        engine = create_engine(
            url,
            echo=settings.debug,
            # An SQLite connection is a file handle in this process: keep all of them open
            # (opening one runs its PRAGMAs; under load, overflow connections opened and
            # closed for every request cost 7 % of a list page). Nothing to ping either.
            poolclass=QueuePool,
            pool_size=settings.db_pool_max,
            max_overflow=0,
            pool_timeout=settings.db_pool_timeout,
            connect_args={"check_same_thread": False, "timeout": settings.db_query_timeout},
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "savepoint", _sqlite_begin_before_savepoint)
        return engine

    connect_args: dict[str, Any] = {
        "connect_timeout": settings.db_connect_timeout,
        "application_name": "taskwise",
    }
    if settings.sslmode:
        connect_args["sslmode"] = settings.sslmode
    timeout_ms = settings.db_query_timeout * 1000
    if not settings.uses_transaction_pooler:
        # A direct connection takes the timeout once, at start-up: no extra round trip per request.
        connect_args["options"] = f"-c statement_timeout={timeout_ms}"
    engine = create_engine(
        url,
        echo=settings.debug,
        pool_size=settings.db_pool_min,
        max_overflow=settings.db_pool_max - settings.db_pool_min,
        pool_recycle=settings.db_pool_recycle,
        pool_pre_ping=True,
        # An exhausted pool answers 503 with Retry-After after this wait, never hangs.
        pool_timeout=settings.db_pool_timeout,
        connect_args=connect_args,
        hide_parameters=not settings.debug,
    )
    if settings.uses_transaction_pooler:
        # PgBouncer in transaction mode rejects startup options and leaks session SETs.
        event.listen(engine, "begin", _statement_timeout_setter(timeout_ms))
    return engine


def _sqlite_on_connect(dbapi_connection: Any, connection_record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable across app crashes in WAL mode
    finally:
        cursor.close()
    # Unicode-aware lower-casing for case-insensitive search (SQLite's lower() is ASCII-only).
    dbapi_connection.create_function("casefold", 1, _casefold, deterministic=True)


def _sqlite_begin_before_savepoint(connection: Any, name: str) -> None:
    """Python's sqlite3 opens a transaction only before a write, so a SAVEPOINT can be the
    first statement of one, and releasing it then commits for good: a rolled-back request
    would keep what it wrote inside `begin_nested()`. Begin the transaction first."""
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is not None and not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN")


class fold(FunctionElement[str]):  # noqa: N801 - reads as SQL
    """Lower-case text for case-insensitive comparisons, the same on both databases:
    PostgreSQL's lower(); on SQLite the Python `casefold` registered on every connection
    (SQLite's own lower() only knows ASCII)."""

    type = String()
    inherit_cache = True


@compiles(fold)
def _fold_default(element: fold, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(fold, "sqlite")
def _fold_sqlite(element: fold, compiler: Any, **kw: Any) -> str:
    return f"casefold({compiler.process(element.clauses, **kw)})"


def _casefold(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def _statement_timeout_setter(timeout_ms: int) -> Callable[[Any], None]:
    def set_local_timeout(connection: Any) -> None:
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout_ms)}")

    return set_local_timeout


def pool_status(engine: Engine) -> dict[str, int]:
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return {}
    return {
        "size": pool.size(),
        "checked_out": pool.checkedout(),
        "checked_in": pool.checkedin(),
        "overflow": max(pool.overflow(), 0),
        "max": pool.size() + pool._max_overflow,
    }


def new_session(engine: Engine) -> Session:
    # expire_on_commit=False: rows rendered after the commit must not trigger new queries.
    return Session(engine, expire_on_commit=False, autoflush=True)


async def in_thread(work: Callable[[], T]) -> T:
    """Run blocking database work from an async handler, off the event loop."""
    return await anyio.to_thread.run_sync(work)


def end_reads(session: Session) -> None:
    """End the request's transaction early, before a wait (a password hash), so that the
    wait holds no pooled connection. Only for a transaction that has only read so far: a
    later statement begins a new one, committed or rolled back at the end as usual."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("end_reads() would commit pending changes early")
    session.commit()


def finish(session: Session, *, success: bool) -> None:
    """Commit on success, else roll back; raises only if the commit itself fails."""
    try:
        if not success:
            _quiet_rollback(session)
            return
        try:
            session.commit()
        except SQLAlchemyError:
            _quiet_rollback(session)
            raise
    finally:
        session.close()


def _quiet_rollback(session: Session) -> None:
    try:
        session.rollback()
    except SQLAlchemyError:
        log.warning("rollback failed; the connection is discarded")

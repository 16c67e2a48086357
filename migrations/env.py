"""Alembic environment: the URL and engine come from the app's settings, like the app's own."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import Index
from sqlmodel import SQLModel

import app.models  # noqa: F401 - registers every table on SQLModel.metadata
from app.config import Settings
from app.db import create_db_engine

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Skip objects that exist on another dialect only (e.g. the PostgreSQL trigram index)."""
    if type_ == "index" and isinstance(obj, Index) and obj._ddl_if is not None:
        dialect = obj._ddl_if.dialect
        return dialect is None or dialect == context.get_context().dialect.name
    return True


def run_migrations_offline() -> None:
    settings = Settings()
    context.configure(
        url=settings.sqlalchemy_url.render_as_string(hide_password=False),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=settings.is_sqlite,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # handed over by the app or the tests
        _run(connection)
        return
    # Migrations never need a pool; Settings() rather than load_settings(): no SECRET_KEY needed.
    engine = create_db_engine(Settings(db_pool_min=1, db_pool_max=1))
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                with foreign_keys_off(conn):
                    _run(conn)
            else:
                _run(conn)
    finally:
        engine.dispose()


@contextmanager
def foreign_keys_off(connection: Any) -> Iterator[None]:
    """Batch mode alters a SQLite table by copying it: create the new one, copy the rows, DROP
    the old one, rename. With foreign keys on (the app turns them on for every connection),
    that DROP deletes the rows of every table referencing it ON DELETE CASCADE: altering
    `users` would empty `tasks`. SQLite's own procedure for altering a table turns them off
    first, outside any transaction, and checks them after."""
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()  # the migration's own transaction must be the one Alembic begins
    try:
        yield
    finally:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
    if broken:
        raise RuntimeError(f"the migration left rows without their parent: {broken[:5]}")


def _run(connection: Any) -> None:
    # SQLite cannot reflect expression indexes, and PostgreSQL's reflected trigram expression
    # cannot be compared; tests/test_migrations.py checks those indexes directly instead.
    warnings.filterwarnings("ignore", message=".*expression-based index")
    warnings.filterwarnings("ignore", message=".*operator clause", category=UserWarning)
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

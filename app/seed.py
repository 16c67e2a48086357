"""Demo data for `python -m app seed` (SPEC §11): realistic users and tasks, inserted in bulk.

Users are user1@example.com … userN@example.com, plus heavy@example.com when asked for, all
with the password `password-1234` (hashed once: every seeded user shares the hash). Titles,
tags, priorities and dates vary; some tasks are completed, some repeat. The same arguments
and `--seed` give the same data.
"""

from __future__ import annotations

import csv
import io
import queue
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col
from uuid_utils.compat import uuid7

from app.models import Priority, Status, Tag, Task, TaskTag, User
from app.security import hash_password

PASSWORD = "password-1234"  # noqa: S105 - the documented demo password
HEAVY_EMAIL = "heavy@example.com"
BATCH = 5_000
PRIORITIES = list(Priority)
T = TypeVar("T")

VERBS = [
    "Pay",
    "Call",
    "Buy",
    "Book",
    "Fix",
    "Clean",
    "Email",
    "Plan",
    "Review",
    "Renew",
    "Order",
    "Return",
    "Schedule",
    "Write",
    "Read",
    "Cancel",
    "Prepare",
    "Update",
]
THINGS = [
    "rent",
    "the plumber",
    "milk",
    "the dentist",
    "the bike",
    "the garage",
    "Anna",
    "the trip",
    "the quarterly report",
    "passport",
    "groceries",
    "the library books",
    "car service",
    "a thank-you note",
    "the gym membership",
    "the invoice",
    "slides",
    "insurance",
    "the garden hose",
    "birthday present",
    "tax return",
    "the roof gutter",
]
SUFFIXES = ["", "", "", " before Friday", " for mum", " (again)", " online", " with Sam"]
TAGS = [
    "home",
    "work",
    "bills",
    "errands",
    "health",
    "family",
    "garden",
    "car",
    "travel",
    "reading",
]
# Repeat rules as people use them (anchored on the due date, as the form's presets are).
SEED_RULES = [
    "FREQ=DAILY",
    "FREQ=WEEKLY",
    "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    "FREQ=WEEKLY;INTERVAL=2",
    "FREQ=MONTHLY",
]
DESCRIPTIONS = [
    "",
    "",
    "",
    "Check the last email first.",
    "Receipt is in the blue folder.",
    "Ask about the discount.\nBring the reference number.",
]


@dataclass(frozen=True)
class SeedReport:
    users: int
    tasks: int
    tags: int


def planned_tasks(*, users: int, tasks_per_user: int, heavy_user_tasks: int = 0) -> int:
    return users * tasks_per_user + heavy_user_tasks


def seed(
    engine: Engine,
    *,
    users: int,
    tasks_per_user: int,
    heavy_user_tasks: int = 0,
    today: date | None = None,
    rng_seed: int = 1,
    progress: Callable[[int], None] = lambda _: None,
) -> SeedReport:
    """Insert the demo users and their tasks in one transaction (an interrupted seed leaves
    nothing behind); refuses when any of those users exists. `progress` gets the number of
    tasks written by each batch."""
    rng = random.Random(rng_seed)  # noqa: S311 - demo data, not secrets
    today = today or datetime.now(UTC).date()
    plan = [(f"user{n}@example.com", tasks_per_user) for n in range(1, users + 1)]
    if heavy_user_tasks:
        plan.append((HEAVY_EMAIL, heavy_user_tasks))
    emails = [email for email, _ in plan]
    with engine.begin() as conn:
        taken = conn.scalar(select(func.count()).where(col(User.email).in_(emails)))
        if taken:
            raise ValueError(
                f"{taken} of these demo users exist already; seed an empty database "
                "(or delete user1@example.com… first)."
            )
        on_postgresql = conn.dialect.name == "postgresql"
        write = _copy if on_postgresql else _insert
        rebuild = (
            _drop_indexes_and_foreign_keys(conn, ["tasks", "task_tags"]) if on_postgresql else []
        )
        password_hash = hash_password(PASSWORD)
        now = datetime.now(UTC)
        user_rows = [
            {
                "id": uuid7(),
                "email": email,
                "password_hash": password_hash,
                "name": None,
                "timezone": "UTC",
                "theme": "system",
                "created_at": now,
                "updated_at": now,
            }
            for email in emails
        ]
        write(conn, User, user_rows)

        tag_rows: list[dict[str, Any]] = []
        tags_by_user: dict[Any, list[Any]] = {}
        for user in user_rows:
            rows = [
                {"id": uuid7(), "user_id": user["id"], "name": name}
                | {"created_at": now, "updated_at": now}
                for name in rng.sample(TAGS, 6)
            ]
            tags_by_user[user["id"]] = [row["id"] for row in rows]
            tag_rows += rows
        write(conn, Tag, tag_rows)

        total = 0
        write_tasks = _CopyInBackground(conn) if on_postgresql else _insert
        try:
            for (_, count), user in zip(plan, user_rows, strict=True):
                tasks = _tasks(rng, user["id"], tags_by_user[user["id"]], count, today)
                while batch := list(islice(tasks, BATCH)):
                    write_tasks(conn, Task, [task for task, _ in batch])
                    links = [
                        {"task_id": task["id"], "tag_id": tag_id}
                        | {"created_at": now, "updated_at": now}
                        for task, tag_ids in batch
                        for tag_id in tag_ids
                    ]
                    write_tasks(conn, TaskTag, links)
                    total += len(batch)
                    progress(len(batch))
        finally:
            if isinstance(write_tasks, _CopyInBackground):
                write_tasks.close()
        if on_postgresql:
            conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
            for definition in rebuild:
                conn.exec_driver_sql(definition)
            conn.exec_driver_sql("ANALYZE users, tags, tasks, task_tags")  # plans for the new size
    return SeedReport(users=len(user_rows), tasks=total, tags=len(tag_rows))


def _tasks(
    rng: random.Random, user_id: Any, tag_ids: list[Any], count: int, today: date
) -> Iterator[tuple[dict[str, Any], list[Any]]]:
    # rng.random() and indexing: a third of the cost of rng.choice()/randint() per value,
    # which is most of the time a million tasks take.
    r = rng.random

    def pick(values: list[T]) -> T:
        return values[int(r() * len(values))]

    days = [timedelta(days=n) for n in range(-180, 181)]  # days[180 + n] is n days
    hours = [timedelta(hours=n) for n in range(49)]
    created_times = [time(hour) for hour in range(7, 23)]
    due_times = [time(hour, minute) for hour in (8, 9, 12, 14, 17, 19) for minute in (0, 30)]
    estimates = [None, None, 1, 2, 3, 5, 8]
    tag_counts = [0, 0, 1, 1, 2]
    for _ in range(count):
        created = datetime.combine(today - days[180 + int(r() * 181)], pick(created_times), UTC)
        due_date = today + days[150 + int(r() * 91)] if r() < 0.7 else None
        completed = r() < 0.3
        recurring = due_date is not None and r() < 0.05
        priority = r() * 10
        yield (
            {
                "id": uuid7(),
                "user_id": user_id,
                "title": f"{pick(VERBS)} {pick(THINGS)}{pick(SUFFIXES)}",
                "description": pick(DESCRIPTIONS) or None,
                "status": Status.completed if completed else Status.pending,
                "priority": PRIORITIES[(priority >= 3) + (priority >= 8)],  # 30/50/20 %
                "due_date": due_date,
                "due_time": pick(due_times) if due_date is not None and r() < 0.3 else None,
                "completed_at": created + days[180 + int(r() * 21)] if completed else None,
                "estimated_hours": pick(estimates),
                "recurrence": pick(SEED_RULES) if recurring else "",
                "version": 1,
                "deleted_at": None,
                "form_token": None,
                "created_at": created,
                "updated_at": created + pick(hours),
            },
            rng.sample(tag_ids, pick(tag_counts)),
        )


def _insert(conn: Connection, table: type[Any], rows: list[dict[str, Any]]) -> None:
    """Multi-row INSERTs (SQLAlchemy batches many rows per statement)."""
    if rows:
        conn.execute(insert(table), rows)


def _drop_indexes_and_foreign_keys(conn: Connection, tables: list[str]) -> list[str]:
    """Drop the foreign keys and secondary indexes of these tables (primary keys stay) and
    return the statements that make them again, exactly as they were: checking and building
    them once after the load costs a fraction of doing it row by row (PostgreSQL's own advice
    for populating a database). Inside the seed's transaction: if it fails, they are back."""
    restore: list[str] = []
    foreign_keys = conn.exec_driver_sql(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)"
        " FROM pg_constraint c WHERE c.contype = 'f'"
        " AND c.conrelid = ANY(ARRAY(SELECT unnest(%(tables)s::text[])::regclass))",
        {"tables": tables},
    ).all()
    for table, name, definition in foreign_keys:
        conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    indexes = conn.exec_driver_sql(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i"
        " WHERE i.schemaname = current_schema() AND i.tablename = ANY(%(tables)s)"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        {"tables": tables},
    ).all()
    for name, definition in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
        restore.insert(0, definition)  # indexes first: they speed up the foreign key checks
    return restore


def _copy(conn: Connection, table: type[Any], rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY in CSV (written by the csv module, in C): several times faster than
    multi-row INSERTs. None becomes NULL; an empty string, which CSV would read as NULL too,
    stays empty in the NOT NULL columns (a task that does not repeat has recurrence "")."""
    if not rows:
        return
    columns = list(rows[0])
    not_null = [c.name for c in table.__table__.columns if not c.nullable and c.name in rows[0]]
    keep_empty = f", FORCE_NOT_NULL ({', '.join(not_null)})" if not_null else ""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(map(itemgetter(*columns), rows))
    buffer.seek(0)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.copy_expert(
            f"COPY {table.__tablename__} ({', '.join(columns)}) FROM STDIN"
            f" WITH (FORMAT csv{keep_empty})",
            buffer,
        )
    finally:
        cursor.close()


class _CopyInBackground:
    """The COPYs on a thread of their own: PostgreSQL takes in one batch while Python makes
    the next (psycopg2 lets go of the GIL while it waits for the server)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.batches: queue.Queue[tuple[type[Any], list[dict[str, Any]]] | None] = queue.Queue(2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="seed-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (batch := self.batches.get()) is not None:
            if self.error is None:  # after a failure, keep draining so that put() never blocks
                try:
                    _copy(self.conn, *batch)
                except BaseException as exc:  # re-raised on the caller's thread
                    self.error = exc

    def __call__(self, conn: Connection, table: type[Any], rows: list[dict[str, Any]]) -> None:
        if self.error is not None:
            raise self.error
        self.batches.put((table, rows))

    def close(self) -> None:
        """Wait for the last batch; raise what went wrong, if anything."""
        self.batches.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

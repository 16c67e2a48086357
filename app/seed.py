"""Demo data for `python -m app seed` (SPEC §11): realistic users and tasks, inserted in bulk.

Users are user1@example.com … userN@example.com, plus heavy@example.com when asked for, all
with the password `password-1234` (hashed once: every seeded user shares the hash). Titles,
tags, priorities and dates vary; some tasks are completed, some repeat. The same arguments
and `--seed` give the same data.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from itertools import islice
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col
from uuid_utils.compat import uuid7

from app.models import Priority, Recurrence, Status, Tag, Task, TaskTag, User
from app.security import hash_password

PASSWORD = "password-1234"  # noqa: S105 - the documented demo password
HEAVY_EMAIL = "heavy@example.com"
BATCH = 5_000
PRIORITIES = list(Priority)

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
        # Indexes built once after the load cost a fraction of a million index updates.
        rebuild = _drop_indexes(conn, ["tasks", "task_tags"]) if on_postgresql else []
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
        for (_, count), user in zip(plan, user_rows, strict=True):
            tasks = _tasks(rng, user["id"], tags_by_user[user["id"]], count, today)
            while batch := list(islice(tasks, BATCH)):
                write(conn, Task, [task for task, _ in batch])
                links = [
                    {"task_id": task["id"], "tag_id": tag_id, "created_at": now, "updated_at": now}
                    for task, tag_ids in batch
                    for tag_id in tag_ids
                ]
                write(conn, TaskTag, links)
                total += len(batch)
                progress(len(batch))
        if on_postgresql:
            conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
            for definition in rebuild:
                conn.exec_driver_sql(definition)
            conn.exec_driver_sql("ANALYZE users, tags, tasks, task_tags")  # plans for the new size
    return SeedReport(users=len(user_rows), tasks=total, tags=len(tag_rows))


def _tasks(
    rng: random.Random, user_id: Any, tag_ids: list[Any], count: int, today: date
) -> Iterator[tuple[dict[str, Any], list[Any]]]:
    for _ in range(count):
        created = datetime.combine(
            today - timedelta(days=rng.randint(0, 180)), time(rng.randint(7, 22)), tzinfo=UTC
        )
        due_date = today + timedelta(days=rng.randint(-30, 60)) if rng.random() < 0.7 else None
        due_time = time(rng.choice([8, 9, 12, 14, 17, 19]), rng.choice([0, 30]))
        completed = rng.random() < 0.3
        recurring = due_date is not None and rng.random() < 0.05
        title = f"{rng.choice(VERBS)} {rng.choice(THINGS)}{rng.choice(SUFFIXES)}"
        yield (
            {
                "id": uuid7(),
                "user_id": user_id,
                "title": title,
                "description": rng.choice(DESCRIPTIONS) or None,
                "status": Status.completed if completed else Status.pending,
                "priority": rng.choices(PRIORITIES, weights=[3, 5, 2])[0],
                "due_date": due_date,
                "due_time": due_time if due_date is not None and rng.random() < 0.3 else None,
                "completed_at": created + timedelta(days=rng.randint(0, 20)) if completed else None,
                "estimated_hours": rng.choice([None, None, 1, 2, 3, 5, 8]),
                "recurrence": rng.choice(["daily", "weekly", "monthly"])
                if recurring
                else Recurrence.none,
                "version": 1,
                "deleted_at": None,
                "form_token": None,
                "created_at": created,
                "updated_at": created + timedelta(hours=rng.randint(0, 48)),
            },
            rng.sample(tag_ids, rng.choice([0, 0, 1, 1, 2])),
        )


def _insert(conn: Connection, table: type[Any], rows: list[dict[str, Any]]) -> None:
    """Multi-row INSERTs (SQLAlchemy batches many rows per statement)."""
    if rows:
        conn.execute(insert(table), rows)


def _drop_indexes(conn: Connection, tables: list[str]) -> list[str]:
    """Drop the secondary indexes of these tables (not those behind a constraint: primary and
    foreign keys stay) and return their exact definitions, to create them again afterwards.
    Inside the seed's transaction: if it fails, the indexes are back as they were."""
    rows = conn.exec_driver_sql(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i"
        " WHERE i.schemaname = current_schema() AND i.tablename = ANY(%(tables)s)"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        {"tables": tables},
    ).all()
    for name, _ in rows:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [definition for _, definition in rows]


def _copy(conn: Connection, table: type[Any], rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY: several times faster than multi-row INSERTs for a million rows."""
    if not rows:
        return
    columns = list(rows[0])
    data = "".join("\t".join(_copy_text(row[c]) for c in columns) + "\n" for row in rows)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.copy_expert(
            f"COPY {table.__tablename__} ({', '.join(columns)}) FROM STDIN", io.StringIO(data)
        )
    finally:
        cursor.close()


def _copy_text(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        text = text.replace("\r", "\\r")
    return text

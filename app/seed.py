"""Demo data for `python -m app seed` (SPEC §11): realistic users and tasks, inserted in bulk.

Users are user1@example.com … userN@example.com, plus heavy@example.com when asked for, all
with the password `password-1234` (hashed once: every seeded user shares the hash). Titles,
tags, priorities and dates vary; some tasks are completed, some repeat. The same arguments
and `--seed` give the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine
from sqlmodel import col
from uuid_utils.compat import uuid7

from app.models import Priority, Status, Tag, Task, TaskTag, User
from app.security import hash_password

PASSWORD = "password-1234"  # noqa: S105 - the documented demo password
HEAVY_EMAIL = "heavy@example.com"
BATCH = 5_000

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


def seed(
    engine: Engine,
    *,
    users: int,
    tasks_per_user: int,
    heavy_user_tasks: int = 0,
    today: date | None = None,
    rng_seed: int = 1,
    progress: Callable[[str], None] = lambda _: None,
) -> SeedReport:
    """Insert the demo users and their tasks; refuses when any of those users exists."""
    rng = random.Random(rng_seed)  # noqa: S311 - demo data, not secrets
    today = today or datetime.now(UTC).date()
    emails = [f"user{n}@example.com" for n in range(1, users + 1)]
    if heavy_user_tasks:
        emails.append(HEAVY_EMAIL)
    with engine.connect() as conn:
        taken = conn.scalar(select(func.count()).where(col(User.email).in_(emails)))
    if taken:
        raise ValueError(f"{taken} of these demo users exist already; seed an empty database.")

    password_hash = hash_password(PASSWORD)
    now = datetime.now(UTC)
    plan = [(email, tasks_per_user) for email in emails[:users]]
    if heavy_user_tasks:
        plan.append((HEAVY_EMAIL, heavy_user_tasks))
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
        for email, _ in plan
    ]
    _insert_all(engine, User, user_rows)
    progress(f"{len(user_rows)} users")

    tag_rows: list[dict[str, Any]] = []
    tags_by_user: dict[Any, list[Any]] = {}
    for user in user_rows:
        names = rng.sample(TAGS, 6)
        rows = [
            {
                "id": uuid7(),
                "user_id": user["id"],
                "name": name,
                "created_at": now,
                "updated_at": now,
            }
            for name in names
        ]
        tags_by_user[user["id"]] = [row["id"] for row in rows]
        tag_rows += rows
    _insert_all(engine, Tag, tag_rows)

    total = 0
    for (_, count), user in zip(plan, user_rows, strict=True):
        task_rows, link_rows = [], []
        for task, tag_ids in _tasks(rng, user["id"], tags_by_user[user["id"]], count, today):
            task_rows.append(task)
            link_rows += [
                {"task_id": task["id"], "tag_id": tag_id, "created_at": now, "updated_at": now}
                for tag_id in tag_ids
            ]
        _insert_all(engine, Task, task_rows)
        _insert_all(engine, TaskTag, link_rows)
        total += len(task_rows)
        if total % 100_000 < count:
            progress(f"{total:,} tasks")
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
                "priority": rng.choices(list(Priority), weights=[3, 5, 2])[0],
                "due_date": due_date,
                "due_time": due_time if due_date is not None and rng.random() < 0.3 else None,
                "completed_at": created + timedelta(days=rng.randint(0, 20)) if completed else None,
                "estimated_hours": rng.choice([None, None, 1, 2, 3, 5, 8]),
                "recurrence": rng.choice(SEED_RULES) if recurring else "",
                "version": 1,
                "deleted_at": None,
                "form_token": None,
                "created_at": created,
                "updated_at": created + timedelta(hours=rng.randint(0, 48)),
            },
            rng.sample(tag_ids, rng.choice([0, 0, 1, 1, 2])),
        )


def _insert_all(engine: Engine, table: type[Any], rows: list[dict[str, Any]]) -> None:
    """Bulk INSERTs (SQLAlchemy batches many rows per statement), one transaction a batch."""
    for start in range(0, len(rows), BATCH):
        with engine.begin() as conn:
            conn.execute(insert(table), rows[start : start + BATCH])

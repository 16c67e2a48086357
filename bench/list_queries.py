"""Time the task list's queries on PostgreSQL with one user holding 100,000 tasks.

    uv run python -m bench.list_queries [--tasks 100000] [--runs 15]

Starts a throwaway PostgreSQL cluster, migrates it, bulk-loads the tasks, then times the
app's own list_tasks() (all three statements, Python included) for each scenario, and the
keyword search again with the trigram index dropped. Prints milliseconds (median of runs).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import psycopg2
import psycopg2.extras
from sqlmodel import Session
from uuid_utils.compat import uuid7

from app.db import create_db_engine
from app.tasks.dates import LocalNow
from app.tasks.listing import ListParams, list_tasks
from tests.conftest import make_settings, migrate
from tests.pg_cluster import running_cluster

WORDS = (
    "pay",
    "rent",
    "call",
    "mum",
    "write",
    "report",
    "buy",
    "milk",
    "renew",
    "passport",
    "book",
    "flights",
    "fix",
    "bike",
    "plan",
    "party",
    "water",
    "plants",
    "clean",
    "kitchen",
    "email",
    "landlord",
    "review",
    "budget",
    "order",
    "parts",
    "read",
    "chapter",
    "walk",
    "dog",
    "plumber",
    "invoice",
    "dentist",
    "appointment",
    "tax",
    "return",
    "groceries",
    "birthday",
    "gift",
    "car",
    "service",
)
TAGS = ["home", "work", "bills", "health", "errands", "family", "garden", "car", "study", "fun"]


def load(url: str, tasks: int, seed: int = 7) -> uuid.UUID:
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    now = datetime.now(UTC)
    user_id = uuid7()
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO users (id, created_at, updated_at, email, password_hash, timezone, theme)"
            " VALUES (%s, now(), now(), 'heavy@example.com', 'x', 'Europe/Paris', 'system')",
            (str(user_id),),
        )
        tag_ids = [str(uuid7()) for _ in TAGS]
        cur.executemany(
            "INSERT INTO tags (id, created_at, updated_at, user_id, name)"
            " VALUES (%s, now(), now(), %s, %s)",
            [(tid, str(user_id), name) for tid, name in zip(tag_ids, TAGS, strict=True)],
        )
        rows, links = [], []
        for i in range(tasks):
            task_id = str(uuid7())
            created = now - timedelta(minutes=tasks - i)
            done = rng.random() < 0.3
            today = now.date()
            due = today + timedelta(days=rng.randint(-200, 200)) if rng.random() < 0.8 else None
            title = " ".join(rng.sample(WORDS, 3)).capitalize()
            description = " ".join(rng.sample(WORDS, 8)) if rng.random() < 0.5 else None
            rows.append(
                (
                    task_id,
                    created,
                    created,
                    str(user_id),
                    title,
                    description,
                    "completed" if done else "pending",
                    rng.choice(("low", "medium", "high")),
                    due,
                    now if done else None,
                    "none",
                    1,
                )
            )
            for tag_id in rng.sample(tag_ids, rng.choice((0, 0, 1, 2))):
                links.append((task_id, tag_id, created, created))
        psycopg2.extras.execute_values(
            cur,
            "INSERT INTO tasks (id, created_at, updated_at, user_id, title, description, status,"
            " priority, due_date, completed_at, recurrence, version) VALUES %s",
            rows,
            page_size=5000,
        )
        psycopg2.extras.execute_values(
            cur,
            "INSERT INTO task_tags (task_id, tag_id, created_at, updated_at) VALUES %s",
            links,
            page_size=5000,
        )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    conn.close()
    return user_id


def median_ms(run: Callable[[], object], runs: int) -> float:
    run()  # warm caches and the statement cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


SCENARIOS: dict[str, ListParams] = {
    "default page 1 (pending, by due)": ListParams(),
    "default page 1000": ListParams(page=1000),
    "all, by created, page 1": ListParams(status="all", sort="created"),
    "sort by priority, page 1": ListParams(sort="priority"),
    "sort by title, page 1": ListParams(sort="title"),
    "overdue, page 1": ListParams(status="overdue"),
    "tag=bills, page 1": ListParams(tag="bills"),
    "q=plumber (common word), page 1": ListParams(status="all", q="plumber"),
    "q='plumber invoice', page 1": ListParams(status="all", q="plumber invoice"),
    "q=zzyzx (no match), page 1": ListParams(status="all", q="zzyzx"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    with running_cluster() as cluster:
        url = cluster.create_database("bench")
        migrate(url)
        started = time.perf_counter()
        user_id = load(url, args.tasks)
        print(f"loaded {args.tasks:,} tasks in {time.perf_counter() - started:.1f} s")
        engine = create_db_engine(make_settings(url))
        now = LocalNow.at(datetime.now(UTC), "Europe/Paris")

        def timed(params: ListParams) -> float:
            def run() -> None:
                with Session(engine) as db:
                    list_tasks(db, user_id, params, now)

            return median_ms(run, args.runs)

        print(f"\n{'scenario':40} {'ms (median)':>12}")
        results = {name: timed(params) for name, params in SCENARIOS.items()}
        for name, ms in results.items():
            print(f"{name:40} {ms:12.2f}")

        with engine.begin() as conn:
            conn.exec_driver_sql("DROP INDEX ix_tasks_search_trgm")
        print("\nwithout the trigram index:")
        for name, params in SCENARIOS.items():
            if params.q:
                print(f"{name:40} {timed(params):12.2f}")
        engine.dispose()


if __name__ == "__main__":
    main()

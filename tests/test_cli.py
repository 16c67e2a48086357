"""The command line of SPEC §11 on both databases: createuser, seed and purge-trash."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner, Result
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.auth.forms import parse_signup
from app.cli import cli
from app.models import Task, TaskTag, User
from tests.conftest import ROOT, TEST_SECRET
from tests.factories import add_task
from tests.web import create_account, sign_in

GOOD = "violet kettle orbit 42"


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunnerCall:
    for name in list(os.environ):
        if name.startswith(("DB_", "DATABASE_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET)
    return CliRunnerCall()


class CliRunnerCall:
    def __call__(self, *args: str, input: str | None = None) -> Result:
        # On a thread of its own, as in a terminal: the browser tests' Playwright keeps an
        # event loop running on the main thread, where the command's own anyio.run would fail.
        with ThreadPoolExecutor(max_workers=1) as thread:
            invocation = thread.submit(
                CliRunner().invoke, cli, list(args), input=input, catch_exceptions=False
            )
            return invocation.result()


def accounts(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(session.scalars(select(User.email)))


# --- createuser -----------------------------------------------------------------------------


def test_createuser_asks_twice_without_echo_and_the_account_signs_in(
    run: CliRunnerCall, engine: Engine, client: TestClient[Litestar]
) -> None:
    result = run("createuser", "Ada@Example.com", "--name", "Ada", input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert "Created ada@example.com" in result.output
    assert GOOD not in result.output  # hidden input is not echoed
    assert result.output.count("Password") == 1 and "Repeat for confirmation" in result.output
    assert accounts(engine) == ["ada@example.com"]
    assert sign_in(client, "ada@example.com", GOOD).status_code == 303


def test_createuser_asks_again_when_the_confirmation_differs(
    run: CliRunnerCall, engine: Engine
) -> None:
    result = run("createuser", "bo@example.com", input=f"{GOOD}\nother\n{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert accounts(engine) == ["bo@example.com"]


def test_createuser_reads_the_password_from_stdin(run: CliRunnerCall, engine: Engine) -> None:
    result = run("createuser", "cy@example.com", "--password-stdin", input=f"{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert "Password" not in result.output and GOOD not in result.output
    assert accounts(engine) == ["cy@example.com"]


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("cy@example.com", "short"),
        ("cy@example.com", "password123"),  # common
        ("cy@example.com", "cy@example.com"),
        ("cy@example.com", "x" * 1025),
        ("not-an-email", GOOD),
        ("", GOOD),
    ],
)
def test_createuser_refuses_what_the_sign_up_form_refuses_with_its_message(
    run: CliRunnerCall, engine: Engine, email: str, password: str
) -> None:
    _, form_errors = parse_signup({"email": email, "password": password, "timezone": "UTC"})
    assert form_errors  # the form refuses it too
    result = run("createuser", email, "--password-stdin", input=password + "\n")
    assert result.exit_code != 0
    for message in form_errors.values():
        assert message in result.output
    assert password not in result.output or password == email
    assert accounts(engine) == []


def test_createuser_refuses_an_existing_email(run: CliRunnerCall, engine: Engine) -> None:
    create_account(engine, "dee@example.com")
    result = run("createuser", "DEE@example.com", "--password-stdin", input=f"{GOOD}\n")
    assert result.exit_code == 1
    assert "dee@example.com already has an account." in result.output
    assert accounts(engine) == ["dee@example.com"]


def test_createuser_as_a_process_with_the_password_on_stdin(pg_db_url: str) -> None:
    env = os.environ | {"DATABASE_URL": pg_db_url, "SECRET_KEY": TEST_SECRET}
    command = [sys.executable, "-m", "app", "createuser", "ed@example.com", "--password-stdin"]
    first, again = (
        subprocess.run(  # noqa: S603
            command,
            cwd=ROOT,
            env=env,
            input=f"{GOOD}\n",
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        for _ in range(2)
    )
    assert first.returncode == 0, first.stderr
    assert again.returncode == 1 and "already has an account" in again.stderr
    assert "Traceback" not in again.stderr


# --- seed -----------------------------------------------------------------------------------


def test_seed_shows_progress_keeps_the_schema_and_refuses_a_second_run(
    run: CliRunnerCall, engine: Engine
) -> None:
    def schema() -> list[tuple[str, str]]:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
            else:
                sql = (
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
                    " UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                    " WHERE connamespace = 'public'::regnamespace"
                )
            return sorted((str(name), str(sql)) for name, sql in conn.execute(text(sql)))

    before = schema()
    result = run("seed", "--users", "4", "--tasks-per-user", "3000", "--heavy-user-tasks", "7000")
    assert result.exit_code == 0, result.output
    assert "Seeding tasks" in result.output
    assert "Seeded 5 users, 19,000 tasks, 30 tags" in result.output
    assert len(before) > 10
    assert schema() == before  # dropped for the load, made again identical
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 19_000
        assert session.scalar(select(func.count()).select_from(TaskTag)) > 5_000
        # Text with a newline survives COPY's escaping exactly.
        described = session.scalars(
            select(Task.description).where(Task.description.like("Ask about%"))  # type: ignore[union-attr]
        ).first()
    assert described == "Ask about the discount.\nBring the reference number."

    again = run("seed", "--users", "2", "--tasks-per-user", "5")
    assert again.exit_code == 1 and "exist already" in again.output
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 19_000


# --- purge-trash ----------------------------------------------------------------------------


def test_purge_trash_deletes_what_everyone_trashed_30_days_ago(
    run: CliRunnerCall, engine: Engine
) -> None:
    now = datetime.now(UTC)
    kept: set[str] = set()
    for email in ("fay@example.com", "gus@example.com"):
        owner = create_account(engine, email).id
        ages = {"old": 31, "older": 400, "recent": 29, "live": None}
        tasks = {name: add_task(engine, owner, f"{email} {name}", tags=["t"]) for name in ages}
        with Session(engine) as session:
            for name, days in ages.items():
                if days is not None:
                    session.get_one(Task, tasks[name].id).deleted_at = now - timedelta(days=days)
            session.commit()
        kept |= {f"{email} recent", f"{email} live"}

    result = run("purge-trash")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Purged 4 tasks from the Trash."
    with Session(engine) as session:
        assert set(session.scalars(select(Task.title))) == kept
    assert run("purge-trash").output.strip() == "Purged 0 tasks from the Trash."

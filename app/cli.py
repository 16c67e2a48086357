"""The command line: `python -m app serve` and friends."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from app.config import ConfigurationError, Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent


def migrate_to_head(database_url: str) -> None:
    """Run the Alembic migrations (the same ones `alembic upgrade head` runs)."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")


@click.group()
def cli() -> None:
    """Taskwise: a self-hostable task manager."""


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the app; the embedded SQLite default is migrated first."""
    settings = _settings_or_exit()
    if settings.is_sqlite:
        migrate_to_head(settings.database_url)
    else:
        _refuse_unless_migrated(settings)
    import uvicorn

    click.echo(f"Taskwise on http://{host}:{port}", err=True)
    uvicorn.run("app.main:app", host=host, port=port, workers=workers, access_log=False)


@cli.command("purge-trash")
def purge_trash_command() -> None:
    """Delete for good every task that has been in the Trash for 30 days."""
    from app.db import create_db_engine, new_session, utcnow
    from app.tasks.service import purge_trash

    settings = _settings_or_exit()
    engine = create_db_engine(settings)
    try:
        with new_session(engine) as db:
            count = purge_trash(db, now=utcnow())
            db.commit()
    finally:
        engine.dispose()
    click.echo(f"Purged {count} task{'' if count == 1 else 's'} from the Trash.")


@cli.command("seed")
@click.option("--users", default=10, show_default=True, type=click.IntRange(min=0))
@click.option("--tasks-per-user", default=50, show_default=True, type=click.IntRange(min=0))
@click.option(
    "--heavy-user-tasks",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Also heavy@example.com with this many tasks.",
)
@click.option(
    "--seed",
    "rng_seed",
    default=1,
    show_default=True,
    type=int,
    help="The same seed gives the same data.",
)
def seed_command(users: int, tasks_per_user: int, heavy_user_tasks: int, rng_seed: int) -> None:
    """Fill the database with demo users (user1@example.com…, password password-1234)."""
    from app.db import create_db_engine
    from app.seed import planned_tasks, seed

    settings = _settings_or_exit()
    if settings.is_sqlite:
        migrate_to_head(settings.database_url)
    else:
        _refuse_unless_migrated(settings)
    engine = create_db_engine(settings)
    total = planned_tasks(
        users=users, tasks_per_user=tasks_per_user, heavy_user_tasks=heavy_user_tasks
    )
    started = time.monotonic()
    try:
        with click.progressbar(length=total, label="Seeding tasks", file=sys.stderr) as bar:
            report = seed(
                engine,
                users=users,
                tasks_per_user=tasks_per_user,
                heavy_user_tasks=heavy_user_tasks,
                rng_seed=rng_seed,
                progress=bar.update,
            )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        engine.dispose()
    click.echo(
        f"Seeded {report.users} users, {report.tasks:,} tasks, {report.tags} tags "
        f"in {time.monotonic() - started:.1f} s."
    )


@cli.command("createuser")
@click.argument("email")
@click.option("--name", default="", help="The name shown in the app.")
@click.option(
    "--timezone", default="UTC", show_default=True, help="An IANA zone, e.g. Europe/Paris."
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of asking twice.",
)
def createuser_command(email: str, name: str, timezone: str, password_stdin: bool) -> None:
    """Create an account; the password is checked exactly like the sign-up form's."""
    import anyio

    from app.auth import service
    from app.auth.forms import is_timezone, parse_signup
    from app.db import create_db_engine, new_session
    from app.security import PasswordHashing

    settings = _settings_or_exit()
    if password_stdin:
        password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    form = {"email": email, "password": password, "name": name, "timezone": timezone}
    signup, errors = parse_signup(form)  # the sign-up form's own rules, messages included
    if not is_timezone(timezone):
        errors["timezone"] = "Choose a time zone such as Europe/Paris or UTC."
    if errors:
        raise click.ClickException(" ".join(errors.values()))
    if settings.is_sqlite:
        migrate_to_head(settings.database_url)
    else:
        _refuse_unless_migrated(settings)
    engine = create_db_engine(settings)
    try:
        with new_session(engine) as db:
            user = anyio.run(service.register, db, PasswordHashing(), signup)
            db.commit()
    except service.EmailTaken:
        raise click.ClickException(f"{signup.email} already has an account.") from None
    finally:
        engine.dispose()
    click.echo(f"Created {user.email}; they can sign in now.")


def _refuse_unless_migrated(settings: Settings) -> None:
    """PostgreSQL is migrated by the operator, never by the app: refuse to serve one behind."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.db import create_db_engine
    from app.revision import schema_problem

    engine = create_db_engine(settings)
    try:
        problem = schema_problem(engine)
    except SQLAlchemyError:
        problem = None  # unreachable for now: pages answer 503 until it is back
    finally:
        engine.dispose()
    if problem:
        raise click.ClickException(problem)


def _settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None

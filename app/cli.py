"""The command line: `python -m app serve` and friends."""

from __future__ import annotations

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
    from app.seed import seed

    settings = _settings_or_exit()
    if settings.is_sqlite:
        migrate_to_head(settings.database_url)
    engine = create_db_engine(settings)
    try:
        report = seed(
            engine,
            users=users,
            tasks_per_user=tasks_per_user,
            heavy_user_tasks=heavy_user_tasks,
            rng_seed=rng_seed,
            progress=lambda line: click.echo(f"  {line}", err=True),
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        engine.dispose()
    click.echo(f"Seeded {report.users} users, {report.tasks:,} tasks, {report.tags} tags.")


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

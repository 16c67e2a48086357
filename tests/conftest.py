"""Fixtures: a throwaway PostgreSQL cluster, migrated databases, and the app over each backend."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from alembic import command
from alembic.config import Config
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from app.config import Settings
from app.main import create_app
from tests.pg_cluster import Cluster, PostgresUnavailable, free_port, running_cluster

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("sqlite", "postgresql")
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
TEST_BASE_URL = "http://testserver.local"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def alembic_config() -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["configure_logger"] = False
    return config


def migrate(url: str, revision: str = "head") -> None:
    engine = create_engine(Settings(_env_file=None, database_url=url).sqlalchemy_url)
    try:
        with engine.begin() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def make_settings(url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": url,
        "secret_key": TEST_SECRET,
        "debug": False,
        "base_url": TEST_BASE_URL,  # the host Litestar's TestClient names
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    try:
        with running_cluster() as cluster:
            yield cluster
    except PostgresUnavailable as exc:
        if IN_CI:
            raise  # PostgreSQL tests must run in CI, never skip
        pytest.skip(f"PostgreSQL not available here: {exc}")


@pytest.fixture(scope="session")
def pg_url(pg_cluster: Cluster) -> str:
    url = pg_cluster.create_database("taskwise_test")
    migrate(url)
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    migrate(f"sqlite:///{path}")
    return path


def _truncate_all(url: str) -> None:
    engine = create_engine(Settings(_env_file=None, database_url=url).sqlalchemy_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE users, attempts CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: a fresh SQLite file, or the PostgreSQL one, emptied after."""
    if request.param == "sqlite":
        path = tmp_path / "taskwise.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        url: str = request.getfixturevalue("pg_url")
        yield url
        _truncate_all(url)


@pytest.fixture
def pg_db_url(pg_url: str) -> Iterator[str]:
    """The migrated PostgreSQL database alone, for behaviour SQLite cannot show."""
    yield pg_url
    _truncate_all(pg_url)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def new_client(app: Litestar) -> Callable[..., TestClient[Litestar]]:
    """Open another browser on the same app, with its own cookie jar.

    Only the `client` fixture runs the app's lifespan: several lifespans of one app instance
    at once do not shut down cleanly, and an extra browser needs none of its own."""

    def open_client(on: Litestar | None = None) -> TestClient[Litestar]:
        return TestClient(app=on or app)

    return open_client


@pytest.fixture
def engine(app: Litestar) -> Engine:
    """The app's own engine, for looking at what the app wrote."""
    engine: Engine = app.state.engine
    return engine


@dataclass
class LiveServer:
    url: str
    database_url: str
    log_path: Path  # everything the server wrote (stdout and stderr)


@pytest.fixture
def live_server(sqlite_template: Path, tmp_path: Path) -> Iterator[LiveServer]:
    """uvicorn on a free port over a fresh migrated SQLite file; stopped after the test."""
    database = tmp_path / "live.db"
    shutil.copyfile(sqlite_template, database)
    port = free_port()
    env = os.environ | {
        "BASE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": TEST_SECRET,
        "DEBUG": "false",
    }
    log_path = tmp_path / "server.log"
    log = log_path.open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=tmp_path,
        env=env | {"PYTHONPATH": str(ROOT)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/health/db", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.1)
        yield LiveServer(url=url, database_url=env["DATABASE_URL"], log_path=log_path)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()

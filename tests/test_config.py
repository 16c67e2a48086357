"""Settings: defaults, URL handling for Neon, and refusing to start without a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from app.config import ConfigurationError, Settings, load_settings
from app.db import create_db_engine
from tests.conftest import ROOT, make_settings

NEON = "postgresql://alex:pw@ep-cool-name-123456.eu-central-1.aws.neon.tech/neondb"
NEON_POOLER = NEON.replace("ep-cool-name-123456", "ep-cool-name-123456-pooler")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name in Settings.model_fields or name.upper() in {
            f.upper() for f in Settings.model_fields
        }:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_match_the_spec() -> None:
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite:///./taskwise.db"
    assert (settings.db_pool_min, settings.db_pool_max) == (5, 20)
    assert settings.db_pool_recycle == 3600
    assert (settings.db_connect_timeout, settings.db_query_timeout) == (10, 30)
    assert settings.session_max_age == 1209600
    assert settings.debug is False and settings.secure_cookies is False


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_postgres_urls_use_psycopg2(scheme: str) -> None:
    settings = Settings(_env_file=None, database_url=f"{scheme}://u:p@db.example.com/app")
    assert settings.sqlalchemy_url.drivername == "postgresql+psycopg2"


def test_neon_hosts_require_tls_and_pooler_is_detected() -> None:
    direct = Settings(_env_file=None, database_url=NEON)
    pooled = Settings(_env_file=None, database_url=NEON_POOLER)
    elsewhere = Settings(_env_file=None, database_url="postgresql://u:p@db.internal/app")
    assert direct.sslmode == pooled.sslmode == "require"
    assert elsewhere.sslmode is None
    assert (
        Settings(_env_file=None, database_url=NEON, db_sslmode="verify-full").sslmode
        == "verify-full"
    )
    assert pooled.uses_transaction_pooler and not direct.uses_transaction_pooler


def test_env_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DB_QUERY_TIMEOUT=7\nSECRET_KEY=from-dotenv-abcdefghijklmnop\n")
    settings = load_settings()
    assert settings.db_query_timeout == 7 and settings.secret_key == "from-dotenv-abcdefghijklmnop"


def test_missing_secret_stops_start_up_unless_debugging(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        load_settings()
    monkeypatch.setenv("SECRET_KEY", "change-me")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        load_settings()
    monkeypatch.setenv("DEBUG", "true")
    first, second = load_settings(), load_settings()
    assert first.secret_key and second.secret_key and first.secret_key != second.secret_key


def test_inconsistent_pool_sizes_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_POOL_MIN", "10")
    monkeypatch.setenv("DB_POOL_MAX", "5")
    with pytest.raises(ConfigurationError, match="DB_POOL_MAX must be at least DB_POOL_MIN"):
        load_settings()


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "app", "serve", "--port", "1"],
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", "1"],
    ],
    ids=["python -m app serve", "uvicorn"],
)
def test_start_up_without_secret_says_one_sentence(command: list[str], tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(  # noqa: S603
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_direct_connections_carry_the_statement_timeout(pg_url: str) -> None:
    engine = create_db_engine(make_settings(pg_url, db_query_timeout=1))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "1s"
            with pytest.raises(Exception, match="statement timeout"):
                conn.execute(text("SELECT pg_sleep(3)"))
    finally:
        engine.dispose()


class PoolerSettings(Settings):
    """The real test server, treated as if it were behind Neon's transaction pooler."""

    @property
    def uses_transaction_pooler(self) -> bool:
        return True


def test_behind_a_pooler_the_timeout_is_set_per_transaction(pg_url: str) -> None:
    settings = PoolerSettings(_env_file=None, database_url=pg_url, db_query_timeout=2)
    engine = create_db_engine(settings)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "2s"
            conn.rollback()
            # Outside SQLAlchemy's transactions the session keeps the server default:
            # SET LOCAL died with its transaction, so nothing leaks to the pooler's next client.
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("0",)
    finally:
        engine.dispose()

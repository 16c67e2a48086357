"""DB_TRANSACTION_POOLER (SPEC §2) against a real PgBouncer in transaction mode: the engine,
Alembic, and the app under concurrent writes while the pooler restarts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg2
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.config import Settings
from app.db import create_db_engine
from tests.conftest import IN_CI, ROOT, make_settings, migrate
from tests.pg_cluster import Cluster
from tests.servers import (
    ACKNOWLEDGED,
    CreateStream,
    PgBouncer,
    PgBouncerUnavailable,
    running_app,
    running_pgbouncer,
    signed_up,
    titles_in_database,
)

NEON = "postgresql://alex:pw@ep-cool-name-123456.eu-central-1.aws.neon.tech/neondb"
NEON_POOLER = NEON.replace("ep-cool-name-123456", "ep-cool-name-123456-pooler")


@pytest.mark.parametrize(
    ("url", "setting", "expected"),
    [
        (NEON_POOLER, None, True),
        (NEON, None, False),
        ("postgresql://u@pgbouncer.internal:6432/app", None, False),
        ("postgresql://u@pgbouncer.internal:6432/app", True, True),
        (NEON_POOLER, False, False),  # e.g. Neon's pooler switched to session mode
    ],
)
def test_the_setting_defaults_to_neon_pooler_hosts(
    url: str, setting: bool | None, expected: bool
) -> None:
    settings = Settings(_env_file=None, database_url=url, db_transaction_pooler=setting)
    assert settings.uses_transaction_pooler is expected


def test_an_empty_value_in_the_environment_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_TRANSACTION_POOLER", "")
    assert Settings(_env_file=None, database_url=NEON_POOLER).uses_transaction_pooler
    monkeypatch.setenv("DB_TRANSACTION_POOLER", "true")
    assert Settings(_env_file=None, database_url=NEON).uses_transaction_pooler


@pytest.fixture(scope="module")
def bouncer(pg_cluster: Cluster) -> Iterator[PgBouncer]:
    try:
        with running_pgbouncer(pg_cluster.port, pool_size=3) as running:
            yield running
    except PgBouncerUnavailable as exc:
        if IN_CI:
            raise  # the pooler tests must run in CI (.ci/run installs pgbouncer)
        pytest.skip(f"PgBouncer not available here: {exc}")


@pytest.fixture
def database(pg_cluster: Cluster) -> str:
    """A fresh, empty database of its own (PgBouncer forwards any name to the cluster)."""
    return pg_cluster.create_database(f"pooled_{time.monotonic_ns()}").rsplit("/", 1)[1]


def test_without_the_setting_pgbouncer_refuses_the_connection(
    bouncer: PgBouncer, database: str
) -> None:
    engine = create_db_engine(make_settings(bouncer.url(database), db_transaction_pooler=False))
    try:
        with pytest.raises(OperationalError, match="unsupported startup parameter"):
            engine.connect().close()
    finally:
        engine.dispose()


def test_with_it_the_timeout_holds_per_transaction_and_nothing_leaks(
    bouncer: PgBouncer, database: str
) -> None:
    settings = make_settings(bouncer.url(database), db_transaction_pooler=True, db_query_timeout=1)
    engine = create_db_engine(settings)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "1s"
            with pytest.raises(OperationalError, match="statement timeout"):
                conn.execute(text("SELECT pg_sleep(3)"))
        # Three server connections behind the pooler: a client after us gets one of them,
        # and none may carry our timeout.
        for _ in range(6):
            other = psycopg2.connect(bouncer.url(database))
            try:
                with other.cursor() as cur:
                    cur.execute("SHOW statement_timeout")
                    assert cur.fetchone() == ("0",)
            finally:
                other.close()
    finally:
        engine.dispose()


def alembic_upgrade(url: str, pooler: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DB_")}
    env |= {"DATABASE_URL": url, "DB_TRANSACTION_POOLER": pooler}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_alembic_migrates_through_the_pooler_when_told(bouncer: PgBouncer, database: str) -> None:
    url = bouncer.url(database)
    refused = alembic_upgrade(url, "false")
    assert refused.returncode != 0 and "unsupported startup parameter" in refused.stderr
    done = alembic_upgrade(url, "true")
    assert done.returncode == 0, done.stderr
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM alembic_version")
            assert cur.fetchone() == (1,)
            cur.execute("SELECT to_regclass('tasks') IS NOT NULL")
            assert cur.fetchone() == (True,)
    finally:
        conn.close()


def test_the_app_behind_pgbouncer_survives_a_pooler_restart(
    bouncer: PgBouncer, database: str, pg_cluster: Cluster, tmp_path: Path
) -> None:
    """Twelve writers through the app (pool of 5) and PgBouncer (3 server connections); the
    pooler is cut off mid-stream and started again. Every create answered with success is
    in the database; the app serves again within seconds, without a restart."""
    migrate(pg_cluster.url(database))
    with running_app(
        bouncer.url(database),
        tmp_path,
        db_transaction_pooler="true",
        db_pool_min="2",
        db_pool_max="5",
        db_connect_timeout="2",
    ) as server:
        browsers = [signed_up(server.url, f"w{n}@example.com", timeout=20) for n in range(3)]
        writers = [browser.clone() for browser in browsers for _ in range(4)]
        with CreateStream(writers, "pooled") as stream:
            time.sleep(1.5)
            before = stream.count(ACKNOWLEDGED)
            bouncer.stop()
            time.sleep(1)
            bouncer.start()
            back, acked = time.monotonic(), stream.count(ACKNOWLEDGED)
            while stream.count(ACKNOWLEDGED) < acked + 24 and time.monotonic() - back < 15:
                time.sleep(0.1)
            recovered_in = time.monotonic() - back
            time.sleep(0.5)
        health = httpx.get(f"{server.url}/health/db", timeout=10)
        log = server.output()
    statuses = Counter(answer.status for answer in stream.answers)
    print(f"statuses {dict(statuses)}; recovered in {recovered_in:.1f}s")
    assert before > 0 and recovered_in < 10, (statuses, log[-2000:])
    assert health.status_code == 200
    assert set(statuses) <= {303, 503, 0} and statuses[503] > 0, statuses  # it was cut off
    assert all(a.retry_after for a in stream.answers if a.status == 503)
    acknowledged = stream.acknowledged()
    missing = acknowledged - titles_in_database(pg_cluster.url(database), "pooled")
    assert not missing, f"{len(missing)} acknowledged creates lost: {sorted(missing)[:5]}"
    assert "Traceback" not in log

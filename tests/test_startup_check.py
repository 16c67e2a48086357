"""The start-up check of SPEC §10: a PostgreSQL database behind the code's Alembic head gets
503 naming `alembic upgrade head` on every page and on /health/db, never a 500."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from litestar.testing import TestClient
from sqlalchemy import create_engine, text

from app.config import Settings
from app.main import create_app
from app.revision import _scripts, code_heads
from tests.conftest import ROOT, TEST_SECRET, make_settings, migrate
from tests.pg_cluster import Cluster
from tests.servers import running_app

HINT = "alembic upgrade head"


def one_before_head() -> str:
    (head,) = code_heads()
    down = _scripts().get_revision(head).down_revision
    assert isinstance(down, str)
    return down


@pytest.fixture(params=["empty", "half-migrated"])
def behind_url(request: pytest.FixtureRequest, pg_cluster: Cluster) -> str:
    url = pg_cluster.create_database(f"behind_{time.monotonic_ns()}")
    if request.param == "half-migrated":
        migrate(url, one_before_head())
    return url


def alembic_upgrade_head(url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DB_")} | {"DATABASE_URL": url}
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_a_server_on_a_database_behind_answers_503_naming_the_command_then_recovers(
    behind_url: str, tmp_path: Path
) -> None:
    with running_app(behind_url, tmp_path, ready=503) as server:
        health = httpx.get(f"{server.url}/health/db", timeout=10)
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable" and HINT in health.json()["error"]
        with httpx.Client(base_url=server.url, timeout=10) as client:
            for method, path in [
                ("GET", "/"),
                ("GET", "/signin"),
                ("GET", "/tasks"),
                ("GET", "/password/reset/anything"),
                ("POST", "/signup"),
                ("POST", "/tasks"),
            ]:
                page = client.request(method, path, data={"email": "a@example.com"})
                assert page.status_code == 503, (method, path, page.status_code)
                assert HINT in page.text and page.headers["retry-after"]
                htmx = client.request(method, path, headers={"HX-Request": "true"})
                assert htmx.status_code == 503 and "<html" not in htmx.text
            assert client.get("/static/app.css").status_code == 200

            alembic_upgrade_head(behind_url)  # no restart: the app sees it within seconds
            deadline = time.monotonic() + 20
            while client.get("/health/db").status_code != 200:
                assert time.monotonic() < deadline, "the app did not notice the migration"
                time.sleep(0.25)
            assert client.get("/signin").status_code == 200
    output = server.output()
    assert output.count(HINT) >= 1  # said once in the log, not once per request
    assert "Traceback" not in output and " 500" not in output


def test_python_m_app_serve_refuses_to_start_with_one_sentence(behind_url: str) -> None:
    env = os.environ | {"DATABASE_URL": behind_url, "SECRET_KEY": TEST_SECRET}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "app", "serve", "--port", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert HINT in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_at_head_the_app_serves(pg_url: str) -> None:
    with TestClient(app=create_app(make_settings(pg_url))) as client:
        assert client.get("/signin").status_code == 200
        assert client.get("/health/db").json()["status"] == "ok"


def test_a_revision_newer_than_the_code_is_served(pg_cluster: Cluster) -> None:
    """During a rolling deploy the new code migrates first; old processes keep serving."""
    url = pg_cluster.create_database(f"ahead_{time.monotonic_ns()}")
    migrate(url)
    engine = create_engine(Settings(_env_file=None, database_url=url).sqlalchemy_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'from_newer_code'"))
    engine.dispose()
    with TestClient(app=create_app(make_settings(url))) as client:
        assert client.get("/signin").status_code == 200
        assert client.get("/health/db").status_code == 200

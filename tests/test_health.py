"""GET /health/db, and recovery from a database that goes away and comes back."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from litestar import Litestar, get
from litestar.response import Template
from litestar.testing import TestClient
from sqlalchemy import text

from app.db import DbSession
from app.main import create_app
from tests.conftest import make_settings, migrate
from tests.pg_cluster import Cluster, running_cluster

PASSWORD = "pw-Sup3rS3cret"  # trust auth ignores it; it must still never be shown


def test_health_reports_the_database_and_pool(client: TestClient[Litestar], db_url: str) -> None:
    response = client.get("/health/db")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == db_url.split(":", 1)[0]
    assert isinstance(body["latency_ms"], float | int) and body["latency_ms"] >= 0
    assert {"size", "checked_out", "checked_in", "overflow", "max"} <= body["pool"].keys()
    assert body["pool"]["max"] == 20
    assert body["timestamp"].endswith("+00:00")
    assert response.headers["cache-control"] == "no-store"


def test_every_response_carries_a_request_id_logged_once(
    client: TestClient[Litestar], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="taskwise.request")
    response = client.get("/health/db")
    request_id = response.headers["x-request-id"]
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "taskwise.request"]
    assert [line["request_id"] for line in lines] == [request_id]
    assert lines[0] | {"duration_ms": 0} == {
        "method": "GET",
        "path": "/health/db",
        "status": 200,
        "duration_ms": 0,
        "request_id": request_id,
    }


def test_static_htmx_is_vendored(client: TestClient[Litestar]) -> None:
    response = client.get("/static/htmx-2.0.11.min.js")
    assert response.status_code == 200
    assert response.text.startswith("var htmx=")
    assert 'version:"2.0.11"' in response.text


def test_unknown_pages_get_a_friendly_404(client: TestClient[Litestar]) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in response.text and "<html" in response.text


@get("/_t/page", sync_to_thread=True)
def db_page(db: DbSession) -> Template:
    db.execute(text("SELECT 1"))
    return Template(
        "errors/page.html",
        context={"status": 200, "title": "Fine", "message": "ok", "request_id": "-"},
    )


@pytest.fixture(scope="module")
def own_cluster() -> Iterator[Cluster]:
    """A cluster of this module's own, since these tests stop and restart it."""
    with running_cluster() as cluster:
        yield cluster


@pytest.fixture
def fragile_client(own_cluster: Cluster) -> Iterator[TestClient[Litestar]]:
    url = own_cluster.create_database(f"fault_{time.monotonic_ns()}")
    migrate(url)
    secret_url = url.replace("postgres@", f"postgres:{PASSWORD}@")
    app = create_app(make_settings(secret_url, db_connect_timeout=2), extra_routes=[db_page])
    with TestClient(app=app, raise_server_exceptions=False) as client:
        yield client
    own_cluster.start()  # leave it running for the next test, whatever happened


def wait_for(client: TestClient[Litestar], path: str, status: int, seconds: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if client.get(path).status_code == status:
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{path} did not answer {status} within {seconds}s")


def test_database_down_then_back_recovers_without_a_restart(
    fragile_client: TestClient[Litestar], own_cluster: Cluster, caplog: pytest.LogCaptureFixture
) -> None:
    client = fragile_client
    assert client.get("/health/db").status_code == 200
    assert client.get("/_t/page").status_code == 200

    own_cluster.stop("fast")

    health = client.get("/health/db")
    assert health.status_code == 503
    body = health.json()
    assert body["status"] == "unavailable" and body["database"] == "postgresql"
    page = client.get("/_t/page")
    assert page.status_code == 503
    assert "Temporarily unavailable" in page.text and "Traceback" not in page.text
    assert page.headers["retry-after"] == "5"
    htmx = client.get("/_t/page", headers={"HX-Request": "true"})
    assert htmx.status_code == 503 and "<html" not in htmx.text
    for shown in (health.text, page.text, caplog.text):
        assert PASSWORD not in shown

    own_cluster.start()

    recovered_in = wait_for(client, "/health/db", 200, seconds=10)
    assert recovered_in < 10
    assert client.get("/_t/page").status_code == 200

"""One transaction per request: success and redirects commit, everything else rolls back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated

import psycopg2
import pytest
from litestar import Litestar, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template
from litestar.testing import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db import DbSession
from app.main import create_app
from app.models import User
from tests.conftest import make_settings
from tests.factories import make_user
from tests.web import csrf_token


def _add(db: Session, email: str) -> None:
    make_user(db, email)  # flushed: the INSERT has reached the database, uncommitted


@post("/_t/created", sync_to_thread=True, status_code=201)
def created(db: DbSession) -> dict[str, str]:
    _add(db, "created@example.com")
    return {"ok": "yes"}


@post("/_t/redirect", sync_to_thread=True)
def redirected(db: DbSession) -> Redirect:
    _add(db, "redirect@example.com")
    return Redirect("/elsewhere", status_code=303)


@post("/_t/invalid", sync_to_thread=True)
def invalid(db: DbSession) -> Template:
    _add(db, "invalid@example.com")
    return Template(
        "errors/page.html",
        context={"status": 400, "title": "t", "message": "m", "request_id": "-"},
        status_code=400,
    )


@post("/_t/boom", sync_to_thread=True)
def boom(db: DbSession) -> None:
    _add(db, "boom@example.com")
    raise RuntimeError("secret internals: password=hunter2")


@post("/_t/db-dies-before-commit", sync_to_thread=True, status_code=201)
def db_dies(db: DbSession) -> dict[str, str]:
    _add(db, "lost@example.com")
    pid = db.execute(text("SELECT pg_backend_pid()")).scalar_one()
    # Another connection kills ours, as a database restart would, after the write but before commit.
    url = db.get_bind().url.set(drivername="postgresql").render_as_string(hide_password=False)
    killer = psycopg2.connect(url)
    killer.autocommit = True
    with killer.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", (pid,))
    killer.close()
    return {"ok": "yes"}


@post("/_t/savepoint-then-error", sync_to_thread=True)
def savepoint_then_error(db: DbSession) -> Template:
    # The first write of the request inside a savepoint, as create_task and register do.
    with db.begin_nested():
        _add(db, "nested@example.com")
    return Template(
        "errors/page.html",
        context={"status": 400, "title": "t", "message": "m", "request_id": "-"},
        status_code=400,
    )


@post("/_t/form", sync_to_thread=True, status_code=200)
def form(data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]) -> str:
    return f"{len(data.get('note', ''))} characters"


@post("/_t/duplicate", sync_to_thread=True, status_code=201)
def duplicate(db: DbSession) -> None:
    _add(db, "first@example.com")
    _add(db, "same@example.com")
    _add(db, "same@example.com")  # the unique index refuses it


@get("/_t/needs-int", sync_to_thread=True)
def needs_int(number: FromQuery[int]) -> str:
    return str(number)


@get("/_t/count", sync_to_thread=True)
def count_users(db: DbSession) -> dict[str, int]:
    return {"users": int(db.scalar(select(func.count()).select_from(User)) or 0)}


ROUTES = [
    created,
    redirected,
    invalid,
    savepoint_then_error,
    boom,
    db_dies,
    form,
    duplicate,
    needs_int,
    count_users,
]


@pytest.fixture
def tx_app(db_url: str) -> Litestar:
    return create_app(make_settings(db_url), extra_routes=ROUTES)


def browser_on(app: Litestar) -> TestClient[Litestar]:
    """A client that, like a browser on one of our pages, sends the CSRF token with each post."""
    client = TestClient(app=app, raise_server_exceptions=False)
    client.headers["X-CSRFToken"] = csrf_token(client.get("/signin").text)
    return client


@pytest.fixture
def tx_client(tx_app: Litestar) -> Iterator[TestClient[Litestar]]:
    with browser_on(tx_app) as client:
        yield client


def emails(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.scalars(select(User.email)))


@pytest.fixture
def tx_engine(tx_app: Litestar) -> Engine:
    engine: Engine = tx_app.state.engine
    return engine


def test_a_successful_response_commits(tx_client: TestClient[Litestar], tx_engine: Engine) -> None:
    assert tx_client.post("/_t/created").status_code == 201
    assert emails(tx_engine) == {"created@example.com"}


def test_a_redirect_after_post_keeps_its_write(
    tx_client: TestClient[Litestar], tx_engine: Engine
) -> None:
    response = tx_client.post("/_t/redirect", follow_redirects=False)
    assert response.status_code == 303
    assert emails(tx_engine) == {"redirect@example.com"}


def test_an_error_response_writes_nothing(
    tx_client: TestClient[Litestar], tx_engine: Engine
) -> None:
    assert tx_client.post("/_t/invalid").status_code == 400
    assert emails(tx_engine) == set()


def test_an_error_response_keeps_nothing_written_inside_a_savepoint(
    tx_client: TestClient[Litestar], tx_engine: Engine
) -> None:
    """On SQLite, a SAVEPOINT opened outside a transaction commits when released, unless the
    transaction is begun first (app.db): a half-written import once survived its own 500."""
    assert tx_client.post("/_t/savepoint-then-error").status_code == 400
    assert emails(tx_engine) == set()


def test_an_unexpected_error_writes_nothing_and_shows_a_request_id(
    tx_client: TestClient[Litestar], tx_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    response = tx_client.post("/_t/boom")
    assert response.status_code == 500
    request_id = response.headers["x-request-id"]
    assert re.search(rf"<code>{request_id}</code>", response.text)
    assert "Traceback" not in response.text and "hunter2" not in response.text
    assert "Something went wrong" in response.text
    assert emails(tx_engine) == set()
    assert any(request_id in record.getMessage() for record in caplog.records)


def test_htmx_errors_get_a_fragment_not_a_page(tx_client: TestClient[Litestar]) -> None:
    response = tx_client.post("/_t/boom", headers={"HX-Request": "true"})
    assert response.status_code == 500
    assert "<html" not in response.text
    assert 'role="alert"' in response.text


def test_a_write_lost_before_commit_is_never_acknowledged(pg_db_url: str) -> None:
    app = create_app(make_settings(pg_db_url), extra_routes=ROUTES)
    with browser_on(app) as client:
        response = client.post("/_t/db-dies-before-commit")
        assert response.status_code == 503
        assert "Temporarily unavailable" in response.text
        assert emails(app.state.engine) == set()
        # The pool replaced the dead connection: the next request works without a restart.
        assert client.get("/_t/count").json() == {"users": 0}


def test_form_bodies_over_one_megabyte_get_413(tx_client: TestClient[Litestar]) -> None:
    fits = tx_client.post("/_t/form", data={"note": "x" * 1000})
    assert fits.status_code == 200 and fits.text == "1000 characters"
    too_big = tx_client.post("/_t/form", data={"note": "x" * (1024 * 1024)})
    assert too_big.status_code == 413
    assert "Too large" in too_big.text


def test_an_integrity_error_is_a_409_and_nothing_of_the_request_is_kept(
    tx_client: TestClient[Litestar], tx_engine: Engine
) -> None:
    response = tx_client.post("/_t/duplicate")
    assert response.status_code == 409
    assert "Conflict" in response.text
    assert emails(tx_engine) == set()  # not even the first, valid row


def test_invalid_parameters_are_a_400_page(tx_client: TestClient[Litestar]) -> None:
    response = tx_client.get("/_t/needs-int", params={"number": "seven"})
    assert response.status_code == 400
    assert "<html" in response.text and "Bad request" in response.text
    assert "Traceback" not in response.text

"""Fair under a flood of sign-ins (SPEC §12): hashing waits hold no thread and no pooled
connection, the queue is bounded, and the log tells the status that was sent."""

from __future__ import annotations

import json
import threading
from collections import Counter

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from app.main import create_app
from app.security import PasswordHashing
from tests.conftest import make_settings
from tests.web import create_account, csrf_token, sign_in

Client = TestClient[Litestar]


def at_once(jobs: list[tuple[Client, str, dict[str, str] | None]]) -> list[tuple[str, int, str]]:
    """Send every (client, path, form) at the same moment; GET when form is None."""
    start = threading.Barrier(len(jobs))
    results: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def run(client: Client, path: str, form: dict[str, str] | None) -> None:
        start.wait()
        if form is None:
            response = client.get(path)
        else:
            response = client.post(path, data=form, follow_redirects=False)
        with lock:
            results.append((path, response.status_code, response.headers.get("retry-after", "")))

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_sign_in_flood_does_not_exhaust_a_small_pool(db_url: str) -> None:
    """Twelve sign-ins waiting for one hashing slot and four pages asked for meanwhile, all
    through one server (one event loop, one thread pool), on a pool of two connections:
    nobody may wait for a connection or a thread held by someone waiting for a hash."""
    settings = make_settings(db_url, db_pool_min=1, db_pool_max=2, db_connect_timeout=3)
    app = create_app(settings, hashing=PasswordHashing(slots=1, max_waiting=50))
    for n in range(12):
        create_account(app.state.engine, f"u{n}@example.com")
    create_account(app.state.engine, "reader@example.com")
    with TestClient(app=app) as client:
        sign_in(client, "reader@example.com")
        token = csrf_token(client.get("/tasks").text)
        jobs: list[tuple[Client, str, dict[str, str] | None]] = [
            (
                client,
                "/signin",
                {"_csrf_token": token, "email": f"u{n}@example.com", "password": "wrong one"},
            )
            for n in range(12)
        ]
        jobs += [(client, "/tasks", None)] * 4
        results = at_once(jobs)
    statuses = Counter(status for _, status, _ in results)
    assert statuses == Counter({400: 12, 200: 4}), statuses


def test_sign_ins_beyond_the_queue_are_turned_away_with_retry_after(db_url: str) -> None:
    app = create_app(make_settings(db_url), hashing=PasswordHashing(slots=1, max_waiting=1))
    with TestClient(app=app) as client:
        token = csrf_token(client.get("/signin").text)
        form = {"_csrf_token": token, "password": "whatever it is"}
        jobs: list[tuple[Client, str, dict[str, str] | None]] = [
            (client, "/signin", form | {"email": f"n{n}@example.com"}) for n in range(10)
        ]
        results = at_once(jobs)
    statuses = Counter(status for _, status, _ in results)
    assert set(statuses) <= {400, 429}, statuses
    assert statuses[429] >= 1, "ten sign-ins at once for one slot and one place in the queue"
    assert all(retry == "1" for _, status, retry in results if status == 429)


def test_the_log_line_tells_the_status_that_was_sent(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The pool times out in the auth middleware, outside any handler: the client gets 503
    and the request's log line says 503 (it used to say 500)."""
    settings = make_settings(db_url, db_pool_min=1, db_pool_max=1, db_connect_timeout=1)
    app = create_app(settings)
    create_account(app.state.engine, "me@example.com")
    with TestClient(app=app) as client:
        sign_in(client, "me@example.com")
        with app.state.engine.connect():  # the pool's only connection, held elsewhere
            caplog.clear()
            response = client.get("/tasks")
    assert response.status_code == 503
    assert response.headers["retry-after"]
    [line] = [json.loads(r.getMessage()) for r in caplog.records if r.name == "taskwise.request"]
    assert (line["path"], line["status"]) == ("/tasks", 503)


def test_a_password_check_needs_no_second_pooled_connection(db_url: str) -> None:
    """A pool of one: the request's own lookup is done and released before the throttle
    counts the attempt on a connection of its own."""
    settings = make_settings(db_url, db_pool_min=1, db_pool_max=1, db_connect_timeout=2)
    app = create_app(settings)
    create_account(app.state.engine, "me@example.com")
    with TestClient(app=app) as client:
        sign_in(client, "me@example.com")
        token = csrf_token(client.get("/account").text)
        wrong = {"_csrf_token": token, "password": "not my password"}
        assert client.post("/account/delete", data=wrong).status_code == 400
        again = {"_csrf_token": token, "email": "me@example.com", "password": "nope nope"}
        assert client.post("/signin", data=again).status_code == 400  # with a session cookie

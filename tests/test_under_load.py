"""Proof under load and faults (SPEC §10, §11), with real uvicorn processes on PostgreSQL:
a small pool under 50 clients, an exhausted pool, two app processes on one database, and
the database stopped and started under a stream of creates."""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg2
import pytest

from tests.conftest import migrate
from tests.pg_cluster import Cluster, running_cluster
from tests.servers import (
    ACKNOWLEDGED,
    BROWSER_PASSWORD,
    Answer,
    Browser,
    CreateStream,
    csrf_of,
    post_form,
    running_app,
    signed_up,
    titles_in_database,
)


def summary(answers: list[Answer]) -> str:
    seconds = sorted(a.seconds for a in answers)
    statuses = dict(Counter(a.status for a in answers))
    if not seconds:
        return "no answers"
    p95 = seconds[int(len(seconds) * 0.95) - 1] if len(seconds) > 20 else seconds[-1]
    return (
        f"{len(answers)} requests {statuses}; median {statistics.median(seconds) * 1000:.0f} ms,"
        f" p95 {p95 * 1000:.0f} ms, max {seconds[-1] * 1000:.0f} ms"
    )


def only_503_with_retry_after(answers: list[Answer]) -> None:
    """Success, or 503 with Retry-After: never another 5xx, never no answer at all."""
    others = Counter(a.status for a in answers if a.status not in ACKNOWLEDGED | {503})
    assert not others, others
    assert all(a.retry_after for a in answers if a.status == 503)


def test_fifty_clients_over_a_pool_of_five(pg_db_url: str, tmp_path: Path) -> None:
    with running_app(
        pg_db_url, tmp_path, db_pool_min="2", db_pool_max="5", db_pool_timeout="5"
    ) as server:
        people = [signed_up(server.url, f"load{n}@example.com") for n in range(5)]
        clients = [person.clone() for person in people for _ in range(10)]
        readers = [c.clone() for c in clients[:10]]  # ten of them also read the list meanwhile
        reads: list[int] = []

        def read(browser: Browser) -> None:
            while not done.is_set():
                try:
                    reads.append(browser.client.get("/tasks").status_code)
                except httpx.TransportError:
                    reads.append(0)

        done = threading.Event()
        reading = [threading.Thread(target=read, args=(r,)) for r in readers]
        with CreateStream(clients, "load") as stream:
            for thread in reading:
                thread.start()
            time.sleep(4)
            done.set()
        for thread in reading:
            thread.join(timeout=60)
        health = httpx.get(f"{server.url}/health/db", timeout=10).json()
    print(f"\n50 clients, pool 5: creates {summary(stream.answers)}; reads {dict(Counter(reads))}")
    only_503_with_retry_after(stream.answers)
    assert set(reads) <= {200, 503}, Counter(reads)
    assert stream.count(ACKNOWLEDGED) >= 50 and reads.count(200) >= 10
    missing = stream.acknowledged() - titles_in_database(pg_db_url, "load")
    assert not missing, f"{len(missing)} acknowledged creates are not in the database"
    assert health["pool"]["max"] == 5


def test_an_exhausted_pool_answers_503_with_retry_after_at_once(
    pg_db_url: str, tmp_path: Path
) -> None:
    """Both pooled connections wait on a lock held outside the app; the next requests wait
    DB_POOL_TIMEOUT (1 s) for a connection, then get 503 with Retry-After: never a hang."""
    with running_app(
        pg_db_url, tmp_path, db_pool_min="1", db_pool_max="2", db_pool_timeout="1"
    ) as server:
        person = signed_up(server.url, "pool@example.com")
        browsers = [person.clone() for _ in range(8)]
        answers: list[tuple[int, str | None, float]] = []
        lock_holder = psycopg2.connect(pg_db_url)
        with lock_holder.cursor() as cur:
            cur.execute("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE")  # the list page waits
        started = time.monotonic()

        def ask(browser: Browser) -> None:
            response = browser.client.get("/tasks")
            answers.append(
                (response.status_code, response.headers.get("retry-after"), time.monotonic())
            )

        threads = [threading.Thread(target=ask, args=(b,)) for b in browsers]
        for thread in threads:
            thread.start()
        time.sleep(6)
        released = time.monotonic()
        lock_holder.rollback()  # the two waiting requests go on
        lock_holder.close()
        for thread in threads:
            thread.join(timeout=30)
        assert not any(t.is_alive() for t in threads), "a request hung"
        after = person.client.get("/tasks").status_code
    refused = [(status, retry, at) for status, retry, at in answers if status == 503]
    print(
        f"\nexhausted pool: {dict(Counter(s for s, _, _ in answers))}; 503s after "
        f"{', '.join(f'{at - started:.1f}' for _, _, at in refused)} s (lock held 6 s)"
    )
    assert Counter(status for status, _, _ in answers) == {503: 6, 200: 2}
    assert all(retry for _, retry, _ in refused)
    assert all(at < released for _, _, at in refused)  # answered while still exhausted
    assert after == 200


def test_two_app_processes_share_sessions_and_the_sign_in_throttle(
    pg_db_url: str, tmp_path: Path
) -> None:
    with (
        running_app(pg_db_url, tmp_path) as first,
        running_app(pg_db_url, tmp_path) as second,
    ):
        person = signed_up(first.url, "both@example.com")
        on_second = httpx.Client(base_url=second.url, cookies=person.client.cookies, timeout=30)
        page = on_second.get("/tasks")
        assert page.status_code == 200 and "both@example.com" in page.text
        made = on_second.post(
            "/tasks", data={"_csrf_token": csrf_of(on_second, "/tasks"), "title": "From two"}
        )
        assert made.status_code == 303
        assert "From two" in person.client.get("/tasks").text
        assert post_form(on_second, "/tasks", "/signout", {}).status_code == 303
        ended = person.client.get("/tasks")
        assert ended.status_code == 303 and "/signin" in ended.headers["location"]

        guesses: list[int] = []
        for n in range(5):  # five wrong passwords, alternating between the processes
            url = (first.url, second.url)[n % 2]
            with httpx.Client(base_url=url, timeout=30) as anonymous:
                form = {"email": "both@example.com", "password": f"wrong guess {n}"}
                guesses.append(post_form(anonymous, "/signin", "/signin", form).status_code)
        assert guesses == [400] * 5
        for url in (first.url, second.url):  # now even the right one is refused on both
            with httpx.Client(base_url=url, timeout=30) as anonymous:
                form = {"email": "both@example.com", "password": BROWSER_PASSWORD}
                assert post_form(anonymous, "/signin", "/signin", form).status_code == 429


@pytest.fixture(scope="module")
def durable_cluster() -> Iterator[Cluster]:
    """A cluster of this module's own (it is stopped and started), committing durably so an
    immediate stop loses nothing the database acknowledged."""
    with running_cluster(durable=True) as cluster:
        yield cluster


def test_database_stopped_and_started_under_a_stream_of_creates(
    durable_cluster: Cluster, tmp_path: Path
) -> None:
    url = durable_cluster.create_database(f"restart_{time.monotonic_ns()}")
    migrate(url)
    with running_app(
        url, tmp_path, db_pool_min="2", db_pool_max="5", db_connect_timeout="2"
    ) as server:
        people = [signed_up(server.url, f"stream{n}@example.com") for n in range(2)]
        writers = [person.clone() for person in people for _ in range(4)]
        try:
            with CreateStream(writers, "restart") as stream:
                time.sleep(1.5)
                durable_cluster.stop("immediate")  # a crash: no checkpoint, no goodbye
                stopped = stream.count(ACKNOWLEDGED)
                time.sleep(1.5)
                durable_cluster.start()
                back = time.monotonic()
                while (first := stream.first_success_after(back)) is None:
                    if time.monotonic() - back > 15:
                        break
                    time.sleep(0.05)
                recovered_in = (first or time.monotonic()) - back
                time.sleep(1)
        finally:
            durable_cluster.start()
        still_running = server.process.poll() is None
        health = httpx.get(f"{server.url}/health/db", timeout=10).status_code
    print(
        f"\ndatabase restart: {summary(stream.answers)}; {stopped} acknowledged before the stop;"
        f" first success {recovered_in:.2f} s after the database was back"
    )
    assert still_running and health == 200
    only_503_with_retry_after(stream.answers)
    assert Counter(a.status for a in stream.answers)[503] > 0  # the outage was seen
    assert recovered_in < 5
    missing = stream.acknowledged() - titles_in_database(url, "restart")
    assert not missing, f"{len(missing)} acknowledged creates lost: {sorted(missing)[:5]}"

"""Throttles that hold under concurrency (SPEC §9): sign-in, the account's password checks,
and reset mails. A 400 means a password was verified and was wrong; 429 means none was."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.main import create_app
from app.models import Attempt
from tests.conftest import make_settings
from tests.web import PASSWORD, create_account, csrf_token, sign_in, submit

Client = TestClient[Litestar]
WRONG = "not the password at all"


def in_parallel(count: int, action: Callable[[int], int]) -> Counter[int]:
    """Run `action(i)` for i < count in threads released at the same moment; count statuses."""
    start = threading.Barrier(count)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def run(i: int) -> None:
        start.wait()
        status = action(i)
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def attempts_of(engine: Engine, subject: str) -> int:
    with Session(engine) as session:
        return int(
            session.scalar(select(func.count()).where(Attempt.subject == subject)) or 0  # type: ignore[arg-type]
        )


def test_parallel_wrong_guesses_verify_at_most_five_passwords(
    client: Client, engine: Engine
) -> None:
    create_account(engine, "target@example.com")
    token = csrf_token(client.get("/signin").text)

    def guess(i: int) -> int:
        form = {"_csrf_token": token, "email": "target@example.com", "password": f"{WRONG} {i}"}
        return client.post("/signin", data=form, follow_redirects=False).status_code

    statuses = in_parallel(20, guess)
    assert set(statuses) <= {400, 429}
    assert statuses[400] <= 5, statuses  # each 400 is one password verified
    assert attempts_of(engine, "target@example.com") == statuses[400]
    # The right password after the burst is verified only if fewer than five were: never a
    # sixth verification in the window.
    after = sign_in(client, "target@example.com", PASSWORD).status_code
    assert after == (429 if statuses[400] == 5 else 303)


def test_a_right_password_inside_a_burst_is_never_the_sixth_verified(
    client: Client, engine: Engine
) -> None:
    create_account(engine, "burst@example.com")
    token = csrf_token(client.get("/signin").text)

    def guess(i: int) -> int:
        password = PASSWORD if i == 10 else f"{WRONG} {i}"
        form = {"_csrf_token": token, "email": "burst@example.com", "password": password}
        return client.post("/signin", data=form, follow_redirects=False).status_code

    statuses = in_parallel(16, guess)
    # At most five passwords are checked in all; the right one signs in only if it was among
    # them, so never after more than four wrong ones were verified.
    assert statuses[400] + statuses[303] <= 5, statuses
    assert statuses[303] == 0 or statuses[400] <= 4


def test_refused_guesses_do_not_extend_the_lockout(db_url: str) -> None:
    moment = [datetime(2026, 11, 24, 12, 0, tzinfo=UTC)]
    app = create_app(make_settings(db_url), clock=lambda: moment[0])
    create_account(app.state.engine, "patient@example.com")
    with TestClient(app=app) as client:
        for _ in range(5):
            assert sign_in(client, "patient@example.com", WRONG).status_code == 400
        for minutes in (1, 2, 3, 5, 8, 14):  # six refused guesses inside the window
            moment[0] = datetime(2026, 11, 24, 12, minutes, tzinfo=UTC)
            assert sign_in(client, "patient@example.com", WRONG).status_code == 429
        moment[0] = datetime(2026, 11, 24, 12, 16, tzinfo=UTC)  # the first five have aged out
        assert sign_in(client, "patient@example.com").status_code == 303
        assert attempts_of(app.state.engine, "patient@example.com") == 0  # success clears


@pytest.fixture
def signed_in(client: Client, engine: Engine) -> Client:
    create_account(engine, "me@example.com")
    sign_in(client, "me@example.com")
    return client


@pytest.mark.parametrize(
    ("action", "field", "extra"),
    [
        ("/account/password", "current_password", {"new_password": "a brand new passphrase"}),
        ("/account/delete", "password", {}),
    ],
)
def test_account_password_checks_are_throttled(
    signed_in: Client, engine: Engine, action: str, field: str, extra: dict[str, str]
) -> None:
    for _ in range(5):
        wrong = submit(signed_in, "/account", action, {field: WRONG, **extra})
        assert wrong.status_code == 400
        assert 'aria-invalid="true"' in wrong.text
    blocked = submit(signed_in, "/account", action, {field: PASSWORD, **extra})
    assert blocked.status_code == 429
    assert "Too many wrong passwords" in blocked.text
    assert signed_in.get("/account").status_code == 200  # nothing was changed or deleted
    assert sign_in(TestClient(app=signed_in.app), "me@example.com").status_code == 429


def test_parallel_account_password_checks_verify_at_most_five(
    signed_in: Client, engine: Engine
) -> None:
    token = csrf_token(signed_in.get("/account").text)

    def guess(i: int) -> int:
        form = {"_csrf_token": token, "password": f"{WRONG} {i}"}
        return signed_in.post("/account/delete", data=form, follow_redirects=False).status_code

    statuses = in_parallel(12, guess)
    assert set(statuses) <= {400, 429} and statuses[400] <= 5, statuses


def test_a_right_account_password_clears_the_count(signed_in: Client, engine: Engine) -> None:
    for _ in range(4):
        submit(signed_in, "/account", "/account/delete", {"password": WRONG})
    changed = submit(
        signed_in,
        "/account",
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert changed.status_code == 303
    assert attempts_of(engine, "me@example.com") == 0


def test_reset_mails_are_limited_per_address_and_the_page_stays_the_same(
    db_url: str, tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    app = create_app(make_settings(db_url, mail_outbox_dir=str(outbox)))
    create_account(app.state.engine, "forgetful@example.com")
    create_account(app.state.engine, "other@example.com")
    with TestClient(app=app) as client:
        token = csrf_token(client.get("/password/forgot").text)

        def ask(_: int) -> int:
            form = {"_csrf_token": token, "email": "forgetful@example.com"}
            return client.post("/password/forgot", data=form).status_code

        pages = {
            client.post("/password/forgot", data={"_csrf_token": token, "email": e}).text
            for e in ("forgetful@example.com", "nobody@example.com")
        }
        statuses = in_parallel(9, ask)
        assert statuses == Counter({200: 9})
        later = client.post(
            "/password/forgot", data={"_csrf_token": token, "email": "forgetful@example.com"}
        )
        submit(client, "/password/forgot", "/password/forgot", {"email": "other@example.com"})
    assert len(pages) == 1 and later.text in pages  # the same page, mailed or not
    sent = [p.read_text() for p in outbox.glob("*.eml")]
    # Parallel requests may refuse one another (each counts the others' attempts), never
    # let a fourth through; sequential ones get exactly three (the next test).
    assert 1 <= sum("forgetful@example.com" in mail for mail in sent) <= 3
    assert sum("other@example.com" in mail for mail in sent) == 1


def test_reset_mails_are_allowed_again_after_an_hour(db_url: str, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    moment = [datetime(2026, 11, 24, 12, 0, tzinfo=UTC)]
    app = create_app(make_settings(db_url, mail_outbox_dir=str(outbox)), clock=lambda: moment[0])
    create_account(app.state.engine, "again@example.com")
    with TestClient(app=app) as client:
        for _ in range(4):
            submit(client, "/password/forgot", "/password/forgot", {"email": "again@example.com"})
        assert len(list(outbox.glob("*.eml"))) == 3
        moment[0] += timedelta(hours=1, minutes=1)
        submit(client, "/password/forgot", "/password/forgot", {"email": "again@example.com"})
    assert len(list(outbox.glob("*.eml"))) == 4


def test_the_right_current_password_with_a_weak_new_one_never_locks_out(
    signed_in: Client, engine: Engine
) -> None:
    weak = {"current_password": PASSWORD, "new_password": "short"}
    for _ in range(6):
        assert submit(signed_in, "/account", "/account/password", weak).status_code == 400
    strong = {"current_password": PASSWORD, "new_password": "a brand new passphrase"}
    assert submit(signed_in, "/account", "/account/password", strong).status_code == 303

"""Sign-up, sign-in, sign-out, sessions, throttling and password reset, through HTTP."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from litestar import Litestar
from litestar.testing import TestClient
from passlib.hash import bcrypt
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app import security
from app.auth.sessions import SESSION_COOKIE
from app.main import create_app
from app.models import User, UserSession
from tests.conftest import TEST_SECRET, make_settings
from tests.web import PASSWORD, create_account, csrf_token, sign_in, submit

Client = TestClient[Litestar]
NewClient = Callable[..., Client]

ANY_ID = "01a2017e-046f-7254-8360-e97bfc16149f"

# Every route that needs a signed-in user; later features add theirs here.
PROTECTED_ROUTES = [
    ("GET", "/account"),
    ("POST", "/account"),
    ("POST", "/account/password"),
    ("POST", "/account/delete"),
    ("POST", "/signout"),
    ("GET", "/tasks"),
    ("GET", "/tasks/new"),
    ("POST", "/tasks"),
    ("GET", f"/tasks/{ANY_ID}"),
    ("GET", f"/tasks/{ANY_ID}/edit"),
    ("POST", f"/tasks/{ANY_ID}/edit"),
    ("POST", f"/tasks/{ANY_ID}/toggle"),
    ("POST", f"/tasks/{ANY_ID}/delete"),
    ("POST", f"/tasks/{ANY_ID}/restore"),
    ("POST", "/tasks/bulk"),
    ("GET", "/trash"),
    ("POST", "/trash/empty"),
    ("GET", "/export/tasks.json"),
    ("GET", "/export/tasks.csv"),
    ("GET", "/import"),
    ("POST", "/import"),
    ("POST", "/account/calendar"),
]


def users(engine: Engine) -> list[User]:
    with Session(engine) as session:
        return list(session.scalars(select(User)))


def session_count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(UserSession)) or 0)


def set_cookie_header(response: object, name: str) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return next(h for h in headers if h.startswith(f"{name}="))


@pytest.mark.parametrize(("method", "path"), PROTECTED_ROUTES)
def test_protected_routes_send_strangers_to_sign_in(client: Client, method: str, path: str) -> None:
    response = client.request(method, path, follow_redirects=False)
    assert response.status_code == 303
    expected = f"/signin?next={path}" if method == "GET" else "/signin"
    assert response.headers["location"] == expected

    htmx = client.request(method, path, headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.status_code == 401
    assert htmx.headers["hx-redirect"] == "/signin"


def test_root_leads_to_sign_in_or_tasks(client: Client, engine: Engine) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/signin"
    create_account(engine, "ann@example.com")
    sign_in(client, "ann@example.com")
    assert client.get("/", follow_redirects=False).headers["location"] == "/tasks"


def test_sign_up_signs_in_with_a_safe_cookie(client: Client, engine: Engine) -> None:
    response = submit(
        client,
        "/signup",
        "/signup",
        {
            "name": "Ann",
            "email": "  Ann@Example.COM ",
            "password": PASSWORD,
            "timezone": "Pacific/Kiritimati",
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/tasks"
    cookie = set_cookie_header(response, SESSION_COOKIE).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    [user] = users(engine)
    assert (user.email, user.name, user.timezone) == (
        "ann@example.com",
        "Ann",
        "Pacific/Kiritimati",
    )
    assert user.password_hash.startswith("$argon2id$")
    assert client.get("/account").status_code == 200


def test_secure_cookies_when_configured(db_url: str) -> None:
    app = create_app(make_settings(db_url, secure_cookies=True))
    with TestClient(app=app, base_url="https://testserver.local") as client:
        response = submit(
            client, "/signup", "/signup", {"email": "a@example.com", "password": PASSWORD}
        )
    assert "secure" in set_cookie_header(response, SESSION_COOKIE).lower()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"email": ""}, "email", "Email is required."),
        ({"password": "short"}, "password", "Use at least 8 characters."),
        ({"password": "x" * 1025}, "password", "at most 1024 characters"),
        ({"password": "iloveyou"}, "password", "too common"),
        ({"password": "Qwertyuiop"}, "password", "too common"),
        (
            {"email": "pat.long@example.com", "password": "PAT.LONG@example.com"},
            "password",
            "cannot be your email",
        ),
        ({"name": "Bad\x00name"}, "name", "characters that are not allowed"),
        ({"name": "n" * 101}, "name", "at most 100 characters"),
    ],
)
def test_bad_sign_ups_are_refused_beside_the_field(
    client: Client, engine: Engine, fields: dict[str, str], field: str, message: str
) -> None:
    form = {"name": "Pat", "email": "pat@example.com", "password": "a-Good-passphrase-42"} | fields
    response = submit(client, "/signup", "/signup", form)
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert re.search(rf'id="f-{field}-error">[^<]*{re.escape(message)}', response.text)
    assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', response.text)
    assert form["password"] not in response.text
    if field != "email" and form["email"]:
        assert f'value="{form["email"]}"' in response.text  # what was typed is kept
    assert users(engine) == []


def test_duplicate_email_in_another_case_is_a_409(client: Client, engine: Engine) -> None:
    create_account(engine, "dup@example.com")
    secret = "another-Fine-passphrase-9"
    response = submit(
        client, "/signup", "/signup", {"email": "DUP@Example.com", "password": secret}
    )
    assert response.status_code == 409
    assert "already registered" in response.text
    assert 'value="DUP@Example.com"' in response.text
    assert secret not in response.text
    assert len(users(engine)) == 1


def test_unknown_email_and_wrong_password_look_and_cost_the_same(
    client: Client, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_account(engine, "known@example.com")
    calls: list[str] = []
    real_verify = security.pwd_context.verify_and_update

    def counting_verify(secret: str, hash: str) -> tuple[bool, str | None]:  # noqa: A002
        calls.append(hash[:10])
        return real_verify(secret, hash)

    monkeypatch.setattr(security.pwd_context, "verify_and_update", counting_verify)
    wrong = sign_in(client, "known@example.com", "wrong password here")
    after_known = len(calls)
    unknown = sign_in(client, "nobody@example.com", "wrong password here")
    assert wrong.status_code == unknown.status_code == 400
    assert after_known == 1 and len(calls) == 2
    message = "That email and password do not match an account."
    assert message in wrong.text and message in unknown.text
    assert 'class="form-error"' in wrong.text


@pytest.mark.parametrize(
    ("next_value", "lands_on"),
    [
        ("/account", "/account"),
        ("/tasks?status=all&q=rent", "/tasks?status=all&q=rent"),
        ("//evil.example.com/x", "/tasks"),
        ("https://evil.example.com/", "/tasks"),
        ("/\\evil.example.com", "/tasks"),
        ("javascript:alert(1)", "/tasks"),
        ("", "/tasks"),
    ],
)
def test_next_only_leads_to_this_site(
    client: Client, engine: Engine, next_value: str, lands_on: str
) -> None:
    create_account(engine, "nx@example.com")
    response = sign_in(client, "nx@example.com", next=next_value)
    assert response.status_code == 303
    assert response.headers["location"] == lands_on


def test_the_sign_in_page_carries_next_into_its_form(client: Client) -> None:
    page = client.get("/account")  # redirected to /signin?next=/account and followed
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<input type="hidden" name="next" value="/account">' in page.text


def test_a_planted_cookie_never_becomes_a_session(
    client: Client, engine: Engine, app: Litestar
) -> None:
    create_account(engine, "fix@example.com")
    # Even a correctly signed value that the attacker chose is not a session...
    planted = app.state.signing.sign_cookie("attacker-chosen-token-value")
    client.cookies.set(SESSION_COOKIE, planted, domain="testserver.local")
    assert client.get("/account", follow_redirects=False).status_code == 303
    # ...and signing in issues a new one rather than adopting it.
    response = sign_in(client, "fix@example.com")
    issued = client.cookies.get(SESSION_COOKIE)
    assert response.status_code == 303 and issued and issued != planted
    replay = TestClient(app=app, cookies={SESSION_COOKIE: planted})
    assert replay.get("/account", follow_redirects=False).status_code == 303


def test_each_sign_in_gets_a_new_session_and_ends_the_previous(
    client: Client, engine: Engine, app: Litestar
) -> None:
    create_account(engine, "twice@example.com")
    sign_in(client, "twice@example.com")
    first = client.cookies.get(SESSION_COOKIE)
    # Signed in already, the same browser signs in again (the form is posted from another page).
    again = submit(
        client, "/account", "/signin", {"email": "twice@example.com", "password": PASSWORD}
    )
    assert again.status_code == 303
    second = client.cookies.get(SESSION_COOKIE)
    assert first != second
    old = TestClient(app=app, cookies={SESSION_COOKIE: first})
    assert old.get("/account", follow_redirects=False).status_code == 303
    assert session_count(engine) == 1


def test_sign_out_kills_the_session_server_side(
    client: Client, engine: Engine, app: Litestar
) -> None:
    create_account(engine, "out@example.com")
    sign_in(client, "out@example.com")
    cookie = client.cookies.get(SESSION_COOKIE)
    response = submit(client, "/account", "/signout", {})
    assert response.status_code == 303 and response.headers["location"] == "/signin"
    replay = TestClient(app=app, cookies={SESSION_COOKIE: cookie})
    assert replay.get("/account", follow_redirects=False).status_code == 303
    assert session_count(engine) == 0
    assert "You are signed out." in client.get("/signin").text


def test_idle_and_expired_sessions_end(client: Client, engine: Engine) -> None:
    create_account(engine, "idle@example.com")
    sign_in(client, "idle@example.com")
    assert client.get("/account").status_code == 200
    with engine.begin() as conn:
        conn.execute(update(UserSession).values(last_seen_at=datetime.now(UTC) - timedelta(days=8)))
    assert client.get("/account", follow_redirects=False).status_code == 303

    sign_in(client, "idle@example.com")
    with engine.begin() as conn:
        conn.execute(
            update(UserSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_bcrypt_hashes_still_work_and_are_upgraded(client: Client, engine: Engine) -> None:
    with Session(engine) as session:
        session.add(
            User(email="old@example.com", password_hash=bcrypt.using(rounds=4).hash(PASSWORD))
        )
        session.commit()
    assert sign_in(client, "old@example.com").status_code == 303
    [user] = users(engine)
    assert user.password_hash.startswith("$argon2id$")


def test_long_passwords_are_never_truncated(client: Client, engine: Engine) -> None:
    long_password = "L0ng-" + "y" * 95  # 100 characters: past bcrypt's 72-byte limit
    submit(client, "/signup", "/signup", {"email": "long@example.com", "password": long_password})
    other = TestClient(app=client.app)
    assert sign_in(other, "long@example.com", long_password[:72]).status_code == 400
    assert sign_in(other, "long@example.com", long_password).status_code == 303


def test_five_failures_throttle_that_email(client: Client, engine: Engine) -> None:
    create_account(engine, "slow@example.com")
    create_account(engine, "other@example.com")
    for _ in range(5):
        assert sign_in(client, "slow@example.com", "not the password").status_code == 400
    blocked = sign_in(client, "SLOW@example.com")  # even the right password, in any case
    assert blocked.status_code == 429
    assert "Too many failed sign-ins" in blocked.text
    assert sign_in(client, "other@example.com").status_code == 303


def test_throttling_is_shared_by_app_processes(pg_db_url: str) -> None:
    first, second = (create_app(make_settings(pg_db_url)) for _ in range(2))
    create_account(first.state.engine, "shared@example.com")
    with TestClient(app=first) as a, TestClient(app=second) as b:
        for client in (a, b, a, b, a):
            assert sign_in(client, "shared@example.com", "nope nope nope").status_code == 400
        assert sign_in(b, "shared@example.com").status_code == 429


def test_a_session_made_by_one_process_is_honoured_by_another(pg_db_url: str) -> None:
    first, second = (create_app(make_settings(pg_db_url)) for _ in range(2))
    create_account(first.state.engine, "multi@example.com")
    with TestClient(app=first) as a:
        sign_in(a, "multi@example.com")
        cookie = a.cookies.get(SESSION_COOKIE)
    with TestClient(app=second, cookies={SESSION_COOKIE: cookie}) as b:
        page = b.get("/account")
    assert page.status_code == 200 and "multi@example.com" in page.text


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@pytest.fixture
def mail_app(db_url: str, outbox: Path) -> Litestar:
    return create_app(make_settings(db_url, mail_outbox_dir=str(outbox)))


def reset_link(outbox: Path) -> str:
    [path] = list(outbox.glob("*.eml"))
    mail = message_from_bytes(path.read_bytes(), policy=default_policy)
    body = mail.get_content()  # type: ignore[attr-defined]
    match = re.search(r"http://testserver\.local(/password/reset/\S+)", body)
    assert match
    return match.group(1)


def test_forgot_password_answers_the_same_whether_or_not_the_email_exists(
    mail_app: Litestar, outbox: Path
) -> None:
    create_account(mail_app.state.engine, "here@example.com")
    with TestClient(app=mail_app) as client:
        known = submit(
            client, "/password/forgot", "/password/forgot", {"email": "here@example.com"}
        )
        unknown = submit(
            client, "/password/forgot", "/password/forgot", {"email": "gone@example.com"}
        )
    strip = lambda html: re.sub(r'value="[0-9a-f]{64}"|"X-CSRFToken": "[0-9a-f]*"', "", html)  # noqa: E731
    assert known.status_code == unknown.status_code == 200
    assert strip(known.text) == strip(unknown.text)
    [mail] = list(outbox.glob("*.eml"))
    assert "To: here@example.com" in mail.read_text()


def test_reset_sets_the_password_ends_every_session_and_dies_once_used(
    mail_app: Litestar, outbox: Path
) -> None:
    engine = mail_app.state.engine
    create_account(engine, "reset@example.com")
    with TestClient(app=mail_app) as elsewhere, TestClient(app=mail_app) as client:
        sign_in(elsewhere, "reset@example.com")
        submit(client, "/password/forgot", "/password/forgot", {"email": "reset@example.com"})
        link = reset_link(outbox)
        assert client.get(link).status_code == 200

        weak = submit(client, link, link, {"new_password": "password"})
        assert weak.status_code == 400 and "too common" in weak.text

        done = submit(client, link, link, {"new_password": "brand-New-secret-77"})
        assert done.status_code == 303 and done.headers["location"] == "/signin"
        assert elsewhere.get("/account", follow_redirects=False).status_code == 303
        assert session_count(engine) == 0
        assert sign_in(client, "reset@example.com").status_code == 400
        assert sign_in(client, "reset@example.com", "brand-New-secret-77").status_code == 303

        again = client.get(link)
        assert again.status_code == 400 and "no longer works" in again.text


def test_reset_links_expire_after_an_hour(client: Client, engine: Engine) -> None:
    user = create_account(engine, "late@example.com")

    class SignedAnHourAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 3601

    late = URLSafeTimedSerializer(
        TEST_SECRET, salt="taskwise.password-reset", signer=SignedAnHourAgo
    ).dumps({"u": str(user.id), "p": security.fingerprint(user.password_hash)})
    assert client.get(f"/password/reset/{late}").status_code == 400
    forged = URLSafeTimedSerializer("another-secret", salt="taskwise.password-reset").dumps(
        {"u": str(user.id), "p": security.fingerprint(user.password_hash)}
    )
    assert client.get(f"/password/reset/{forged}").status_code == 400


def test_reset_links_die_when_the_password_changes(mail_app: Litestar, outbox: Path) -> None:
    create_account(mail_app.state.engine, "change@example.com")
    with TestClient(app=mail_app) as client:
        submit(client, "/password/forgot", "/password/forgot", {"email": "change@example.com"})
        link = reset_link(outbox)
        sign_in(client, "change@example.com")
        changed = submit(
            client,
            "/account",
            "/account/password",
            {"current_password": PASSWORD, "new_password": "fresh-Secret-123"},
        )
        assert changed.status_code == 303
        assert client.get(link).status_code == 400


def test_the_csrf_token_changes_at_sign_in(client: Client, engine: Engine) -> None:
    create_account(engine, "tok@example.com")
    before = csrf_token(client.get("/signin").text)
    sign_in(client, "tok@example.com")
    after = csrf_token(client.get("/account").text)
    assert before != after

"""CSRF on every unsafe request, security headers on every page, bounded bodies."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.models import User
from tests.web import create_account, csrf_token, sign_in, submit

Client = TestClient[Litestar]


def name_of(engine: Engine, email: str) -> str | None:
    with Session(engine) as session:
        return session.scalars(select(User.name).where(User.email == email)).first()


@pytest.fixture
def signed_in(client: Client, engine: Engine) -> Client:
    create_account(engine, "me@example.com", name="Before")
    assert sign_in(client, "me@example.com").status_code == 303
    return client


PROFILE = {"name": "After", "timezone": "Europe/Paris", "theme": "dark"}


def test_a_form_without_its_token_is_refused(signed_in: Client, engine: Engine) -> None:
    response = signed_in.post("/account", data=PROFILE, follow_redirects=False)
    assert response.status_code == 403
    assert "expired" in response.text
    assert name_of(engine, "me@example.com") == "Before"


def test_a_token_from_another_session_is_refused(
    signed_in: Client, engine: Engine, new_client: object
) -> None:
    create_account(engine, "them@example.com")
    other = new_client()  # type: ignore[operator]
    sign_in(other, "them@example.com")
    their_token = csrf_token(other.get("/account").text)
    response = signed_in.post("/account", data={"_csrf_token": their_token, **PROFILE})
    assert response.status_code == 403
    assert name_of(engine, "me@example.com") == "Before"


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example.com"},
        {"Origin": "null"},
        {"Referer": "https://evil.example.com/page"},
    ],
)
def test_a_foreign_origin_is_refused_even_with_a_valid_token(
    signed_in: Client, engine: Engine, headers: dict[str, str]
) -> None:
    response = submit(signed_in, "/account", "/account", PROFILE, headers=headers)
    assert response.status_code == 403
    assert name_of(engine, "me@example.com") == "Before"


def test_same_origin_forms_and_the_htmx_header_are_accepted(
    signed_in: Client, engine: Engine
) -> None:
    same = submit(
        signed_in, "/account", "/account", PROFILE, headers={"Origin": "http://testserver.local"}
    )
    assert same.status_code == 303
    assert name_of(engine, "me@example.com") == "After"

    token = csrf_token(signed_in.get("/account").text)
    body = signed_in.get("/account").text
    assert f'hx-headers=\'{{"X-CSRFToken": "{token}"}}\'' in body
    via_header = signed_in.post(
        "/account",
        data=PROFILE | {"name": "Header"},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
        follow_redirects=False,
    )
    assert via_header.status_code == 303
    assert name_of(engine, "me@example.com") == "Header"


def test_sign_in_forms_need_a_token_too(client: Client, engine: Engine) -> None:
    create_account(engine, "login@example.com")
    client.get("/signin")
    forged = client.post(
        "/signin",
        data={"email": "login@example.com", "password": "correct horse battery staple"},
        follow_redirects=False,
    )
    assert forged.status_code == 403


@pytest.mark.parametrize(
    "path", ["/signin", "/signup", "/password/forgot", "/account", "/no-such-page", "/health/db"]
)
def test_security_headers_on_every_page(signed_in: Client, path: str) -> None:
    response = signed_in.get(path)
    if path != "/health/db":
        assert response.headers["content-type"] == "text/html; charset=utf-8"
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_script(client: Client) -> None:
    for path in ("/signin", "/signup", "/password/forgot"):
        html = client.get(path).text
        assert "<script>" not in html and "onclick" not in html.lower()


def test_oversized_forms_get_413_and_change_nothing(signed_in: Client, engine: Engine) -> None:
    token = csrf_token(signed_in.get("/account").text)
    response = signed_in.post(
        "/account", data={"_csrf_token": token, **PROFILE, "name": "x" * (1024 * 1024)}
    )
    assert response.status_code == 413
    assert name_of(engine, "me@example.com") == "Before"

"""Driving the app as a browser would: read the form's CSRF token, post the form, follow along."""

from __future__ import annotations

import re
from typing import Any

from httpx import Response
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.models import User
from app.security import hash_password

PASSWORD = "correct horse battery staple"
Client = TestClient[Litestar]


def csrf_token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def submit(
    client: Client, page: str, action: str, fields: dict[str, Any], **kwargs: Any
) -> Response:
    """GET `page`, then POST its form to `action` with the page's CSRF token added."""
    token = csrf_token(client.get(page).text)
    return client.post(
        action, data={"_csrf_token": token, **fields}, follow_redirects=False, **kwargs
    )


def create_account(engine: Engine, email: str, password: str = PASSWORD, **fields: Any) -> User:
    with Session(engine, expire_on_commit=False) as session:
        user = User(email=email, password_hash=hash_password(password), **fields)
        session.add(user)
        session.commit()
        return user


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra: str) -> Response:
    response = submit(client, "/signin", "/signin", {"email": email, "password": password, **extra})
    assert response.status_code in {303, 400, 429}, response.text
    return response

"""The floor of SPEC §12: the least a server can do to answer the signed-in task list.

A bare ASGI callable, served by the same uvicorn as Taskwise: it checks the signed session
cookie (itsdangerous, the app's own salt) against the sessions table, runs the default
view's count and page queries with raw psycopg2, and formats the 20 rows with f-strings.
No framework, no ORM, no templates. Run by bench/serve.py as `uvicorn bench.floor:app`.
"""

from __future__ import annotations

import hashlib
import os
from html import escape
from typing import Any

import psycopg2
from itsdangerous import BadSignature, Signer

SESSION_COOKIE = "taskwise_session"
_signer = Signer(os.environ["SECRET_KEY"], salt="taskwise.session-cookie")
_conn = psycopg2.connect(os.environ["DATABASE_URL"])
_conn.autocommit = True

USER_OF_SESSION = """
    SELECT user_id FROM sessions WHERE token_hash = %s AND expires_at > now()
"""
COUNT = """
    SELECT count(*) FROM tasks
    WHERE user_id = %s AND deleted_at IS NULL AND status = 'pending'
"""
PAGE = """
    SELECT id, title, priority, due_date, due_time FROM tasks
    WHERE user_id = %s AND deleted_at IS NULL AND status = 'pending'
    ORDER BY due_date ASC NULLS LAST, due_time ASC NULLS LAST, id ASC
    LIMIT 20
"""


def _cookie(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, val = part.strip().partition("=")
                if key == SESSION_COOKIE:
                    return val.strip('"')
    return None


def _page(user_id: Any) -> bytes:
    with _conn.cursor() as cur:
        cur.execute(COUNT, (user_id,))
        (total,) = cur.fetchone()
        cur.execute(PAGE, (user_id,))
        rows = cur.fetchall()
    items = "".join(
        f'<li id="task-{id_}" data-priority="{priority}" data-due="{due or ""}">'
        f'<a href="/tasks/{id_}">{escape(title)}</a> {priority} {due or ""} {time or ""}</li>'
        for id_, title, priority, due, time in rows
    )
    return (
        f'<!doctype html><html><body><section id="task-list" data-total="{total}">'
        f"<ul>{items}</ul></section></body></html>"
    ).encode()


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    user_id = None
    raw = _cookie(scope["headers"])
    if raw:
        try:
            token = _signer.unsign(raw).decode()
        except BadSignature:
            token = None
        if token:
            with _conn.cursor() as cur:
                cur.execute(USER_OF_SESSION, (hashlib.sha256(token.encode()).hexdigest(),))
                row = cur.fetchone()
                user_id = row[0] if row else None
    if user_id is None:
        status, body = 303, b""
        headers = [(b"location", b"/signin")]
    else:
        status, body = 200, _page(user_id)
        headers = [(b"content-type", b"text/html; charset=utf-8")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

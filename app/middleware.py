"""Per-request ASGI plumbing: a request id with one log line, and the request's transaction."""

from __future__ import annotations

import json
import logging
import time

from litestar.middleware import ASGIMiddleware
from litestar.plugins.htmx import HTMXRequest
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from uuid_utils import uuid4

from app.db import finish, in_thread, new_session
from app.errors import DatabaseBehind, response_for
from app.redact import redact_path
from app.revision import SchemaGate

request_log = logging.getLogger("taskwise.request")

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]

DB_SESSION_KEY = "db_session"


async def add_security_headers(message: Message, scope: Scope) -> None:
    """Every response, error pages and static files included, carries the headers of SPEC §9."""
    if message["type"] == "http.response.start":
        message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]


class RequestLogMiddleware(ASGIMiddleware):
    """Give each request an id (echoed as X-Request-ID) and log one structured line for it."""

    scopes = ("http",)  # type: ignore[assignment]

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request_id = uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        started_response = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status, started_response = message["status"], True
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await next_app(scope, receive, send_with_id)
        except Exception as exc:
            # Raised outside any handler (e.g. the pool timed out in a middleware): answer
            # from the error table here, so that the status logged is the status sent.
            if started_response:
                raise
            await _send_error(scope, receive, send_with_id, exc)
        finally:
            request_log.info(
                json.dumps(
                    {
                        "method": scope.get("method", ""),
                        "path": redact_path(scope["path"]),  # no tokens or keys in logs
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                        "request_id": request_id,
                    }
                )
            )


class SchemaGateMiddleware(ASGIMiddleware):
    """503 on every page while the database is behind the code's migrations (SPEC §10);
    /health/db answers 503 itself, naming the cause."""

    scopes = ("http",)  # type: ignore[assignment]

    @staticmethod
    def should_bypass_for_scope(scope: Scope) -> bool:
        return scope["path"].startswith("/static/")

    def __init__(self, gate: SchemaGate) -> None:
        self.gate = gate

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        problem = await self.gate.current_problem()
        if problem and not scope["path"].startswith("/health/"):
            await _send_error(scope, receive, send, DatabaseBehind(problem))
            return
        await next_app(scope, receive, send)


class TransactionMiddleware(ASGIMiddleware):
    """One database session per request, committed once just before the response starts.

    A 2xx/3xx response commits and a 4xx/5xx one rolls back, so handlers never commit and a
    redirect after a POST keeps its write. The commit happens before any byte reaches the
    client: if it fails, the client gets a 503/409 instead of the success it would have seen.
    """

    scopes = ("http",)  # type: ignore[assignment]

    @staticmethod
    def should_bypass_for_scope(scope: Scope) -> bool:
        return scope["path"].startswith("/static/")  # static files never touch the database

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        session = new_session(self.engine)
        scope.setdefault("state", {})[DB_SESSION_KEY] = session
        finished = False
        replaced = False

        async def end_transaction(status: int) -> None:
            nonlocal finished
            finished = True
            if session.in_transaction():
                await in_thread(lambda: finish(session, success=status < 400))
            else:
                session.close()

        async def send_after_commit(message: Message) -> None:
            nonlocal replaced
            if replaced:
                return  # the original response was replaced by an error page
            if message["type"] == "http.response.start" and not finished:
                try:
                    await end_transaction(message["status"])
                except SQLAlchemyError as exc:
                    replaced = True
                    await _send_error(scope, receive, send, exc)
                    return
            await send(message)

        try:
            await next_app(scope, receive, send_after_commit)
        finally:
            if not finished:  # no response was started (e.g. the client went away)
                await in_thread(lambda: finish(session, success=False))


async def _send_error(scope: Scope, receive: Receive, send: Send, exc: Exception) -> None:
    request = HTMXRequest(scope, receive)
    response = response_for(request, exc)
    await response.to_asgi_response(app=None, request=request)(scope, receive, send)

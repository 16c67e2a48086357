"""Every exception mapped to a response in one table: a full page, or a fragment for htmx."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy import inspect
from sqlalchemy.exc import DataError, DisconnectionError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from app.pages import url_for, wants_fragment
from app.redact import redact_path
from app.security import HashingBusy

log = logging.getLogger("taskwise.errors")


class LoginRequired(NotAuthorizedException):
    """Not signed in, on a route that needs it: sent to the sign-in page (401 for htmx)."""


class Conflict(HTTPException):
    """The request collides with the current state (a duplicate, a stale version)."""

    status_code = 409
    detail = "That conflicts with a change made elsewhere."


class DatabaseBehind(Exception):
    """The database is not migrated to the code's head; the message names the command."""


@dataclass(frozen=True)
class ErrorPage:
    title: str
    message: str


PAGES: dict[int, ErrorPage] = {
    400: ErrorPage("Bad request", "Something in that request was not valid."),
    401: ErrorPage("Please sign in", "You need to be signed in to see this page."),
    403: ErrorPage("Not allowed", "That request was refused. Reload the page and try again."),
    404: ErrorPage("Not found", "There is nothing here, or it is not yours to see."),
    405: ErrorPage("Not allowed", "That method is not allowed here."),
    409: ErrorPage("Conflict", "That conflicts with a change made elsewhere. Reload and retry."),
    413: ErrorPage("Too large", "That request is too large."),
    429: ErrorPage("Too many attempts", "Too many attempts. Please wait a little and retry."),
    500: ErrorPage("Something went wrong", "An unexpected error happened on our side."),
    503: ErrorPage(
        "Temporarily unavailable",
        "Taskwise cannot reach its database right now. Please try again in a few seconds.",
    ),
}

# The only statuses whose detail text came from our own code and is safe and useful to show.
_SHOW_DETAIL = frozenset({400, 403, 404, 409, 413, 429})


def request_id_of(request: HTMXRequest) -> str:
    return str(request.scope.get("state", {}).get("request_id", "-"))


def error_response(
    request: HTMXRequest,
    status: int,
    *,
    detail: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    page = PAGES.get(status) or PAGES[500 if status >= 500 else 400]
    context = {
        "status": status,
        "title": page.title,
        "message": detail or page.message,
        "request_id": request_id_of(request),
        **_header_context(request),
    }
    template = "errors/_message.html" if wants_fragment(request) else "errors/page.html"
    return Template(
        template,
        context=context,
        status_code=status,
        headers=headers or {},
        media_type=MediaType.HTML,
    )


def _header_context(request: HTMXRequest) -> dict[str, Any]:
    """What base.html's header needs. A route's own errors know the user (the auth middleware
    ran); a path that matches no route never reached it, so a validly signed session cookie
    stands for "signed in": its header then links the signed-in pages (a revoked session
    just meets the sign-in page there), and its sign-out form gets the session's CSRF token."""
    from app.auth.sessions import SESSION_COOKIE  # a cycle at import time otherwise

    scope = request.scope
    state = scope.get("state", {})
    user = scope.get("user")
    signed_in = user is not None
    if user is not None and inspect(user).unloaded:
        # Its transaction failed (the database went away at commit): the session expired the
        # user's attributes, and reading one would go back to the database. Signed in still.
        user = None
    context: dict[str, Any] = {
        "user": user,
        "theme": user.theme if user else "system",
        "csrf_token": state.get("csrf_token", ""),
        "request_path": request.url.path,
        "signed_in": signed_in,
    }
    if user is None and "user" not in scope:
        signing = request.app.state.signing
        token = signing.unsign_cookie(request.cookies.get(SESSION_COOKIE))
        if token:
            context |= {"signed_in": True, "csrf_token": signing.csrf_token(token)}
    return context


def _http_error(request: HTMXRequest, exc: HTTPException) -> Response[Any]:
    detail = exc.detail if exc.status_code in _SHOW_DETAIL and exc.detail else None
    if detail == PAGES.get(exc.status_code, ErrorPage("", "")).title:
        detail = None
    if exc.status_code == 400 and detail and detail.startswith("Validation failed"):
        detail = None  # Litestar's own parameter errors name internals; our forms say more
    return error_response(request, exc.status_code, detail=detail, headers=exc.headers)


def _login_required(request: HTMXRequest, exc: LoginRequired) -> Response[Any]:
    """Not signed in: htmx is told where to go (401 + HX-Redirect); a browser is sent there."""
    signin = url_for(request, "auth:signin")
    if request.htmx:
        response = ClientRedirect(signin)  # HX-Redirect: a full page load of the sign-in page
        response.status_code = 401
        return response
    if request.method in {"GET", "HEAD"}:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"{signin}?next={quote(target, safe='/')}", status_code=303)
    return Redirect(signin, status_code=303)


def _hashing_busy(request: HTMXRequest, exc: HashingBusy) -> Response[Any]:
    log.warning("password hashing queue full request_id=%s", request_id_of(request))
    message = "Many people are signing in right now. Please try again in a moment."
    return error_response(request, 429, detail=message, headers={"Retry-After": "1"})


def _conflict(request: HTMXRequest, exc: Exception) -> Response[Any]:
    log.info("integrity conflict: %s", type(exc).__name__)
    return error_response(request, 409)


def _invalid_data(request: HTMXRequest, exc: Exception) -> Response[Any]:
    # Input outside a column's domain that validation should have caught first.
    log.warning("data refused by the database: %s", type(exc).__name__)
    return error_response(request, 400)


def _unavailable(request: HTMXRequest, exc: Exception) -> Response[Any]:
    # The message of a DBAPI error can carry the host and user: log only its class.
    log.warning(
        "database unavailable: %s request_id=%s", type(exc).__name__, request_id_of(request)
    )
    return error_response(request, 503, headers={"Retry-After": "5"})


def _database_behind(request: HTMXRequest, exc: DatabaseBehind) -> Response[Any]:
    # Logged once by the start-up check (app.revision), not on every page.
    return error_response(request, 503, detail=str(exc), headers={"Retry-After": "30"})


def _unexpected(request: HTMXRequest, exc: Exception) -> Response[Any]:
    log.error(
        "unhandled %s on %s %s request_id=%s",
        type(exc).__name__,
        request.method,
        redact_path(request.url.path),
        request_id_of(request),
        exc_info=exc,
    )
    return error_response(request, 500)


def response_for(request: HTMXRequest, exc: Exception) -> Response[Any]:
    """The response for any exception by the table below, for use outside Litestar's handlers."""
    for exc_type, handler in EXCEPTION_HANDLERS.items():
        if isinstance(exc_type, type) and isinstance(exc, exc_type):
            response: Response[Any] = handler(request, exc)
            return response
    return _unexpected(request, exc)


# Order matters for response_for: the more specific classes come first.
EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {
    LoginRequired: _login_required,
    HashingBusy: _hashing_busy,
    DatabaseBehind: _database_behind,
    HTTPException: _http_error,
    IntegrityError: _conflict,
    DataError: _invalid_data,
    OperationalError: _unavailable,
    DisconnectionError: _unavailable,
    PoolTimeoutError: _unavailable,
    Exception: _unexpected,
}

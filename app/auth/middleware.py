"""Who is asking (the session cookie), and refusing cross-site or token-less unsafe requests."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from litestar.datastructures import Cookie
from litestar.middleware import ASGIMiddleware
from litestar.plugins.htmx import HTMXRequest
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlmodel import Session

from app.auth.guards import route_requires_login
from app.auth.sessions import ANON_COOKIE, SESSION_COOKIE, Authenticated, load_session
from app.config import Settings
from app.db import in_thread
from app.errors import error_response
from app.middleware import DB_SESSION_KEY
from app.pages import site_cookie
from app.security import Signing, new_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "_csrf_token"
CSRF_HEADER = "x-csrftoken"


class AuthMiddleware(ASGIMiddleware):
    """Loads the signed-in user into scope state and enforces CSRF on unsafe requests.

    The CSRF token is an HMAC of the session token, so it is tied to the session and changes
    at every sign-in. Before signing in, it is tied to an anonymous random cookie instead.
    """

    scopes = ("http",)  # type: ignore[assignment]

    @staticmethod
    def should_bypass_for_scope(scope: Scope) -> bool:
        return scope["path"].startswith(("/static/", "/health/"))

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request = HTMXRequest(scope, receive)
        settings: Settings = request.app.state.settings
        signing: Signing = request.app.state.signing
        state = scope["state"]

        token = signing.unsign_cookie(request.cookies.get(SESSION_COOKIE))
        auth = None
        if token:
            db = state[DB_SESSION_KEY]
            now = request.app.state.clock()
            auth = await in_thread(lambda: _load_and_release(db, token, now))
        scope["auth"] = auth  # the session (Authenticated) or None: see app.auth.guards
        scope["user"] = auth.user if auth else None

        anon_cookie: Cookie | None = None
        binding = auth.token if auth else signing.unsign_cookie(request.cookies.get(ANON_COOKIE))
        if binding is None:
            binding = new_token()
            anon_cookie = site_cookie(settings, ANON_COOKIE, signing.sign_cookie(binding))
        state["csrf_token"] = signing.csrf_token(binding)

        if request.method not in SAFE_METHODS and (
            auth is not None or not route_requires_login(scope["route_handler"])
        ):
            problem = await _csrf_problem(request, signing, binding)
            if problem:
                response = error_response(request, 403, detail=problem)
                await response.to_asgi_response(app=None, request=request)(scope, receive, send)
                return

        if anon_cookie is None:
            await next_app(scope, receive, send)
            return
        set_cookie = anon_cookie.to_encoded_header()

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), set_cookie]
            await send(message)

        await next_app(scope, receive, send_with_cookie)


def _load_and_release(db: Session, token: str, now: datetime) -> Authenticated | None:
    """The session of the cookie; the lookup (and its last-seen touch) commits at once, so
    the request holds no pooled connection while it waits for a worker thread."""
    auth = load_session(db, token, now=now)
    db.commit()
    return auth


async def _csrf_problem(request: HTMXRequest, signing: Signing, binding: str) -> str | None:
    if not _same_site(request):
        return "Cross-site requests are not allowed."
    submitted = request.headers.get(CSRF_HEADER)
    if not submitted:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            submitted = value if isinstance(value, str) else None
    if not signing.csrf_valid(binding, submitted):
        return "This form has expired. Reload the page and try again."
    return None


def _same_site(request: HTMXRequest) -> bool:
    """An Origin (or, without one, a Referer) naming another site is refused. This site is
    the public address (BASE_URL), or the Host the request names (a proxy may pass its own)."""
    settings: Settings = request.app.state.settings
    ours = {request.headers.get("host", "").lower(), urlsplit(settings.base_url).netloc.lower()}
    origin = request.headers.get("origin")
    if origin is not None:
        return origin != "null" and urlsplit(origin).netloc.lower() in ours
    referer = request.headers.get("referer")
    return not referer or urlsplit(referer).netloc.lower() in ours

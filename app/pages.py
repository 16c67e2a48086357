"""Rendering pages: the context every template gets, flash messages, and safe redirects."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from itsdangerous import BadSignature
from litestar import MediaType
from litestar.datastructures import Cookie
from litestar.plugins.htmx import HTMXHeaders, HTMXRequest, HTMXTemplate, PushUrlType, ReSwapMethod
from litestar.response import Redirect
from markupsafe import Markup, escape

from app.config import Settings
from app.models import User
from app.security import PasswordHashing, Signing

FLASH_COOKIE = "taskwise_flash"


@dataclass(frozen=True)
class Flash:
    """A message for the next page (or the list just re-rendered): its text, and optionally
    an Undo (a signed token the Undo form posts back) and a link to where something went."""

    text: str
    undo: str | None = None
    link: str | None = None
    link_text: str | None = None

    @classmethod
    def of(cls, value: object) -> Flash | None:
        if isinstance(value, str):
            return cls(value)
        if isinstance(value, dict) and isinstance(value.get("text"), str):
            fields = ("undo", "link", "link_text")
            extra = {k: str(value[k]) for k in fields if isinstance(value.get(k), str)}
            return cls(value["text"], **extra)
        return None

    def __str__(self) -> str:
        return self.text


def settings_of(request: HTMXRequest) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def signing_of(request: HTMXRequest) -> Signing:
    signing: Signing = request.app.state.signing
    return signing


def hashing_of(request: HTMXRequest) -> PasswordHashing:
    hashing: PasswordHashing = request.app.state.hashing
    return hashing


def now_of(request: HTMXRequest) -> datetime:
    """The current moment from the app's one injectable clock (tests pin it)."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def user_of(request: HTMXRequest) -> User | None:
    """The signed-in user, put in the scope by the auth middleware (None when signed out).
    Handlers take the `user: User` dependency instead; this serves pages shown to anyone."""
    user: User | None = request.scope.get("user")
    return user


def client_address(request: HTMXRequest) -> str | None:
    """The client's address (a trusted proxy's X-Forwarded-For, per uvicorn), for throttles."""
    return request.client.host if request.client else None


def url_for(request: HTMXRequest, name: str, **path_parameters: Any) -> str:
    """The path of a named route, as templates get it from `url_for`."""
    return request.app.route_reverse(name, **path_parameters)


_NIL = uuid.UUID(int=0)


def url_pattern(request: HTMXRequest, name: str, parameter: str) -> str:
    """A route's path with `{}` in place of its one UUID parameter: reversed once for a page
    of rows, then `pattern.format(id)` per row (route_reverse was a third of a list's
    rendering time when called for every link of every row)."""
    return url_for(request, name, **{parameter: _NIL}).replace(str(_NIL), "{}")


def wants_fragment(request: HTMXRequest) -> bool:
    """The one page-or-fragment rule: htmx gets a fragment, except when it restores history,
    which needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def render(
    request: HTMXRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    push_url: PushUrlType | None = None,
    replace_url: str | None = None,
    re_target: str | None = None,
    re_swap: ReSwapMethod | None = None,
) -> HTMXTemplate:
    """A page or fragment with the common context: user, CSRF token, theme, pending flashes;
    `push_url` (or `replace_url`), `re_target` and `re_swap` become htmx's response headers."""
    user = user_of(request)
    # Only pages show flashes (base.html); a partial must not consume one meant for a page.
    is_partial = template.rsplit("/", 1)[-1].startswith("_")
    flashes = [] if is_partial else _read_flashes(request)
    full_context = {
        "user": user,
        "csrf_token": request.scope["state"].get("csrf_token", ""),
        "theme": user.theme if user else "system",
        "flashes": flashes,
        "request_path": request.url.path,
        "request_url": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **(context or {}),
    }
    cookies = [expired_cookie(settings_of(request), FLASH_COOKIE)] if flashes else []
    # HTMXTemplate sets every htmx header but this one (its ReplaceUrl is a plain response).
    replace = {HTMXHeaders.REPLACE_URL.value: replace_url} if replace_url else {}
    return HTMXTemplate(
        template_name=template,
        context=full_context,
        status_code=status,
        headers=(headers or {}) | replace,
        cookies=cookies,
        media_type=MediaType.HTML,  # whatever the handler's return annotation suggests
        push_url=push_url,
        re_target=re_target,
        re_swap=re_swap,
    )


def redirect(
    request: HTMXRequest,
    url: str,
    *,
    flash: str | Flash | None = None,
    cookies: list[Cookie] | None = None,
) -> Redirect:
    """303 See Other (post/redirect/get), optionally carrying a message for the next page."""
    all_cookies = list(cookies or [])
    if flash:
        message = flash if isinstance(flash, str) else asdict(flash)
        signed = signing_of(request).flash.dumps([message])
        all_cookies.append(site_cookie(settings_of(request), FLASH_COOKIE, signed, max_age=300))
    return Redirect(url, status_code=303, cookies=all_cookies)


def site_cookie(settings: Settings, key: str, value: str, *, max_age: int | None = None) -> Cookie:
    """Every cookie Taskwise sets: HttpOnly, SameSite=Lax, site-wide, Secure when configured."""
    return Cookie(
        key=key,
        value=value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def expired_cookie(settings: Settings, key: str) -> Cookie:
    return site_cookie(settings, key, "", max_age=0)


def safe_next(value: str | None, default: str) -> str:
    """`next` only ever leads to a path on this site: no //host, scheme or backslash trick."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def _read_flashes(request: HTMXRequest) -> list[Flash]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    try:
        messages = signing_of(request).flash.loads(raw)
    except BadSignature:
        return []
    if not isinstance(messages, list):
        return []
    return [flash for m in messages[:5] if (flash := Flash.of(m)) is not None]


# http(s) links in user text, up to the first space or angle bracket; trailing punctuation
# belongs to the sentence, not the link.
_LINK = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:!?)]}"


def linkify(text: str) -> Markup:
    """User text with its http(s) URLs made links: everything escaped first, and each link
    opens outside the app without a referrer or the page's opener."""
    parts: list[str] = []
    last = 0
    for match in _LINK.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        end = match.start() + len(url)
        parts.append(escape(text[last : match.start()]))
        parts.append(
            Markup('<a href="{0}" rel="noopener noreferrer nofollow ugc">{0}</a>').format(url)
        )
        last = end
    parts.append(escape(text[last:]))
    return Markup("").join(parts)

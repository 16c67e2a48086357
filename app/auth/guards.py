"""Who may call a route: the login guard, and the signed-in user as a dependency.

The auth middleware puts the user in `scope["user"]` and their session in `scope["auth"]`
(None when signed out): that is the one home of the auth state. Handlers never read it:
they declare `user: CurrentUser` (or `signed_in: SignedIn`) and the providers below fill it.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias

from litestar.connection import ASGIConnection
from litestar.di import Dependency
from litestar.handlers.base import BaseRouteHandler
from litestar.plugins.htmx import HTMXRequest

from app.auth.sessions import Authenticated
from app.errors import LoginRequired
from app.models import User
from app.pages import user_of

# Handler parameters: `user: CurrentUser` and `signed_in: SignedIn` (see app.main).
CurrentUser: TypeAlias = Annotated[User, Dependency(kind="named")]
SignedIn: TypeAlias = Annotated[Authenticated, Dependency(kind="named")]
# On pages anyone may open (sign-in, sign-up): who is signed in, if anyone.
MaybeSignedIn: TypeAlias = Annotated[Authenticated | None, Dependency(kind="named")]


def requires_login(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if connection.scope.get("user") is None:
        raise LoginRequired()


def route_requires_login(handler: BaseRouteHandler) -> bool:
    # The guards as declared (resolve_guards() returns them wrapped for async calls).
    return any(requires_login in (layer.guards or []) for layer in handler.ownership_layers)


def provide_user(request: HTMXRequest) -> User:
    """The `user` dependency: the signed-in user (routes behind requires_login only)."""
    user = user_of(request)
    if user is None:
        raise LoginRequired()
    return user


def provide_maybe_signed_in(request: HTMXRequest) -> Authenticated | None:
    """The `maybe_signed_in` dependency: the session, or None when signed out."""
    auth: Authenticated | None = request.scope.get("auth")
    return auth


def provide_signed_in(request: HTMXRequest) -> Authenticated:
    """The `signed_in` dependency: the session itself, for routes that end or keep it."""
    auth = provide_maybe_signed_in(request)
    if auth is None:
        raise LoginRequired()
    return auth

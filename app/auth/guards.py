"""The login guard: unauthenticated requests go to the sign-in page (or get 401 for htmx)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler


class LoginRequired(NotAuthorizedException):
    """Raised by requires_login; app.errors turns it into a redirect to /signin."""


def requires_login(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if connection.scope.get("state", {}).get("auth") is None:
        raise LoginRequired()


def route_requires_login(handler: BaseRouteHandler) -> bool:
    # The guards as declared (resolve_guards() returns them wrapped for async calls).
    return any(requires_login in (layer.guards or []) for layer in handler.ownership_layers)

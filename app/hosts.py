"""Requests must name one of ALLOWED_HOSTS (SPEC §2): Litestar's allowed-hosts check, port-aware.

Litestar 2.22–2.25 matches the whole `Host` header, port included, so `Host: 127.0.0.1:8000`
fails against an allowed `127.0.0.1` (litestar-org/litestar#4869, fixed upstream by stripping the
port). Until a release carries the fix, this subclass strips the port before Litestar matches;
everything else — the matching rules, the 400 — is Litestar's own.
"""

from __future__ import annotations

import re

from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.middleware.allowed_hosts import AllowedHostsMiddleware
from litestar.middleware.base import DefineMiddleware
from litestar.types import Receive, Scope, Send

_HOST_AND_PORT = re.compile(r"(?:\[(?P<ipv6>[0-9a-fA-F:.]+)\]|(?P<name>[^:\[\]]+))(?::[0-9]{1,5})?")


def host_without_port(host: str) -> str | None:
    """`example.com:8000` → `example.com`, `[::1]:8000` → `::1` (as BASE_URL's host name
    and ALLOWED_HOSTS spell it); None when malformed."""
    match = _HOST_AND_PORT.fullmatch(host.strip())
    if match is None:
        return None
    return (match.group("ipv6") or match.group("name")).lower()


class PortAwareAllowedHostsMiddleware(AllowedHostsMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = MutableScopeHeaders(scope=scope)
        raw = headers.get("host")
        if raw is not None:
            bare = host_without_port(raw)
            if (
                bare is not None
                and self.allowed_hosts_regex is not None
                and self.allowed_hosts_regex.fullmatch(bare)
            ):
                await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)  # Litestar decides: 400 (or a www redirect)


def allowed_hosts_middleware(hosts: list[str]) -> DefineMiddleware:
    # /health/ builds no links and is probed by load balancers that name the machine's own
    # address (or, over HTTP/1.0, no host at all).
    config = AllowedHostsConfig(allowed_hosts=hosts, exclude=["^/health/"])
    return DefineMiddleware(PortAwareAllowedHostsMiddleware, config=config)

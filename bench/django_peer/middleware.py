"""Authentication by Taskwise's own session: the signed `taskwise_session` cookie (itsdangerous,
salt "taskwise.session-cookie") carries a random token whose sha256 is a row of `sessions`.
Sets `request.user` to the signed-in User, or None."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from itsdangerous import BadSignature, Signer

from bench.django_peer.models import User, UserSession

IDLE_TIMEOUT = timedelta(days=7)


class TaskwiseSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.signer = Signer(settings.TASKWISE_SECRET_KEY, salt="taskwise.session-cookie")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = self.user_of(request.COOKIES.get(settings.TASKWISE_SESSION_COOKIE))
        return self.get_response(request)

    def user_of(self, cookie: str | None) -> User | None:
        if not cookie:
            return None
        try:
            token = self.signer.unsign(cookie).decode()
        except BadSignature:
            return None
        now = timezone.now()
        session = (
            UserSession.objects.select_related("user")
            .filter(token_hash=hashlib.sha256(token.encode()).hexdigest(), expires_at__gt=now)
            .first()
        )
        if session is None or session.last_seen_at + IDLE_TIMEOUT <= now:
            return None
        return session.user

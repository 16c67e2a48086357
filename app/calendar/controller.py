"""GET /calendar/{token}.ics (no sign-in: the signed token is the key) and its settings."""

from __future__ import annotations

from litestar import Controller, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect

from app.auth.guards import CurrentUser, requires_login
from app.calendar.feed import build_feed, new_calendar_key, user_for_feed
from app.db import DbSession
from app.forms import FormData, field
from app.pages import now_of, redirect, signing_of, url_for


class CalendarController(Controller):
    @get("/calendar/{feed:str}", name="calendar:feed", sync_to_thread=True)
    def feed(self, request: HTMXRequest, db: DbSession, feed: FromPath[str]) -> Response[bytes]:
        user = None
        if feed.endswith(".ics"):
            user = user_for_feed(db, signing_of(request), feed.removesuffix(".ics"))
        if user is None:
            raise NotFoundException("No calendar here.")
        return Response(
            build_feed(db, user, now=now_of(request)),
            media_type="text/calendar; charset=utf-8",
            headers={"Cache-Control": "private, max-age=300"},
        )

    @post(
        "/account/calendar", name="calendar:settings", guards=[requires_login], sync_to_thread=True
    )
    def settings(self, request: HTMXRequest, user: CurrentUser, data: FormData) -> Redirect:
        """Create or regenerate the private URL (the old one stops working), or turn it off."""
        if field(data, "action") == "off":
            user.calendar_key = None
            message = "The calendar feed is off; its URL no longer works."
        else:
            user.calendar_key = new_calendar_key()
            message = "Your calendar feed has a new private URL; any older one no longer works."
        return redirect(request, url_for(request, "account:show"), flash=message)

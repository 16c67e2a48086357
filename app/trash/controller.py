"""GET /trash and POST /trash/empty (restoring lives with the task routes)."""

from __future__ import annotations

from datetime import timedelta

from litestar import Controller, get, post
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from app.auth.guards import CurrentUser, requires_login
from app.db import DbSession
from app.pages import now_of, redirect, render, url_for
from app.tasks import service
from app.tasks.queries import trashed_tasks


class TrashController(Controller):
    path = "/trash"
    guards = [requires_login]

    @get("/", name="trash:show", sync_to_thread=True)
    def show(self, request: HTMXRequest, db: DbSession, user: CurrentUser) -> Template:
        # Reads never write (SPEC §10): what is past 30 days is hidden here and deleted for
        # good by `python -m app purge-trash` on a schedule.
        since = now_of(request) - timedelta(days=service.TRASH_DAYS)
        context = {"tasks": trashed_tasks(db, user.id, since=since), "days": service.TRASH_DAYS}
        return render(request, "trash/index.html", context)

    @post("/empty", name="trash:empty", sync_to_thread=True)
    def empty(self, request: HTMXRequest, db: DbSession, user: CurrentUser) -> Redirect:
        count = service.empty_trash(db, owner_id=user.id)
        return redirect(
            request,
            url_for(request, "trash:show"),
            flash=f"Deleted {count} task{'' if count == 1 else 's'} for good.",
        )

"""GET /trash, restoring all of it, and emptying it after a confirmation page (restoring
one task lives with the task routes)."""

from __future__ import annotations

from datetime import timedelta

from litestar import Controller, get, post
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from app.auth.guards import CurrentUser, requires_login
from app.db import DbSession
from app.models import User
from app.pages import now_of, redirect, render, url_for
from app.tasks import service
from app.tasks.dates import LocalNow, moment_label
from app.tasks.queries import trashed_tasks


def trash_context(request: HTMXRequest, db: DbSession, user: User) -> dict[str, object]:
    # Reads never write (SPEC §10): what is past 30 days is hidden here and deleted for
    # good by `python -m app purge-trash` on a schedule.
    since = now_of(request) - timedelta(days=service.TRASH_DAYS)
    today = LocalNow.at(now_of(request), user.timezone).today
    rows = [
        (task, moment_label(task.deleted_at, user.timezone, today) if task.deleted_at else "")
        for task in trashed_tasks(db, user.id, since=since)
    ]
    return {"rows": rows, "days": service.TRASH_DAYS, "zone": user.timezone}


class TrashController(Controller):
    path = "/trash"
    guards = [requires_login]

    @get("/", name="trash:show", sync_to_thread=True)
    def show(self, request: HTMXRequest, db: DbSession, user: CurrentUser) -> Template:
        return render(request, "trash/index.html", trash_context(request, db, user))

    @get("/empty", name="trash:confirm-empty", sync_to_thread=True)
    def confirm_empty(self, request: HTMXRequest, db: DbSession, user: CurrentUser) -> Template:
        """The step before deleting for good: what will go, and the one button that does it."""
        return render(request, "trash/empty.html", trash_context(request, db, user))

    @post("/empty", name="trash:empty", sync_to_thread=True)
    def empty(self, request: HTMXRequest, db: DbSession, user: CurrentUser) -> Redirect:
        count = service.empty_trash(db, owner_id=user.id)
        return redirect(
            request,
            url_for(request, "trash:show"),
            flash=f"Deleted {count} task{'' if count == 1 else 's'} for good.",
        )

    @post("/restore-all", name="trash:restore-all", sync_to_thread=True)
    def restore_all(self, request: HTMXRequest, db: DbSession, user: CurrentUser) -> Redirect:
        since = now_of(request) - timedelta(days=service.TRASH_DAYS)
        count = service.restore_all(db, owner_id=user.id, since=since)
        return redirect(
            request,
            url_for(request, "trash:show"),
            flash=f"Restored {count} task{'' if count == 1 else 's'} to your list.",
        )

"""GET /trash and POST /trash/empty (restoring lives with the task routes)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlmodel import col

from app.auth.guards import requires_login
from app.db import DbSession
from app.models import Task
from app.pages import now_of, redirect, render, require_auth
from app.tasks import service
from app.tasks.queries import trash_of

TRASH_PAGE_SIZE = 200


class TrashController(Controller):
    path = "/trash"
    guards = [requires_login]

    @get("/", sync_to_thread=True)
    def show(self, request: Request[Any, Any, Any], db: DbSession) -> Template:
        user = require_auth(request).user
        service.purge_trash(db, now=now_of(request), owner_id=user.id)  # the 30 days, lazily
        tasks = db.scalars(
            trash_of(user.id)
            .order_by(col(Task.deleted_at).desc(), col(Task.id).desc())
            .limit(TRASH_PAGE_SIZE)
        ).all()
        context = {"tasks": tasks, "days": service.TRASH_DAYS}
        return render(request, "trash/index.html", context)

    @post("/empty", sync_to_thread=True)
    def empty(self, request: Request[Any, Any, Any], db: DbSession) -> Redirect:
        count = service.empty_trash(db, owner_id=require_auth(request).user.id)
        return redirect(
            request, "/trash", flash=f"Deleted {count} task{'' if count == 1 else 's'} for good."
        )

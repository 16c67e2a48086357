"""The task routes of SPEC §4: the list, create, view, edit, toggle, delete."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from app.auth.guards import requires_login
from app.db import DbSession
from app.errors import wants_fragment
from app.forms import FormData, field, parse_int
from app.models import VERSION_MAX, Priority, Recurrence, Task, User
from app.pages import now_of, redirect, render, require_auth, safe_next
from app.tasks import service
from app.tasks.dates import LocalNow
from app.tasks.forms import form_values, parse_task_form
from app.tasks.queries import (
    LIST_FIELDS,
    InvalidListParameter,
    ListParams,
    get_task,
    list_tasks,
    parse_list_params,
    row_of,
    tags_of,
)

VARY = {"Vary": "HX-Request"}
FORM_CHOICES = {
    "priorities": [p.value for p in Priority],
    "recurrences": [r.value for r in Recurrence],
}


def _uuid_or_none(raw: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def local_now(request: Request[Any, Any, Any], user: User) -> LocalNow:
    return LocalNow.at(now_of(request), user.timezone)


def task_values(task: Task, tags: list[str]) -> dict[str, str]:
    return {
        "title": task.title,
        "description": task.description or "",
        "priority": task.priority,
        "due_date": task.due_date.isoformat() if task.due_date else "",
        "due_time": task.due_time.strftime("%H:%M") if task.due_time else "",
        "tags": ", ".join(tags),
        "estimated_hours": str(task.estimated_hours or ""),
        "recurrence": task.recurrence,
    }


def form_response(
    request: Request[Any, Any, Any],
    *,
    task: Task | None,
    values: dict[str, str],
    errors: dict[str, str],
    status: int,
    form_error: str | None = None,
    version: int | str | None = None,
) -> Template:
    """The task form with messages: a full page, or for htmx the form swapped in place."""
    context = {
        "task": task,
        "values": values,
        "errors": errors,
        "form_error": form_error or ("Please correct the highlighted fields." if errors else None),
        "version": version if version is not None else (task.version if task else None),
        **FORM_CHOICES,
    }
    if wants_fragment(request):  # swapped in where the inline form was, and inline again
        target = f"#task-form-{task.id}" if task else "#new-task"
        headers = {"HX-Retarget": target, "HX-Reswap": "outerHTML", **VARY}
        context["inline"] = True
        return render(request, "tasks/_form.html", context, status=status, headers=headers)
    page = "tasks/edit.html" if task else "tasks/new.html"
    return render(request, page, context, status=status, headers=VARY)


def row_response(
    request: Request[Any, Any, Any], db: DbSession, *tasks: Task, **kw: Any
) -> Template:
    """The rows of these tasks, for htmx to swap in where the first one was."""
    now = local_now(request, require_auth(request).user)
    rows = [row_of(task, tags_of(db, task.id), now) for task in tasks]
    return render(request, "tasks/_rows.html", {"rows": rows}, headers=VARY, **kw)


def list_response(
    request: Request[Any, Any, Any],
    db: DbSession,
    params: ListParams,
    *,
    fragment: bool,
    flashes: list[str] | None = None,
) -> Template:
    """The list in a view: the whole page, or for htmx the #task-list fragment together with
    the view's canonical URL (defaults and empty fields left out) for the address bar."""
    user = require_auth(request).user
    page = list_tasks(db, user.id, params, local_now(request, user))
    context = {
        "page": page,
        "values": {},
        "errors": {},
        "list_flashes": flashes or [],
        **FORM_CHOICES,
    }
    if fragment:
        headers = {"HX-Push-Url": page.params.url(), **VARY}
        return render(request, "tasks/_list.html", context, headers=headers)
    return render(request, "tasks/index.html", context, headers=VARY)


class TaskController(Controller):
    path = "/tasks"
    guards = [requires_login]

    @get("/", sync_to_thread=True)
    def index(self, request: Request[Any, Any, Any], db: DbSession) -> Template:
        params = parse_list_params({k: v[-1] for k, v in request.query_params.dict().items()})
        return list_response(request, db, params, fragment=wants_fragment(request))

    @post("/bulk", sync_to_thread=True)
    def bulk(self, request: Request[Any, Any, Any], db: DbSession, data: FormData) -> Any:
        user = require_auth(request).user
        action = field(data, "action")
        if action not in service.BULK_ACTIONS:
            raise InvalidListParameter("Choose an action: complete, reopen or delete.")
        raw_ids = data.get("ids", [])
        ids = [_uuid_or_none(raw) for raw in (raw_ids if isinstance(raw_ids, list) else [raw_ids])]
        changed = service.bulk_update(
            db,
            owner_id=user.id,
            action=action,
            task_ids=[i for i in ids if i is not None],
            now=now_of(request),
        )
        done = {"complete": "completed", "reopen": "reopened", "delete": "moved to the Trash"}
        message = f"{changed} task{'' if changed == 1 else 's'} {done[action]}."
        if wants_fragment(request):  # the list as it now stands, in the view the form came from
            params = parse_list_params({k: field(data, k) for k in LIST_FIELDS if field(data, k)})
            return list_response(request, db, params, fragment=True, flashes=[message])
        return redirect(request, safe_next(field(data, "next")), flash=message)

    @post("/{task_id:uuid}/restore", sync_to_thread=True)
    def restore(
        self, request: Request[Any, Any, Any], db: DbSession, task_id: FromPath[uuid.UUID]
    ) -> Any:
        user = require_auth(request).user
        task = service.restore_task(db, owner_id=user.id, task_id=task_id)
        return redirect(request, "/trash", flash=f"Restored “{task.title}”.")

    @get("/new", sync_to_thread=False)
    def new(self, request: Request[Any, Any, Any]) -> Template:
        return form_response(request, task=None, values={}, errors={}, status=200)

    @post("/", sync_to_thread=True)
    def create(self, request: Request[Any, Any, Any], db: DbSession, data: FormData) -> Any:
        user = require_auth(request).user
        is_quick = "quick" in data and "title" not in data  # the quick-add form, even if empty
        quick = field(data, "quick")
        if is_quick:
            # Quick add: for now the whole line is the title (the grammar of SPEC §7 comes next).
            data = {"title": quick, "form_token": field(data, "form_token")}
        task_input, errors = parse_task_form(data)
        if errors and is_quick and wants_fragment(request):
            headers = {"HX-Retarget": "#quick-add", "HX-Reswap": "outerHTML", **VARY}
            context = {"quick": quick, "quick_error": errors.get("title", "Check this task.")}
            return render(request, "tasks/_quick_add.html", context, status=400, headers=headers)
        if errors:
            values = form_values(data)
            return form_response(request, task=None, values=values, errors=errors, status=400)
        task = service.create_task(
            db, owner_id=user.id, data=task_input, form_token=field(data, "form_token").strip()
        )
        if wants_fragment(request):
            return row_response(request, db, task, status=201)
        return redirect(request, "/tasks", flash=f"Added “{task.title}”.")

    @get("/{task_id:uuid}", sync_to_thread=True)
    def detail(
        self, request: Request[Any, Any, Any], db: DbSession, task_id: FromPath[uuid.UUID]
    ) -> Template:
        user = require_auth(request).user
        task = get_task(db, user.id, task_id)
        if wants_fragment(request):  # e.g. cancelling an inline edit puts the row back
            return row_response(request, db, task)
        row = row_of(task, tags_of(db, task.id), local_now(request, user))
        return render(request, "tasks/detail.html", {"row": row}, headers=VARY)

    @get("/{task_id:uuid}/edit", sync_to_thread=True)
    def edit_form(
        self, request: Request[Any, Any, Any], db: DbSession, task_id: FromPath[uuid.UUID]
    ) -> Template:
        user = require_auth(request).user
        task = get_task(db, user.id, task_id)
        values = task_values(task, tags_of(db, task.id))
        context = {
            "task": task,
            "values": values,
            "errors": {},
            "version": task.version,
            "form_error": None,
            **FORM_CHOICES,
        }
        template = "tasks/_edit_row.html" if wants_fragment(request) else "tasks/edit.html"
        return render(request, template, context, headers=VARY)

    @post("/{task_id:uuid}/edit", sync_to_thread=True)
    def edit(
        self,
        request: Request[Any, Any, Any],
        db: DbSession,
        task_id: FromPath[uuid.UUID],
        data: FormData,
    ) -> Any:
        user = require_auth(request).user
        task = get_task(db, user.id, task_id)
        task_input, errors = parse_task_form(data)
        version_raw = field(data, "version").strip()
        version = parse_int(version_raw, minimum=1, maximum=VERSION_MAX)
        if version is None:
            errors["version"] = "This form is missing its version; reload the task and retry."
        values = form_values(data)
        if errors or version is None:
            return form_response(
                request, task=task, values=values, errors=errors, status=400, version=version_raw
            )
        try:
            task = service.update_task(
                db, owner_id=user.id, task_id=task_id, version=version, data=task_input
            )
        except service.StaleVersion as stale:
            return form_response(
                request,
                task=task,
                values=values,
                errors={},
                status=409,
                form_error=stale.detail,
                version=version_raw,
            )
        if wants_fragment(request):
            return row_response(request, db, task)
        return redirect(request, f"/tasks/{task.id}", flash="Saved.")

    @post("/{task_id:uuid}/toggle", sync_to_thread=True)
    def toggle(
        self,
        request: Request[Any, Any, Any],
        db: DbSession,
        task_id: FromPath[uuid.UUID],
        data: FormData,
    ) -> Any:
        user = require_auth(request).user
        task, following = service.toggle_task(
            db, owner_id=user.id, task_id=task_id, now=now_of(request)
        )
        if wants_fragment(request):  # the next occurrence appears right below the completed one
            return row_response(request, db, task, *([following] if following else []))
        message = f"{'Completed' if task.status == 'completed' else 'Reopened'} “{task.title}”."
        if following and following.due_date:
            message += f" Next one due {following.due_date.isoformat()}."
        return redirect(request, safe_next(field(data, "next")), flash=message)

    @post("/{task_id:uuid}/delete", sync_to_thread=True)
    def delete(
        self,
        request: Request[Any, Any, Any],
        db: DbSession,
        task_id: FromPath[uuid.UUID],
        data: FormData,
    ) -> Any:
        user = require_auth(request).user
        service.trash_task(db, owner_id=user.id, task_id=task_id, now=now_of(request))
        if wants_fragment(request):
            return Response("", status_code=200, headers=VARY, media_type="text/html")
        return redirect(request, safe_next(field(data, "next")), flash="Moved to the Trash.")

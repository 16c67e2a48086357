"""The task routes of SPEC §4: the list, create, view, edit, toggle, delete."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from itsdangerous import BadSignature
from litestar import Controller, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from app.auth.guards import CurrentUser, requires_login
from app.db import DbSession
from app.forms import FormData, FormErrors, field, has_control_characters, parse_int
from app.models import VERSION_MAX, Priority, Task, TaskInput, User
from app.pages import (
    Flash,
    now_of,
    redirect,
    render,
    safe_next,
    signing_of,
    url_for,
    url_pattern,
    wants_fragment,
)
from app.tasks import quickadd, rules, service
from app.tasks.dates import LocalNow, day_label, in_zone, moment_label
from app.tasks.forms import form_values, parse_task_form
from app.tasks.listing import (
    LIST_FIELDS,
    Q_MAX,
    InvalidListParameter,
    ListParams,
    TaskPage,
    list_tasks,
    parse_list_params,
    row_of,
)
from app.tasks.queries import get_task, tags_of

VARY = {"Vary": "HX-Request"}
UNDO_MAX_AGE = 3600  # seconds an Undo button keeps working
ROW_ACTIONS = ("detail", "edit", "toggle", "delete")
FORM_CHOICES = {
    "priorities": [p.value for p in Priority],
    "recurrences": list(rules.PRESETS),  # offered beside the field; any rule may be typed
}
PRESET_OF_RULE = {rule: name for name, rule in rules.PRESETS.items() if rule}
QUICK_MAX = 1000  # a quick-add line (the title within it is at most TITLE_MAX)


def _uuid_or_none(raw: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def local_now(request: HTMXRequest, user: User) -> LocalNow:
    return LocalNow.at(now_of(request), user.timezone)


def read_task_form(
    request: HTMXRequest, user: User, data: FormData
) -> tuple[TaskInput, FormErrors]:
    """The task form, its repeat phrase's dates read on the user's day and in their order."""
    today = local_now(request, user).today
    return parse_task_form(data, today=today, date_order=user.date_order)


def read_quick_line(request: HTMXRequest, user: User, line: str) -> quickadd.Parsed:
    """A quick-add line read at the user's moment, in their time zone and date order."""
    if len(line) > QUICK_MAX:
        raise quickadd.QuickAddError(f"A quick-add line is at most {QUICK_MAX:,} characters.")
    if has_control_characters(line):
        raise quickadd.QuickAddError("The line contains characters that are not allowed.")
    if not line.strip():  # as the task form says it
        raise quickadd.QuickAddError("Title is required.")
    moment = in_zone(now_of(request), user.timezone)
    return quickadd.parse(line, moment, user.date_order)


def task_input_of(parsed: quickadd.Parsed) -> TaskInput:
    """The task a parsed quick-add line describes (priority medium unless it said one)."""
    return TaskInput(
        title=parsed.title,
        priority=parsed.priority or Priority.medium,
        due_date=parsed.due_date,
        due_time=parsed.due_time,
        tags=list(parsed.tags),
        estimated_hours=parsed.estimated_hours,
        recurrence=parsed.recurrence,
    )


def task_values(task: Task, tags: list[str]) -> dict[str, str]:
    return {
        "title": task.title,
        "description": task.description or "",
        "priority": task.priority,
        "due_date": task.due_date.isoformat() if task.due_date else "",
        "due_time": task.due_time.strftime("%H:%M") if task.due_time else "",
        "tags": ", ".join(tags),
        "estimated_hours": str(task.estimated_hours or ""),
        "recurrence": PRESET_OF_RULE.get(task.recurrence, task.recurrence),
    }


def form_response(
    request: HTMXRequest,
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
        context["inline"] = True
        return render(
            request,
            "tasks/_form.html",
            context,
            status=status,
            headers=VARY,
            re_target=f"#task-form-{task.id}" if task else "#new-task",
            re_swap="outerHTML",
        )
    page = "tasks/edit.html" if task else "tasks/new.html"
    return render(request, page, context, status=status, headers=VARY)


@dataclass(frozen=True)
class RowLinks:
    """The links of a task row: `{}` patterns built once per page (see url_pattern). Fields,
    not dict keys: a template's `links.toggle` on a dict first fails as an attribute, and that
    exception, five times a row, cost as much as the row's other lookups together."""

    detail: str
    edit: str
    toggle: str
    delete: str
    list: str


def row_links(request: HTMXRequest) -> RowLinks:
    patterns = {name: url_pattern(request, f"tasks:{name}", "task_id") for name in ROW_ACTIONS}
    return RowLinks(**patterns, list=url_for(request, "tasks:list"))


def row_response(
    request: HTMXRequest,
    db: DbSession,
    user: User,
    *tasks: Task,
    status: int = 200,
    added: str | None = None,
) -> Template:
    """The rows of these tasks, for htmx to swap in where the first one was; `added` says
    under the quick-add box what was created."""
    now = local_now(request, user)
    rows = [row_of(task, tags_of(db, user.id, task.id), now) for task in tasks]
    context = {"rows": rows, "links": row_links(request), "added": added}
    return render(request, "tasks/_rows.html", context, headers=VARY, status=status)


def list_response(
    request: HTMXRequest,
    db: DbSession,
    user: User,
    params: ListParams,
    *,
    fragment: bool,
    flashes: list[Flash] | None = None,
    page: TaskPage | None = None,
    status: int = 200,
    quick: dict[str, str] | None = None,
    in_place: bool = False,
    push: bool = True,
) -> Template:
    """The list in a view: the whole page, or for htmx the #task-list fragment together with
    the view's canonical URL (defaults and empty fields left out) for the address bar, pushed
    or (`push=False`) replaced; `in_place` swaps it for #task-list whatever fired."""
    page = page or list_tasks(db, user.id, params, local_now(request, user))
    context = {
        "page": page,
        "values": {},
        "errors": {},
        "list_flashes": flashes or [],
        "q_max": Q_MAX,
        "links": row_links(request),
        **FORM_CHOICES,
        **(quick or {}),  # a quick-add line refused without JavaScript, with its message
    }
    if fragment:
        url = page.params.url()
        return render(
            request,
            "tasks/_list.html",
            context,
            status=status,
            headers=VARY,
            push_url=url if push else None,
            replace_url=None if push else url,
            re_target="#task-list" if in_place else None,
            re_swap="outerHTML" if in_place else None,
        )
    return render(request, "tasks/index.html", context, headers=VARY, status=status)


def view_of(request: HTMXRequest, data: FormData) -> ListParams | None:
    """The list view an htmx action came from: its `view` field (the list's URL, which every
    list-page form includes), or the bulk form's own filter fields; None when it names none."""
    list_path = url_for(request, "tasks:list")
    view = field(data, "view").strip()
    try:
        if view:
            parts = urlsplit(view)
            if parts.path != list_path or parts.scheme or parts.netloc:
                return None
            return parse_list_params(dict(parse_qsl(parts.query)), path=list_path)
        if field(data, "status"):
            query = {k: field(data, k) for k in LIST_FIELDS if field(data, k)}
            return parse_list_params(query, path=list_path)
    except InvalidListParameter:
        return None
    return None


def changed_list(
    request: HTMXRequest,
    db: DbSession,
    user: User,
    view: ListParams,
    flash: Flash | None,
    *,
    status: int = 200,
    page: TaskPage | None = None,
    push: bool = False,
) -> Template:
    """After an htmx change, the whole list of the view it came from, re-rendered in place of
    #task-list: rows, tab counts, empty state, pager and "N tasks" all from one query, with
    the message (and its Undo) on top. The address bar follows if the page moved (replaced:
    a change is no step to go Back to; bulk has always pushed, and still does)."""
    return list_response(
        request,
        db,
        user,
        view,
        fragment=True,
        flashes=[flash] if flash else [],
        page=page,
        status=status,
        in_place=True,
        push=push,
    )


def undo_token(request: HTMXRequest, user: User, action: str, changed: service.Changed) -> str:
    """A signed note of what to reverse, for the Undo button (the server made it; the user
    cannot turn it into anything else)."""
    payload = {
        "user": user.id.hex,
        "action": service.UNDO_ACTIONS[action],
        "ids": [i.hex for i in changed.ids],
        "created": [i.hex for i in changed.created],
    }
    return str(signing_of(request).undo.dumps(payload))


def plural(count: int, word: str = "task") -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class TaskController(Controller):
    path = "/tasks"
    guards = [requires_login]

    @get("/", name="tasks:list", sync_to_thread=True)
    def index(self, request: HTMXRequest, db: DbSession, user: CurrentUser) -> Template:
        query = {k: v[-1] for k, v in request.query_params.dict().items()}
        params = parse_list_params(query, path=url_for(request, "tasks:list"))
        return list_response(request, db, user, params, fragment=wants_fragment(request))

    @post("/bulk", name="tasks:bulk", sync_to_thread=True)
    def bulk(self, request: HTMXRequest, db: DbSession, user: CurrentUser, data: FormData) -> Any:
        action = field(data, "action")
        if action not in service.BULK_ACTIONS:
            raise InvalidListParameter("Choose an action: complete, reopen or delete.")
        raw_ids = data.get("ids", [])
        raw_list = raw_ids if isinstance(raw_ids, list) else [raw_ids]
        if field(data, "select_all"):  # "all on this page" without JavaScript
            raw_list += field(data, "page_ids").split(",")
        ids = [i for raw in raw_list if (i := _uuid_or_none(raw)) is not None]
        changed = service.bulk_update(
            db, owner_id=user.id, action=action, task_ids=ids, now=now_of(request)
        )
        done = {"complete": "completed", "reopen": "reopened", "delete": "moved to the Trash"}
        if not ids:
            flash = Flash("Select at least one task first: nothing was changed.")
        elif not changed.ids:
            flash = Flash(f"Nothing to change: no selected task could be {done[action]}.")
        else:
            text = f"{plural(len(changed.ids))} {done[action]}."
            flash = Flash(text, undo=undo_token(request, user, action, changed))
        if wants_fragment(request) and (view := view_of(request, data)):
            return changed_list(request, db, user, view, flash, push=True)
        return redirect(request, _next(request, data), flash=flash)

    @post("/undo", name="tasks:undo", sync_to_thread=True)
    def undo(self, request: HTMXRequest, db: DbSession, user: CurrentUser, data: FormData) -> Any:
        try:
            note = signing_of(request).undo.loads(field(data, "undo"), max_age=UNDO_MAX_AGE)
        except BadSignature:
            raise InvalidListParameter("That Undo has expired; nothing was changed.") from None
        if not isinstance(note, dict) or note.get("user") != user.id.hex:
            raise NotFoundException("Nothing to undo here.")
        count = service.undo(
            db,
            owner_id=user.id,
            action=str(note.get("action")),
            task_ids=[uuid.UUID(i) for i in note.get("ids", [])],
            created=[uuid.UUID(i) for i in note.get("created", [])],
            now=now_of(request),
        )
        flash = Flash(f"Undone: {plural(count)} back as before.")
        if wants_fragment(request) and (view := view_of(request, data)):
            return changed_list(request, db, user, view, flash)
        return redirect(request, _next(request, data), flash=flash)

    @post("/{task_id:uuid}/restore", name="tasks:restore", sync_to_thread=True)
    def restore(
        self, request: HTMXRequest, db: DbSession, user: CurrentUser, task_id: FromPath[uuid.UUID]
    ) -> Any:
        task = service.restore_task(db, owner_id=user.id, task_id=task_id)
        return redirect(request, url_for(request, "trash:show"), flash=f"Restored “{task.title}”.")

    @get("/new", name="tasks:new", sync_to_thread=False)
    def new(self, request: HTMXRequest) -> Template:
        return form_response(request, task=None, values={}, errors={}, status=200)

    @post("/", name="tasks:create", sync_to_thread=True)
    def create(self, request: HTMXRequest, db: DbSession, user: CurrentUser, data: FormData) -> Any:
        form_token = field(data, "form_token").strip()
        view = view_of(request, data) if wants_fragment(request) else None
        if "quick" in data and "title" not in data:  # the quick-add form, even if empty
            return self._quick_add(request, db, user, field(data, "quick"), form_token, view)
        task_input, errors = read_task_form(request, user, data)
        if errors:
            values = form_values(data)
            return form_response(request, task=None, values=values, errors=errors, status=400)
        task = service.create_task(db, owner_id=user.id, data=task_input, form_token=form_token)
        return created(request, db, user, task, view, f"Added “{task.title}”.")

    def _quick_add(
        self,
        request: HTMXRequest,
        db: DbSession,
        user: User,
        line: str,
        form_token: str,
        view: ListParams | None,
    ) -> Any:
        """SPEC §7: one line, parsed on the server; the flash says what was understood."""
        try:
            parsed = read_quick_line(request, user, line)
        except quickadd.QuickAddError as error:
            context = {"quick": line, "quick_error": str(error)}
            if wants_fragment(request):
                return render(
                    request,
                    "tasks/_quick_add.html",
                    context,
                    status=400,
                    headers=VARY,
                    re_target="#quick-add",
                    re_swap="outerHTML",
                )
            params = parse_list_params({}, path=url_for(request, "tasks:list"))
            return list_response(
                request, db, user, params, fragment=False, status=400, quick=context
            )
        task = service.create_task(
            db, owner_id=user.id, data=task_input_of(parsed), form_token=form_token
        )
        # "Added “Call Mum”." for a plain title; what else was understood, when anything was.
        summary = quickadd.summary(parsed)
        message = f"Added: {summary}" if parsed.pieces else f"Added “{parsed.title}”."
        return created(request, db, user, task, view, message, quick=True)

    @get("/preview", name="tasks:preview", sync_to_thread=False)
    def preview(
        self, request: HTMXRequest, user: CurrentUser, quick: FromQuery[str] = ""
    ) -> Template:
        """SPEC §7: what a quick-add line would create, as chips; nothing is written."""
        if len(quick) > QUICK_MAX:
            raise InvalidListParameter(f"A quick-add line is at most {QUICK_MAX:,} characters.")
        context: dict[str, Any] = {"parsed": None, "problem": None, "line": quick}
        if quick.strip():
            try:
                context["parsed"] = read_quick_line(request, user, quick)
            except quickadd.QuickAddError as error:
                context["problem"] = str(error)
        return render(request, "tasks/_preview.html", context, headers=VARY)

    @get("/{task_id:uuid}", name="tasks:detail", sync_to_thread=True)
    def detail(
        self, request: HTMXRequest, db: DbSession, user: CurrentUser, task_id: FromPath[uuid.UUID]
    ) -> Template:
        task = get_task(db, user.id, task_id)
        if wants_fragment(request):  # e.g. cancelling an inline edit puts the row back
            return row_response(request, db, user, task)
        now = local_now(request, user)
        row = row_of(task, tags_of(db, user.id, task.id), now)
        context = {
            "row": row,
            "due_day": day_label(task.due_date, now.today) if task.due_date else "",
            "completed": (
                moment_label(task.completed_at, user.timezone, now.today)
                if task.completed_at
                else ""
            ),
        }
        return render(request, "tasks/detail.html", context, headers=VARY)

    @get("/{task_id:uuid}/edit", name="tasks:edit", sync_to_thread=True)
    def edit_form(
        self, request: HTMXRequest, db: DbSession, user: CurrentUser, task_id: FromPath[uuid.UUID]
    ) -> Template:
        task = get_task(db, user.id, task_id)
        values = task_values(task, tags_of(db, user.id, task.id))
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

    @post("/{task_id:uuid}/edit", name="tasks:update", sync_to_thread=True)
    def edit(
        self,
        request: HTMXRequest,
        db: DbSession,
        user: CurrentUser,
        task_id: FromPath[uuid.UUID],
        data: FormData,
    ) -> Any:
        task = get_task(db, user.id, task_id)
        task_input, errors = read_task_form(request, user, data)
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
        if wants_fragment(request) and (view := view_of(request, data)):
            page = list_tasks(db, user.id, view, local_now(request, user))
            shown = any(row.task.id == task.id for row in page.rows)
            flash = Flash(f"Saved “{task.title}”.") if shown else moved_flash(request, task)
            return changed_list(request, db, user, view, flash, page=page)
        if wants_fragment(request):
            return row_response(request, db, user, task)
        return redirect(request, url_for(request, "tasks:detail", task_id=task.id), flash="Saved.")

    @post("/{task_id:uuid}/toggle", name="tasks:toggle", sync_to_thread=True)
    def toggle(
        self,
        request: HTMXRequest,
        db: DbSession,
        user: CurrentUser,
        task_id: FromPath[uuid.UUID],
        data: FormData,
    ) -> Any:
        task, following = service.toggle_task(
            db, owner_id=user.id, task_id=task_id, now=now_of(request)
        )
        action = "complete" if task.status == "completed" else "reopen"
        message = f"{'Completed' if action == 'complete' else 'Reopened'} “{task.title}”."
        if following and following.due_date:
            today = local_now(request, user).today
            message += f" Next one due {day_label(following.due_date, today)}."
        changed = service.Changed([task.id], [following.id] if following else [])
        flash = Flash(message, undo=undo_token(request, user, action, changed))
        if wants_fragment(request) and (view := view_of(request, data)):
            return changed_list(request, db, user, view, flash)
        if wants_fragment(request):  # the next occurrence appears right below the completed one
            return row_response(request, db, user, task, *([following] if following else []))
        return redirect(request, _next(request, data), flash=flash)

    @post("/{task_id:uuid}/delete", name="tasks:delete", sync_to_thread=True)
    def delete(
        self,
        request: HTMXRequest,
        db: DbSession,
        user: CurrentUser,
        task_id: FromPath[uuid.UUID],
        data: FormData,
    ) -> Any:
        task = service.trash_task(db, owner_id=user.id, task_id=task_id, now=now_of(request))
        changed = service.Changed([task.id])
        flash = Flash(
            f"Moved “{task.title}” to the Trash.",
            undo=undo_token(request, user, "delete", changed),
        )
        if wants_fragment(request) and (view := view_of(request, data)):
            return changed_list(request, db, user, view, flash)
        if wants_fragment(request):
            return Response("", status_code=200, headers=VARY, media_type="text/html")
        return redirect(request, _next(request, data), flash=flash)


def created(
    request: HTMXRequest,
    db: DbSession,
    user: User,
    task: Task,
    view: ListParams | None,
    message: str,
    *,
    quick: bool = False,
) -> Any:
    """The answer to a create (the form or quick add): the list of the view it came from,
    re-rendered with the message; else the new row (a quick add's message under its box);
    without htmx, back to the list with the message as its flash."""
    if view:
        page = list_tasks(db, user.id, view, local_now(request, user))
        flash = added_flash(request, task, page, message)
        return changed_list(request, db, user, view, flash, status=201, page=page)
    if wants_fragment(request):
        return row_response(request, db, user, task, status=201, added=message if quick else None)
    return redirect(request, url_for(request, "tasks:list"), flash=message)


def added_flash(request: HTMXRequest, task: Task, page: TaskPage, text: str) -> Flash:
    """`text` ("Added …") when the view on screen shows the new task, else where it went."""
    if any(row.task.id == task.id for row in page.rows):
        return Flash(text)
    return moved_flash(request, task, verb="Added")


def moved_flash(request: HTMXRequest, task: Task, *, verb: str = "Saved") -> Flash:
    tab = "Completed" if task.status == "completed" else "Pending"
    return Flash(
        f"{verb} “{task.title}” to {tab}; this view does not show it.",
        link=url_for(request, "tasks:detail", task_id=task.id),
        link_text="Open it",
    )


def _next(request: HTMXRequest, data: FormData) -> str:
    """Where a row or bulk action returns to: the list view it came from."""
    return safe_next(field(data, "next"), url_for(request, "tasks:list"))

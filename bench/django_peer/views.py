"""The task list (SPEC §5's default view, status tabs and pages), the way Django writes it:
the ORM, one aggregate for the tab counts, Paginator, prefetch_related for the tags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, F, Prefetch, Q, When
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bench.django_peer.models import Tag, Task

PER_PAGE = 20
TABS = [("pending", "Pending"), ("overdue", "Overdue"), ("completed", "Completed"), ("all", "All")]
SORTS = [
    ("due", "Due"),
    ("priority", "Priority"),
    ("title", "Title"),
    ("created", "Created"),
    ("updated", "Updated"),
]


def login_required(view: Any) -> Any:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user is None:
            return redirect(f"/signin?next={request.path}")
        return view(request, *args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class LocalNow:
    today: date
    time: time


def local_now(tz_name: str) -> LocalNow:
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = timezone.localtime(timezone.now(), zone)
    return LocalNow(local.date(), local.time().replace(tzinfo=None))


def overdue_q(now: LocalNow) -> Q:
    return Q(status=Task.Status.PENDING) & (
        Q(due_date__lt=now.today)
        | Q(due_date=now.today, due_time__isnull=False, due_time__lt=now.time)
    )


def is_overdue(task: Task, now: LocalNow) -> bool:
    if task.status != Task.Status.PENDING or task.due_date is None:
        return False
    if task.due_date < now.today:
        return True
    return task.due_date == now.today and task.due_time is not None and task.due_time < now.time


def due_label(task: Task, now: LocalNow, overdue: bool) -> str:
    """ "Today", "Tomorrow 09:00", "Fri", "Dec 24", "Overdue · 3 days"."""
    due = task.due_date
    if due is None:
        return ""
    clock = f" {task.due_time:%H:%M}" if task.due_time else ""
    if overdue:
        days = (now.today - due).days
        if not days:
            return f"Overdue · today{clock}"
        return f"Overdue · {days} day" if days == 1 else f"Overdue · {days} days"
    days = (due - now.today).days
    if days == 0:
        label = "Today"
    elif days == 1:
        label = "Tomorrow"
    elif days == -1:
        label = "Yesterday"
    elif 1 < days < 7:
        label = f"{due:%a}"
    elif due.year == now.today.year:
        label = f"{due:%b} {due.day}"
    else:
        label = f"{due:%b} {due.day}, {due.year}"
    return label + clock


def ordering(sort: str, order: str) -> list[Any]:
    desc = order == "desc"
    if sort == "due":
        if desc:
            return [
                F("due_date").desc(nulls_last=True),
                F("due_time").desc(nulls_first=True),
                "-id",
            ]
        return [F("due_date").asc(nulls_last=True), F("due_time").asc(nulls_last=True), "id"]
    key = {
        "priority": F("priority_rank"),
        "title": Lower("title"),
        "created": F("created_at"),
        "updated": F("updated_at"),
    }[sort]
    return [key.desc() if desc else key.asc(), "-id" if desc else "id"]


@require_GET
@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = local_now(user.timezone)
    status = request.GET.get("status", "pending")
    if status not in dict(TABS):
        status = "pending"
    sort = request.GET.get("sort", "due")
    if sort not in dict(SORTS):
        sort = "due"
    order = request.GET.get("order") or ("asc" if sort in ("due", "title") else "desc")

    live = Task.objects.filter(user=user, deleted_at__isnull=True)
    counts = live.aggregate(
        all=Count("id"),
        pending=Count("id", filter=Q(status=Task.Status.PENDING)),
        completed=Count("id", filter=Q(status=Task.Status.COMPLETED)),
        overdue=Count("id", filter=overdue_q(now)),
    )
    tasks = live
    if status == "overdue":
        tasks = tasks.filter(overdue_q(now))
    elif status != "all":
        tasks = tasks.filter(status=status)
    if sort == "priority":
        tasks = tasks.alias(
            priority_rank=Case(
                When(priority="high", then=3),
                When(priority="medium", then=2),
                When(priority="low", then=1),
                default=0,
            )
        )
    tasks = tasks.order_by(*ordering(sort, order)).prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by(Lower("name")))
    )

    paginator = Paginator(tasks, PER_PAGE)
    paginator.count = counts[status]  # counted with the tabs already: no second COUNT(*)
    page_obj = paginator.get_page(request.GET.get("page"))
    rows = list(page_obj)
    for task in rows:
        task.overdue = is_overdue(task, now)
        task.due_label = due_label(task, now, task.overdue)

    context = {
        "tasks": rows,
        "page_obj": page_obj,
        "page_range": paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1),
        "status": status,
        "sort": sort,
        "order": order,
        "tabs": [(key, label, counts[key]) for key, label in TABS],
        "other_order": "desc" if order == "asc" else "asc",
        "sorts": SORTS,
        "all_tags": Tag.objects.filter(user=user).order_by(Lower("name")),
        "priorities": ["low", "medium", "high"],
        "recurrences": ["none", "daily", "weekdays", "weekly", "monthly", "yearly"],
    }
    return render(request, "tasks/list.html", context)


@require_POST
def not_served(request: HttpRequest, task_id: Any = None) -> HttpResponse:
    """The forms on the page post to these URLs; Taskwise serves them, this peer does not."""
    raise Http404


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

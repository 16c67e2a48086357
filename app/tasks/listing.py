"""The task list of SPEC §5: its URL parameters, the page it shows, and its three queries."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from litestar.exceptions import HTTPException
from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.selectable import ScalarSelect
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.db import fold
from app.forms import parse_int
from app.models import PRIORITY_RANK_SQL, TAG_MAX, Priority, Status, Tag, Task, TaskTag
from app.tasks.dates import LocalNow, is_overdue, relative_due
from app.tasks.queries import tags_of_user, tasks_of

STATUSES = ("all", "pending", "completed", "overdue")
DUE_FILTERS = ("today", "week", "none")
SORTS = ("due", "priority", "created", "updated", "title")
ORDERS = ("asc", "desc")
Q_MAX = 200
LIST_FIELDS = ("status", "priority", "tag", "q", "due", "sort", "order", "page", "per_page")
PER_PAGE_DEFAULT, PER_PAGE_MAX = 20, 100
PAGE_MAX = 10**9  # any page past the end shows the last one; this only bounds the arithmetic


# The same expression as the trigram index ix_tasks_search_trgm, so PostgreSQL can use it.
SEARCH_TEXT: ColumnElement[str] = literal_column(
    "tasks.title || ' ' || coalesce(tasks.description, '')"
)
# The expression of ix_tasks_live_status_priority, as literal SQL for the planner to match.
PRIORITY_RANK: ColumnElement[int] = literal_column(f"({PRIORITY_RANK_SQL})")


# --- parameters -------------------------------------------------------------------------------


class InvalidListParameter(HTTPException):
    status_code = 400


@dataclass(frozen=True)
class ListParams:
    status: str = "pending"
    priority: str | None = None
    tag: str | None = None
    q: str | None = None
    due: str | None = None
    sort: str = "due"
    order: str = "asc"
    page: int = 1
    per_page: int = PER_PAGE_DEFAULT
    path: str = ""  # the list's own URL (url_for "tasks:list"), for the links it renders

    def url(self, **changes: Any) -> str:
        """This view's URL with some parameters changed; defaults are left out."""
        params = replace(self, **changes)
        pairs = {
            "status": params.status if params.status != "pending" else None,
            "priority": params.priority,
            "tag": params.tag,
            "q": params.q,
            "due": params.due,
            "sort": params.sort if params.sort != "due" else None,
            "order": params.order if params.order != default_order(params.sort) else None,
            "page": params.page if params.page != 1 else None,
            "per_page": params.per_page if params.per_page != PER_PAGE_DEFAULT else None,
        }
        query = urlencode({k: v for k, v in pairs.items() if v is not None})
        return f"{self.path}?{query}" if query else self.path

    def sort_url(self, sort: str) -> str:
        """Sort by a column; the current one flips its order."""
        if sort == self.sort:
            return self.url(order="desc" if self.order == "asc" else "asc", page=1)
        return self.url(sort=sort, order=default_order(sort), page=1)


def default_order(sort: str) -> str:
    return "asc" if sort in {"due", "title"} else "desc"


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InvalidListParameter(f"Invalid '{name}': use one of {', '.join(allowed)}.")
    return value


def _positive_int(name: str, value: str, *, maximum: int) -> int:
    """1 or more; larger than `maximum` reads as `maximum` (a page past the end, per_page > 100)."""
    number = parse_int(value, minimum=1, maximum=maximum, clamp=True)
    if number is None:
        raise InvalidListParameter(f"Invalid '{name}': use a whole number of 1 or more.")
    return number


def parse_list_params(query: Mapping[str, str], *, path: str) -> ListParams:
    """Validate GET /tasks parameters; unknown values → 400 naming the parameter."""
    get = {k: v.strip() for k, v in query.items()}
    sort = _one_of("sort", get.get("sort") or "due", SORTS)
    q = get.get("q") or None
    if q is not None and (len(q) > Q_MAX or any(ord(c) < 32 for c in q)):
        raise InvalidListParameter(f"Invalid 'q': at most {Q_MAX} characters of plain text.")
    tag = get.get("tag") or None
    if tag is not None and (len(tag) > TAG_MAX + 1 or any(ord(c) < 32 for c in tag)):
        raise InvalidListParameter("Invalid 'tag': not a tag name.")
    priority = get.get("priority") or None
    due = get.get("due") or None
    return ListParams(
        status=_one_of("status", get.get("status") or "pending", STATUSES),
        priority=_one_of("priority", priority, tuple(p.value for p in Priority))
        if priority
        else None,
        tag=tag.lstrip("#") if tag else None,
        q=q,
        due=_one_of("due", due, DUE_FILTERS) if due else None,
        sort=sort,
        order=_one_of("order", get.get("order") or default_order(sort), ORDERS),
        page=_positive_int("page", get.get("page") or "1", maximum=PAGE_MAX),
        per_page=_positive_int(
            "per_page", get.get("per_page") or str(PER_PAGE_DEFAULT), maximum=PER_PAGE_MAX
        ),
        path=path,
    )


# --- the list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRow:
    task: Task
    tags: list[str]
    overdue: bool
    due_label: str


@dataclass(frozen=True)
class TaskPage:
    rows: list[TaskRow]
    total: int
    page: int
    total_pages: int
    counts: dict[str, int]  # exact for the tab shown; others may stop at COUNT_CAP + 1
    all_tags: list[str]
    params: ListParams
    capped: frozenset[str] = frozenset()  # the tabs counted only up to COUNT_CAP + 1

    def count_label(self, status: str) -> str:
        """A tab's count as shown: "1,234", or "1,000+" for a capped tab past the cap."""
        count = self.counts[status]
        return f"{COUNT_CAP:,}+" if status in self.capped and count > COUNT_CAP else f"{count:,}"

    @property
    def page_numbers(self) -> list[int | None]:
        """1 … 4 5 [6] 7 8 … 20: the first, the last and two either side; None is a gap."""
        shown = {1, self.total_pages, *range(self.page - 2, self.page + 3)}
        numbers: list[int | None] = []
        for number in sorted(n for n in shown if 1 <= n <= self.total_pages):
            previous = numbers[-1] if numbers else None
            if previous is not None and number - previous > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def overdue_condition(now: LocalNow) -> ColumnElement[bool]:
    """SQL twin of dates.is_overdue, so the filter agrees with what the rows show."""
    return and_(
        col(Task.status) == Status.pending,
        or_(
            col(Task.due_date) < now.today,
            and_(
                col(Task.due_date) == now.today,
                col(Task.due_time).is_not(None),
                col(Task.due_time) < now.time,
            ),
        ),
    )


def _filters(user_id: uuid.UUID, params: ListParams, now: LocalNow) -> list[ColumnElement[bool]]:
    """Every filter but the status one (the tabs count each status under these)."""
    filters: list[ColumnElement[bool]] = []
    if params.priority:
        filters.append(col(Task.priority) == params.priority)
    if params.tag:
        filters.append(
            tags_of_user(user_id)
            .join(TaskTag, col(TaskTag.tag_id) == col(Tag.id))
            .where(col(TaskTag.task_id) == col(Task.id), fold(col(Tag.name)) == params.tag.lower())
            .exists()
        )
    for word in (params.q or "").split():
        pattern = "%" + word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        filters.append(fold(SEARCH_TEXT).like(pattern + "%", escape="\\"))
    if params.due == "today":
        filters.append(col(Task.due_date) == now.today)
    elif params.due == "week":
        filters.append(col(Task.due_date).between(now.today, now.today + timedelta(days=6)))
    elif params.due == "none":
        filters.append(col(Task.due_date).is_(None))
    return filters


def _status_condition(status: str, now: LocalNow) -> ColumnElement[bool] | None:
    if status == "all":
        return None
    if status == "overdue":
        return overdue_condition(now)
    return col(Task.status) == status


def _ordering(params: ListParams) -> list[Any]:
    desc = params.order == "desc"
    by_id = col(Task.id).desc() if desc else col(Task.id).asc()
    if params.sort == "due":
        if desc:  # still no-due-date last; within a day, date-only ("by tonight") first
            return [
                col(Task.due_date).desc().nulls_last(),
                col(Task.due_time).desc().nulls_first(),
                by_id,
            ]
        return [col(Task.due_date).asc().nulls_last(), col(Task.due_time).asc().nulls_last(), by_id]
    key: Any = {
        "priority": PRIORITY_RANK,
        "created": col(Task.created_at),
        "updated": col(Task.updated_at),
        "title": fold(col(Task.title)),
    }[params.sort]
    return [key.desc() if desc else key.asc(), by_id]


COUNT_CAP = 1000


def _count(
    scoped: SelectOfScalar[Task], condition: ColumnElement[bool] | None, *, exact: bool
) -> ScalarSelect[int]:
    statement = scoped if condition is None else scoped.where(condition)
    if exact:
        return statement.with_only_columns(func.count()).order_by(None).scalar_subquery()
    first: Select[Any] = statement.with_only_columns(literal_column("1")).order_by(None)
    capped = first.limit(COUNT_CAP + 1).subquery()
    return select(func.count()).select_from(capped).scalar_subquery()


def list_tasks(db: Session, user_id: uuid.UUID, params: ListParams, now: LocalNow) -> TaskPage:
    """One page of the list in three statements: counts, rows, tags."""
    filters = _filters(user_id, params, now)
    scoped = tasks_of(user_id).where(*filters)

    if params.q:
        # A search's matches come from the trigram index once: count every tab in that pass.
        capped: frozenset[str] = frozenset()
        counts_query: Executable = scoped.with_only_columns(
            func.count(),
            func.count().filter(col(Task.status) == Status.pending),
            func.count().filter(col(Task.status) == Status.completed),
            func.count().filter(overdue_condition(now)),
        ).order_by(None)
    else:
        # The shown tab counted exactly (data-total, the pages), the other tabs only up to
        # COUNT_CAP + 1 rows each, so that their cost stops growing with the user.
        capped = frozenset(STATUSES) - {params.status}
        counts_query = select(
            *(
                _count(scoped, _status_condition(status, now), exact=status not in capped)
                for status in STATUSES
            )
        )
    counts = dict(zip(STATUSES, (int(n) for n in db.execute(counts_query).one()), strict=True))
    total = counts[params.status]
    total_pages = max(1, math.ceil(total / params.per_page))
    page = min(params.page, total_pages)  # past the end shows the last page

    statement = scoped
    if (condition := _status_condition(params.status, now)) is not None:
        statement = statement.where(condition)
    tasks = list(
        db.scalars(
            statement.order_by(*_ordering(params))
            .offset((page - 1) * params.per_page)
            .limit(params.per_page)
        )
    )

    tags_by_task: dict[uuid.UUID, list[str]] = {task.id: [] for task in tasks}
    all_tags: list[str] = []
    # The user's tags (for the filter) and those of the shown rows, in one statement.
    for name, task_id in db.execute(
        tags_of_user(user_id)
        .outerjoin(
            TaskTag,
            and_(
                col(TaskTag.tag_id) == col(Tag.id),
                col(TaskTag.task_id).in_(list(tags_by_task)),
            ),
        )
        .with_only_columns(col(Tag.name), col(TaskTag.task_id))
        .order_by(fold(col(Tag.name)))
    ):
        if not all_tags or all_tags[-1] != name:
            all_tags.append(name)
        if task_id is not None:
            tags_by_task[task_id].append(name)

    rows = [row_of(task, tags_by_task[task.id], now) for task in tasks]
    return TaskPage(
        rows=rows,
        total=total,
        page=page,
        total_pages=total_pages,
        counts=counts,
        all_tags=all_tags,
        params=replace(params, page=page),
        capped=capped,
    )


def row_of(task: Task, tags: list[str], now: LocalNow) -> TaskRow:
    status, due_date, due_time = task.status, task.due_date, task.due_time
    return TaskRow(
        task=task,
        tags=tags,
        overdue=is_overdue(status=status, due_date=due_date, due_time=due_time, now=now),
        due_label=relative_due(status=status, due_date=due_date, due_time=due_time, now=now),
    )

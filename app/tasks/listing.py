"""The task list of SPEC §5: its URL parameters, the page it shows, and its three queries."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from functools import lru_cache
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlencode

from litestar.exceptions import HTTPException
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
)
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.selectable import ScalarSelect
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.db import fold
from app.forms import parse_int
from app.models import PRIORITY_RANK_SQL, TAG_MAX, Priority, Status, Tag, Task, TaskTag
from app.tasks import rule_words
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


class ShownTask(Protocol):
    """What a row shows of a task: a Task, or a row of the list's page query (SHOWN)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def title(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def priority(self) -> str: ...
    @property
    def due_date(self) -> date | None: ...
    @property
    def due_time(self) -> time | None: ...
    @property
    def estimated_hours(self) -> int | None: ...
    @property
    def recurrence(self) -> str: ...


class ListedTask(NamedTuple):
    """A row of the page query, whose columns (SHOWN) are these fields, in this order. A
    named tuple's fields are read at C speed; a SQLAlchemy Row's by name cost a template
    ~6 % of a list request (py-spy)."""

    id: uuid.UUID
    title: str
    status: str
    priority: str
    due_date: date | None
    due_time: time | None
    estimated_hours: int | None
    recurrence: str


@dataclass(frozen=True)
class TaskRow:
    task: ShownTask
    tags: list[str]
    overdue: bool
    due_label: str
    repeat: str  # the repeat rule in words, "" for none


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


def overdue_condition(today: Any, now_time: Any) -> ColumnElement[bool]:
    """SQL twin of dates.is_overdue (pending and past due at the user's local `today` and
    `now_time`), so that the filter agrees with what the rows show."""
    return and_(
        col(Task.status) == Status.pending,
        or_(
            col(Task.due_date) < today,
            and_(
                col(Task.due_date) == today,
                col(Task.due_time).is_not(None),
                col(Task.due_time) < now_time,
            ),
        ),
    )


# --- the statements, built once per shape of view --------------------------------------------
#
# Building a statement and computing its cache key cost about as much Python as running it
# (py-spy: ~45 % of list_tasks). A view's statements depend only on its shape (which filters,
# which tab, which order), so each shape is built once per process with bound parameters for
# every value, including the user: running one without a user id fails, it cannot widen.

USER: BindParameter[uuid.UUID] = bindparam("user_id")
TODAY: BindParameter[date] = bindparam("today")
NOW_TIME: BindParameter[time] = bindparam("now_time")
WEEK_END: BindParameter[date] = bindparam("week_end")
# The columns a row shows: no description, no timestamps, no ORM entities to build.
SHOWN = tuple(col(getattr(Task, name)) for name in ListedTask._fields)  # in ListedTask's order


@dataclass(frozen=True)
class _Shape:
    status: str
    priority: bool
    tag: bool
    words: int
    due: str | None
    sort: str
    order: str


@dataclass(frozen=True)
class _Statements:
    counts: Executable
    page: Executable
    tags: Executable


def _shape(params: ListParams) -> _Shape:
    return _Shape(
        status=params.status,
        priority=params.priority is not None,
        tag=params.tag is not None,
        words=len((params.q or "").split()),
        due=params.due,
        sort=params.sort,
        order=params.order,
    )


def _values(user_id: uuid.UUID, params: ListParams, now: LocalNow, page: int) -> dict[str, Any]:
    """The bound values of a view's statements."""
    values: dict[str, Any] = {
        "user_id": user_id,
        "today": now.today,
        "now_time": now.time,
        "week_end": now.today + timedelta(days=6),
        "priority": params.priority,
        "tag": (params.tag or "").lower(),
        "offset": (page - 1) * params.per_page,
        "limit": params.per_page,
    }
    for number, word in enumerate((params.q or "").split()):
        escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        values[f"word{number}"] = f"%{escaped}%"
    return values


def _filters(shape: _Shape) -> list[ColumnElement[bool]]:
    """Every filter but the status one (the tabs count each status under these)."""
    filters: list[ColumnElement[bool]] = []
    if shape.priority:
        filters.append(col(Task.priority) == bindparam("priority"))
    if shape.tag:
        filters.append(
            tags_of_user(USER)
            .join(TaskTag, col(TaskTag.tag_id) == col(Tag.id))
            .where(col(TaskTag.task_id) == col(Task.id), fold(col(Tag.name)) == bindparam("tag"))
            .exists()
        )
    for number in range(shape.words):
        filters.append(fold(SEARCH_TEXT).like(bindparam(f"word{number}"), escape="\\"))
    if shape.due == "today":
        filters.append(col(Task.due_date) == TODAY)
    elif shape.due == "week":
        filters.append(col(Task.due_date).between(TODAY, WEEK_END))
    elif shape.due == "none":
        filters.append(col(Task.due_date).is_(None))
    return filters


def _status_condition(status: str) -> ColumnElement[bool] | None:
    if status == "all":
        return None
    if status == "overdue":
        return overdue_condition(TODAY, NOW_TIME)
    return col(Task.status) == status


def _ordering(shape: _Shape) -> list[Any]:
    desc = shape.order == "desc"
    by_id = col(Task.id).desc() if desc else col(Task.id).asc()
    if shape.sort == "due":
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
    }[shape.sort]
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


def _capped(shape: _Shape) -> frozenset[str]:
    """The tabs counted only up to COUNT_CAP + 1 rows: all but the one shown; none in a search,
    whose matches come from the trigram index once and are counted in that one pass."""
    return frozenset() if shape.words else frozenset(STATUSES) - {shape.status}


@lru_cache(maxsize=256)
def _statements(shape: _Shape) -> _Statements:
    scoped = tasks_of(USER).where(*_filters(shape))
    counts: Executable
    if shape.words:
        counts = scoped.with_only_columns(
            func.count(),
            func.count().filter(col(Task.status) == Status.pending),
            func.count().filter(col(Task.status) == Status.completed),
            func.count().filter(overdue_condition(TODAY, NOW_TIME)),
        ).order_by(None)
    else:
        # The shown tab counted exactly (data-total, the pages), the other tabs only up to
        # COUNT_CAP + 1 rows each, so that their cost stops growing with the user.
        capped = _capped(shape)
        counts = select(
            *(
                _count(scoped, _status_condition(status), exact=status not in capped)
                for status in STATUSES
            )
        )
    shown = scoped
    if (condition := _status_condition(shape.status)) is not None:
        shown = shown.where(condition)
    page = (
        shown.with_only_columns(*SHOWN)
        .order_by(*_ordering(shape))
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )
    # The user's tags (for the filter) and those of the shown rows, in one statement.
    tags = (
        tags_of_user(USER)
        .outerjoin(
            TaskTag,
            and_(
                col(TaskTag.tag_id) == col(Tag.id),
                col(TaskTag.task_id).in_(bindparam("ids", expanding=True)),
            ),
        )
        .with_only_columns(col(Tag.name), col(TaskTag.task_id))
        .order_by(fold(col(Tag.name)))
    )
    return _Statements(counts=counts, page=page, tags=tags)


def list_tasks(db: Session, user_id: uuid.UUID, params: ListParams, now: LocalNow) -> TaskPage:
    """One page of the list in three statements: counts, rows, tags."""
    shape = _shape(params)
    statements = _statements(shape)
    values = _values(user_id, params, now, page=1)
    counts = dict(
        zip(STATUSES, (int(n) for n in db.execute(statements.counts, values).one()), strict=True)
    )
    total = counts[params.status]
    total_pages = max(1, math.ceil(total / params.per_page))
    page = min(params.page, total_pages)  # past the end shows the last page

    values["offset"] = (page - 1) * params.per_page
    tasks = [ListedTask(*row) for row in db.execute(statements.page, values)]

    tags_by_task: dict[uuid.UUID, list[str]] = {task.id: [] for task in tasks}
    all_tags: list[str] = []
    for name, task_id in db.execute(
        statements.tags, {"user_id": user_id, "ids": list(tags_by_task)}
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
        capped=_capped(shape),
    )


def row_of(task: ShownTask, tags: list[str], now: LocalNow) -> TaskRow:
    status, due_date, due_time = task.status, task.due_date, task.due_time
    return TaskRow(
        task=task,
        tags=tags,
        overdue=is_overdue(status=status, due_date=due_date, due_time=due_time, now=now),
        due_label=relative_due(status=status, due_date=due_date, due_time=due_time, now=now),
        repeat=rule_words.describe(task.recurrence, due_date) if task.recurrence else "",
    )

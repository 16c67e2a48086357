"""The task list against a plain Python oracle: every filter, sort, order and page."""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.models import TaskInput
from app.tasks.service import create_task
from tests.web import create_account, sign_in

# 10:30 UTC on the 22nd is 00:30 on the 23rd in Kiritimati (UTC+14): "today" is not UTC's.
NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
ZONE = "Pacific/Kiritimati"
TODAY = date(2026, 11, 23)
LOCAL_TIME = time(0, 30)
PRIORITY_RANK = {"low": 1, "medium": 2, "high": 3}


@dataclass
class Expected:
    id: str
    title: str
    description: str
    status: str
    priority: str
    due_date: date | None
    due_time: time | None
    tags: list[str]
    created: int  # creation order
    updated: int


def overdue(t: Expected) -> bool:
    if t.status != "pending" or t.due_date is None:
        return False
    return t.due_date < TODAY or (
        t.due_date == TODAY and t.due_time is not None and t.due_time < LOCAL_TIME
    )


def oracle(
    tasks: list[Expected],
    *,
    status: str = "pending",
    priority: str | None = None,
    tag: str | None = None,
    q: str | None = None,
    due: str | None = None,
    sort: str = "due",
    order: str | None = None,
) -> list[str]:
    order = order or ("asc" if sort in {"due", "title"} else "desc")
    chosen = [
        t
        for t in tasks
        if (status == "all" or (overdue(t) if status == "overdue" else t.status == status))
        and (priority is None or t.priority == priority)
        and (tag is None or tag.lower() in {x.lower() for x in t.tags})
        and all(w.lower() in f"{t.title} {t.description}".lower() for w in (q or "").split())
        and (
            due is None
            or (due == "today" and t.due_date == TODAY)
            or (
                due == "week"
                and t.due_date is not None
                and TODAY <= t.due_date <= TODAY + timedelta(days=6)
            )
            or (due == "none" and t.due_date is None)
        )
    ]
    reverse = order == "desc"
    if sort == "due":
        dated = [t for t in chosen if t.due_date is not None]
        undated = [t for t in chosen if t.due_date is None]

        # Within a day, a timed task comes before a date-only one (due by the day's end).
        def key(t: Expected) -> tuple[date, int, time, str]:
            assert t.due_date is not None
            return (t.due_date, t.due_time is None, t.due_time or time(0), t.id)

        undated.sort(key=lambda t: t.id, reverse=reverse)
        return [t.id for t in sorted(dated, key=key, reverse=reverse) + undated]
    keys = {
        "priority": lambda t: (PRIORITY_RANK[t.priority], t.id),
        "created": lambda t: (t.created, t.id),
        "updated": lambda t: (t.updated, t.id),
        "title": lambda t: (t.title.lower(), t.id),
    }
    return [t.id for t in sorted(chosen, key=keys[sort], reverse=reverse)]


TITLES = [
    "Pay rent",
    "pay the plumber",
    "Água bill",
    "Call Mum",
    "Write report",
    "zebra crossing",
    "Buy milk",
    "Renew passport",
    "book flights",
    "Éclair recipe",
    "Fix bike",
    "Plan party",
]
TAGS = [[], ["home"], ["Bills"], ["home", "Bills"], ["work-stuff"], ["Ünï_code"]]
DUE_DATES = [None, -3, -1, 0, 0, 1, 6, 7, 30]
DUE_TIMES = [None, time(0, 10), time(23, 0)]


def build_dataset(engine: Engine, owner: uuid.UUID, stranger: uuid.UUID) -> list[Expected]:
    expected: list[Expected] = []
    with Session(engine) as session:
        for i in range(36):
            due_offset = DUE_DATES[i % len(DUE_DATES)]
            due_date = None if due_offset is None else TODAY + timedelta(days=due_offset)
            due_time = DUE_TIMES[(i // 2) % len(DUE_TIMES)] if due_date else None
            title = f"{TITLES[i % len(TITLES)]} {i:02d}"
            description = (
                "remember the RENT" if i % 5 == 0 else ("see ünïcode notes" if i % 7 == 0 else "")
            )
            task = create_task(
                session,
                owner_id=owner,
                data=TaskInput(
                    title=title,
                    description=description or None,
                    priority=("low", "medium", "high")[i % 3],
                    due_date=due_date,
                    due_time=due_time,
                    tags=TAGS[i % len(TAGS)],
                ),
            )
            task.created_at = task.updated_at = NOW - timedelta(minutes=100 - i)
            if i % 4 == 3:
                task.status, task.completed_at = "completed", NOW
            if i % 6 == 5:  # touched later, in another order than creation
                task.updated_at = NOW - timedelta(seconds=i)
            expected.append(
                Expected(
                    id=str(task.id),
                    title=title,
                    description=description,
                    status=task.status,
                    priority=task.priority,
                    due_date=due_date,
                    due_time=due_time,
                    tags=TAGS[i % len(TAGS)],
                    created=i,
                    updated=(10_000 - i) if i % 6 == 5 else i,
                )
            )
        # Never shown: the Trash, and somebody else's tasks that match every filter.
        trashed = create_task(
            session, owner_id=owner, data=TaskInput(title="Pay rent trashed", tags=["home"])
        )
        trashed.deleted_at = NOW
        create_task(
            session,
            owner_id=stranger,
            data=TaskInput(title="Pay rent foreign", tags=["home"], due_date=TODAY),
        )
        session.commit()
    return expected


@pytest.fixture
def clocked_app(settings: Settings) -> Litestar:
    return create_app(settings, clock=lambda: NOW)


@pytest.fixture
def world(clocked_app: Litestar) -> Iterator[tuple[TestClient[Litestar], list[Expected]]]:
    engine = clocked_app.state.engine
    owner = create_account(engine, "owner@example.com", timezone=ZONE)
    stranger = create_account(engine, "stranger@example.com", timezone=ZONE)
    tasks = build_dataset(engine, owner.id, stranger.id)
    with TestClient(app=clocked_app) as client:
        sign_in(client, "owner@example.com")
        yield client, tasks


def listed(client: TestClient[Litestar], **params: object) -> tuple[list[str], dict[str, int]]:
    response = client.get(
        "/tasks",
        params={k: v for k, v in params.items() if v is not None},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200, response.text
    root = re.match(r'\s*<section id="task-list"[^>]*>', response.text)
    assert root, "the fragment is rooted at #task-list"
    attrs = dict(re.findall(r'data-([a-z-]+)="(\d+)"', root.group(0)))
    ids = re.findall(r'<li id="task-[^"]+"[^>]*data-task-id="([^"]+)"', response.text)
    return ids, {k: int(v) for k, v in attrs.items()}


def all_pages(client: TestClient[Litestar], per_page: int, **params: object) -> list[str]:
    """Walk every page; each must be full but the last, and together they are the list."""
    first, meta = listed(client, per_page=per_page, **params)
    seen = list(first)
    for page in range(2, meta["total-pages"] + 1):
        ids, page_meta = listed(client, per_page=per_page, page=page, **params)
        assert page_meta["page"] == page and page_meta["total"] == meta["total"]
        seen.extend(ids)
    assert len(seen) == meta["total"]
    return seen


FILTERS: list[dict[str, str | None]] = (
    [{"status": s} for s in ("pending", "completed", "overdue", "all")]
    + [{"status": "all", "priority": p} for p in ("low", "medium", "high")]
    + [{"status": "all", "tag": t} for t in ("home", "BILLS", "ünï_CODE", "nope")]
    + [{"status": "all", "q": q} for q in ("rent", "PAY rent", "ÜNÏCODE", "água", "50%", "zzz")]
    + [{"status": "all", "due": d} for d in ("today", "week", "none")]
    + [
        {"status": "overdue", "due": "today"},
        {"status": "pending", "priority": "high", "tag": "home"},
        {"q": "pay", "due": "week", "tag": "bills"},
    ]
)


@pytest.mark.parametrize(
    "filters", FILTERS, ids=lambda f: "&".join(f"{k}={v}" for k, v in f.items())
)
def test_every_filter_matches_the_oracle(
    world: tuple[TestClient[Litestar], list[Expected]], filters: dict[str, str | None]
) -> None:
    client, tasks = world
    ids, meta = listed(client, per_page=100, **filters)
    expected = oracle(tasks, **filters)  # type: ignore[arg-type]
    assert ids == expected
    assert meta["total"] == len(expected)


@pytest.mark.parametrize(
    ("sort", "order"),
    list(itertools.product(("due", "priority", "created", "updated", "title"), ("asc", "desc")))
    + [("due", None), ("priority", None)],
)
def test_every_sort_and_order_pages_the_list_without_gaps_or_repeats(
    world: tuple[TestClient[Litestar], list[Expected]], sort: str, order: str | None
) -> None:
    client, tasks = world
    pages = all_pages(client, per_page=7, status="all", sort=sort, order=order)
    assert pages == oracle(tasks, status="all", sort=sort, order=order)
    assert len(set(pages)) == len(pages)


def test_rows_show_what_the_filters_use(world: tuple[TestClient[Litestar], list[Expected]]) -> None:
    client, tasks = world
    html = client.get("/tasks", params={"status": "all", "per_page": 100}).text
    by_id = {t.id: t for t in tasks}
    rows = [
        dict(re.findall(r'(data-[\w-]+)="([^"]*)"', row))
        for row in re.findall(r'<li id="task-[^"]+"[^>]*>', html)
    ]
    assert len(rows) == len(tasks)
    for row in rows:
        t = by_id[row["data-task-id"]]
        assert (row["data-status"], row["data-priority"]) == (t.status, t.priority)
        assert row["data-due"] == (t.due_date.isoformat() if t.due_date else "")
        assert row["data-due-time"] == (t.due_time.strftime("%H:%M") if t.due_time else "")
        assert row["data-recurrence"] == ""
        assert row["data-overdue"] == ("true" if overdue(t) else "false")
    assert "Overdue · 3 days" in html and "Tomorrow" in html and "Today 23:00" in html


def test_status_tabs_count_each_status(world: tuple[TestClient[Litestar], list[Expected]]) -> None:
    client, tasks = world
    html = client.get("/tasks", params={"tag": "home"}).text
    for status in ("pending", "completed", "overdue", "all"):
        count = re.search(rf'data-status-tab="{status}".*?class="count">(\d+)<', html, re.S)
        assert count and int(count.group(1)) == len(oracle(tasks, status=status, tag="home"))


def test_a_page_past_the_end_shows_the_last_and_per_page_is_clamped(
    world: tuple[TestClient[Litestar], list[Expected]],
) -> None:
    client, tasks = world
    ids, meta = listed(client, status="all", per_page=10, page=999)
    assert meta["page"] == meta["total-pages"] == 4
    assert ids == oracle(tasks, status="all")[30:]
    ids, meta = listed(client, status="all", per_page=5000)
    assert meta["total-pages"] == 1 and len(ids) == len(tasks)  # clamped to 100


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"status": "done"}, "status"),
        ({"priority": "urgent"}, "priority"),
        ({"due": "tomorrow"}, "due"),
        ({"sort": "size"}, "sort"),
        ({"order": "up"}, "order"),
        ({"page": "two"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"per_page": "x"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"q": "x" * 201}, "q"),
        ({"sort": "title; DROP TABLE tasks"}, "sort"),
    ],
)
def test_invalid_parameters_are_a_400_naming_them(
    world: tuple[TestClient[Litestar], list[Expected]], params: dict[str, str], named: str
) -> None:
    client, _ = world
    page = client.get("/tasks", params=params)
    assert page.status_code == 400
    assert f"Invalid &#39;{named}&#39;" in page.text and "<html" in page.text
    fragment = client.get("/tasks", params=params, headers={"HX-Request": "true"})
    assert fragment.status_code == 400
    assert f"Invalid &#39;{named}&#39;" in fragment.text and "<html" not in fragment.text
    restore = client.get(
        "/tasks",
        params=params,
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert restore.status_code == 400 and "<html" in restore.text  # history needs the page


def test_htmx_gets_the_fragment_and_history_restore_the_page(
    world: tuple[TestClient[Litestar], list[Expected]],
) -> None:
    client, _ = world
    full = client.get("/tasks")
    fragment = client.get("/tasks", headers={"HX-Request": "true"})
    restore = client.get(
        "/tasks", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in full.text and 'id="task-list"' in full.text
    assert fragment.text.lstrip().startswith('<section id="task-list"')
    assert "<html" not in fragment.text
    assert "<html" in restore.text
    for response in (full, fragment, restore):
        assert response.headers["vary"] == "HX-Request"
    noisy = client.get(
        "/tasks",
        params={
            "q": "pay",
            "priority": "",
            "tag": "",
            "status": "pending",
            "sort": "due",
            "order": "asc",
            "per_page": "20",
        },
        headers={"HX-Request": "true"},
    )
    assert noisy.headers["hx-push-url"] == "/tasks?q=pay"  # the bookmarkable form of the view


def test_controls_are_links_and_forms_that_htmx_enhances(
    world: tuple[TestClient[Litestar], list[Expected]],
) -> None:
    client, _ = world
    html = client.get("/tasks", params={"status": "all", "per_page": 5, "q": "pay"}).text
    assert re.search(
        r'<form id="filters"[^>]*method="get" action="/tasks"[^>]*hx-push-url="true"', html
    )
    assert re.search(
        r'<input type="search" id="q" name="q" value="pay"'
        r'[^>]*hx-trigger="input changed delay:300ms',
        html,
    )
    assert re.search(r'href="/tasks\?status=completed&amp;q=pay&amp;per_page=5" hx-get=', html)
    assert re.search(r'href="/tasks\?status=all&amp;q=pay&amp;page=2&amp;per_page=5"', html)
    assert re.search(r'<form id="quick-add"[^>]*action="/tasks"', html) and 'name="quick"' in html
    assert re.search(r'action="/tasks/[^"]+/toggle"', html) and re.search(
        r'action="/tasks/[^"]+/delete"', html
    )


def test_list_requests_take_a_constant_number_of_statements(
    world: tuple[TestClient[Litestar], list[Expected]], clocked_app: Litestar
) -> None:
    client, _ = world
    statements: list[str] = []
    engine = clocked_app.state.engine

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        counts = []
        for params in (
            {},
            {"per_page": 1},
            {"per_page": 100, "status": "all"},
            {"page": 3, "per_page": 5},
            {"tag": "home", "q": "pay rent", "priority": "high", "due": "week", "sort": "title"},
            {"status": "overdue", "sort": "priority", "order": "asc"},
        ):
            statements.clear()
            for headers in ({}, {"HX-Request": "true"}):
                statements.clear()
                assert client.get("/tasks", params=params, headers=headers).status_code == 200
                counts.append(len(statements))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert set(counts) == {4}, counts  # session, counts, page, tags — whatever is shown


@pytest.mark.parametrize(
    ("sort", "order", "index"),
    [
        ("due", "asc", "ix_tasks_live_status_due"),
        ("priority", "desc", "ix_tasks_live_status_priority"),
        ("priority", "asc", "ix_tasks_live_status_priority"),
        ("title", "asc", "ix_tasks_live_status_title"),
    ],
)
def test_each_sort_of_a_tab_is_served_by_an_index_on_postgresql(
    pg_db_url: str, sort: str, order: str, index: str
) -> None:
    """The page is the first rows of an index, never a sort of every task of the user
    (SPEC §12: sorts at most 2x the default). With sorting disabled, the plan shows whether
    an index can give the order at all."""
    from sqlalchemy import create_engine, text

    from app.tasks.dates import LocalNow
    from app.tasks.listing import ListParams, _shape, _statements, _values

    params = ListParams(sort=sort, order=order)
    now = LocalNow(today=date(2026, 11, 24), time=time(12, 0))
    statement = _statements(_shape(params)).page  # the statement the list runs
    engine = create_engine(Settings(_env_file=None, database_url=pg_db_url).sqlalchemy_url)
    try:
        # Compiled and bound exactly as the app sends it (psycopg2 fills the parameters in).
        compiled = statement.compile(dialect=engine.dialect)
        bound = compiled.construct_params(_values(uuid.uuid4(), params, now, page=1))
        with engine.connect() as conn:
            conn.execute(text("SET enable_sort = off"))
            rows = conn.exec_driver_sql(f"EXPLAIN {compiled}", bound)
            plan = "\n".join(row[0] for row in rows)
    finally:
        engine.dispose()
    assert index in plan and "Sort" not in plan, plan


def test_other_tabs_count_up_to_a_cap_the_shown_tab_exactly(
    client: TestClient[Litestar], engine: Engine
) -> None:
    """Counting every task for every tab grew with the user (SPEC §12); the tab shown, which
    data-total and the pages depend on, is still counted exactly."""
    from sqlalchemy import insert
    from uuid_utils.compat import uuid7

    from app.models import Task

    me = create_account(engine, "many@example.com")
    pending = [
        {"id": uuid7(), "user_id": me.id, "title": f"Task {n}", "status": "pending"}
        for n in range(1002)
    ]
    done = [
        {
            "id": uuid7(),
            "user_id": me.id,
            "title": f"Done {n}",
            "status": "completed",
            "completed_at": datetime(2026, 11, 1, tzinfo=UTC),
        }
        for n in range(3)
    ]
    with engine.begin() as conn:
        conn.execute(insert(Task), pending)
        conn.execute(insert(Task), done)
    sign_in(client, "many@example.com")

    def tab_counts(html: str) -> dict[str, str]:
        pattern = r'data-status-tab="(\w+)".*?<span class="count">([^<]+)</span>'
        return dict(re.findall(pattern, html, re.S))

    shown = client.get("/tasks").text
    assert 'data-total="1002"' in shown
    assert tab_counts(shown) == {
        "pending": "1,002",
        "overdue": "0",
        "completed": "3",
        "all": "1,000+",
    }
    completed = client.get("/tasks?status=completed").text
    assert 'data-total="3"' in completed
    assert tab_counts(completed) == {
        "pending": "1,000+",
        "overdue": "0",
        "completed": "3",
        "all": "1,000+",
    }

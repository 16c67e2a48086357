"""SQLModel tables of SPEC §3, with their constraints and the indexes the queries need."""

from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Text,
    Uuid,
    func,
    text,
)
from sqlmodel import Field, SQLModel
from uuid_utils.compat import uuid7

from app.db import UTCDateTime, utcnow

# Stable constraint names: Alembic's SQLite batch mode and readable IntegrityErrors need them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
TAG_MAX = 32
MAX_TAGS = 20  # on one task
RULE_MAX = 255  # a repeat rule (RRULE text), stored and as typed
EMAIL_MAX = 320
NAME_MAX = 100
ESTIMATE_MIN, ESTIMATE_MAX = 1, 1000
# Calendar dates accepted anywhere (forms, imports, quick add): wide enough for any real plan,
# narrow enough that date arithmetic (recurrence, feeds, time zones) cannot overflow.
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2999, 12, 31)
MESSAGE_MAX = 10000
VERSION_MAX = 2**31 - 1  # an INTEGER column on both databases


class Status(StrEnum):
    pending = "pending"
    completed = "completed"


class Priority(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class Theme(StrEnum):
    system = "system"
    light = "light"
    dark = "dark"


class DateOrder(StrEnum):
    """How quick add reads a numeric date such as 03/04 (SPEC §7)."""

    dmy = "dmy"  # 3 April
    mdy = "mdy"  # March 4


class Role(StrEnum):
    user = "user"
    assistant = "assistant"


# high > medium > low, as SQL the list orders by and its index is built on (the same text,
# with literal values, so that PostgreSQL matches the two).
PRIORITY_RANK_SQL = (
    "CASE priority WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END"
)


_PRIORITY_RANK_AS_REFLECTED = """(
CASE priority
    WHEN 'high'::text THEN 3
    WHEN 'medium'::text THEN 2
    WHEN 'low'::text THEN 1
    ELSE 0
END)"""


def _one_of(column: str, enum: type[StrEnum]) -> str:
    values = ", ".join(f"'{member.value}'" for member in enum)
    return f"{column} IN ({values})"


def _owner_fk(*, index: bool = True) -> Any:
    """user_id: NOT NULL, and deleting the user deletes the row (in the database, not the ORM)."""
    return Field(
        sa_column=Column(
            Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=index
        )
    )


class Timestamps(SQLModel):
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_type=UTCDateTime,
        nullable=False,
        sa_column_kwargs={"onupdate": utcnow},
    )


class Timestamped(Timestamps):
    id: uuid.UUID = Field(default_factory=uuid7, primary_key=True)


class User(Timestamped, table=True):
    __tablename__ = "users"
    __table_args__ = (
        # Stored lower-cased, so a plain unique index is unique case-insensitively.
        CheckConstraint("email = lower(email) AND length(email) >= 3", name="email_lowercase"),
        CheckConstraint(_one_of("theme", Theme), name="theme_valid"),
        CheckConstraint("length(timezone) BETWEEN 1 AND 64", name="timezone_length"),
        CheckConstraint(_one_of("date_order", DateOrder), name="date_order_valid"),
    )

    email: str = Field(sa_type=String(EMAIL_MAX), unique=True, nullable=False)
    password_hash: str = Field(sa_type=String(255), nullable=False)
    name: str | None = Field(default=None, sa_type=String(NAME_MAX))
    timezone: str = Field(default="UTC", sa_type=String(64), nullable=False)
    theme: str = Field(default=Theme.system, sa_type=String(8), nullable=False)
    date_order: str = Field(
        default=DateOrder.dmy,
        sa_type=String(3),
        nullable=False,
        sa_column_kwargs={"server_default": DateOrder.dmy.value},
    )
    # Part of the signed calendar-feed URL; a new value revokes the old URL, None turns it off.
    calendar_key: str | None = Field(default=None, sa_type=String(64))


class UserSession(Timestamped, table=True):
    """A signed-in browser; deleting the row ends the session everywhere at once."""

    __tablename__ = "sessions"

    user_id: uuid.UUID = _owner_fk()
    # sha256 of the random token in the cookie: a leaked table cannot be replayed as cookies.
    token_hash: str = Field(sa_type=String(64), unique=True, nullable=False)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class AttemptKind(StrEnum):
    password = "password"  # noqa: S105 - a password checked (sign-in, change, deletion)
    reset_mail = "reset_mail"  # a password-reset mail sent


class Attempt(Timestamped, table=True):
    """One throttled action (SPEC §9), counted per subject (an email) and per address in a
    window. Rows live in the database, so every app process counts the same attempts."""

    __tablename__ = "attempts"
    __table_args__ = (
        CheckConstraint(_one_of("kind", AttemptKind), name="kind_valid"),
        # The throttle check: attempts of one kind for one email since a moment.
        Index("ix_attempts_kind_subject_created", "kind", "subject", "created_at"),
        # The per-address limit.
        Index("ix_attempts_kind_addr_created", "kind", "remote_addr", "created_at"),
        # The clean-up of rows older than any window.
        Index("ix_attempts_created", "created_at"),
    )

    kind: str = Field(sa_type=String(16), nullable=False)
    subject: str = Field(sa_type=String(EMAIL_MAX), nullable=False)
    remote_addr: str | None = Field(default=None, sa_type=String(64))


class TaskFields(SQLModel):
    """What a person says about a task, with its limits, declared once: the table's columns
    below, the form parser and its messages, the import and quick add all read these."""

    title: str = Field(
        min_length=1, max_length=TITLE_MAX, sa_type=String(TITLE_MAX), nullable=False
    )
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX, sa_type=Text)
    priority: str = Field(default=Priority.medium, sa_type=String(8), nullable=False)
    due_date: date | None = Field(default=None)  # within DATE_MIN..DATE_MAX (app.forms)
    due_time: time | None = Field(default=None)
    estimated_hours: int | None = Field(default=None, ge=ESTIMATE_MIN, le=ESTIMATE_MAX)
    # An RFC 5545 RRULE in canonical form (app.tasks.rules), "" for a task that does not repeat.
    recurrence: str = Field(
        default="",
        max_length=RULE_MAX,
        sa_type=String(RULE_MAX),
        nullable=False,
        sa_column_kwargs={"server_default": ""},
    )


class TaskInput(TaskFields):
    """A task as a form, an import row or quick add gives it: its fields and its tag names."""

    tags: list[str] = Field(default_factory=list)

    def columns(self) -> dict[str, Any]:
        """The values stored on the task row itself (tags live in their own tables)."""
        return self.model_dump(exclude={"tags"})


@dataclass(frozen=True)
class Limits:
    """A field's declared bounds; an undeclared one is unbounded."""

    min_length: int = 0
    max_length: int = sys.maxsize
    ge: int = -sys.maxsize
    le: int = sys.maxsize


def is_tag_name(name: str) -> bool:
    """1-32 letters, digits, `-` and `_`: the rule of the tags table's CHECK, for every parser."""
    return 1 <= len(name) <= TAG_MAX and all(ch.isalnum() or ch in "-_" for ch in name)


def limits_of(model: type[SQLModel], name: str) -> Limits:
    """The limits declared on a field with Field(...), for parsers and their messages."""
    found: dict[str, Any] = {}
    for item in model.model_fields[name].metadata:
        for key in ("min_length", "max_length", "ge", "le"):
            if hasattr(item, key):
                found[key] = getattr(item, key)
    return Limits(**found)


class Task(TaskFields, Timestamped, table=True):
    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint(f"length(title) BETWEEN 1 AND {TITLE_MAX}", name="title_length"),
        CheckConstraint(
            f"description IS NULL OR length(description) <= {DESCRIPTION_MAX}",
            name="description_length",
        ),
        CheckConstraint(_one_of("status", Status), name="status_valid"),
        CheckConstraint(_one_of("priority", Priority), name="priority_valid"),
        CheckConstraint(f"length(recurrence) <= {RULE_MAX}", name="recurrence_length"),
        CheckConstraint(
            f"estimated_hours IS NULL OR estimated_hours BETWEEN {ESTIMATE_MIN} AND {ESTIMATE_MAX}",
            name="estimate_range",
        ),
        CheckConstraint("due_time IS NULL OR due_date IS NOT NULL", name="time_needs_date"),
        CheckConstraint(
            "(status = 'completed') = (completed_at IS NOT NULL)", name="completed_at_matches"
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        # The default list (status tab, sorted by due date) and the overdue/today/week filters.
        Index(
            "ix_tasks_live_status_due",
            "user_id",
            "status",
            "due_date",
            "due_time",
            "id",
            postgresql_where=text("deleted_at IS NULL"),
            sqlite_where=text("deleted_at IS NULL"),
        ),
        # sort=created and the "all" tab ordered by creation.
        Index(
            "ix_tasks_live_created",
            "user_id",
            "created_at",
            "id",
            postgresql_where=text("deleted_at IS NULL"),
            sqlite_where=text("deleted_at IS NULL"),
        ),
        # The Trash page (newest first) and the 30-day purge.
        Index(
            "ix_tasks_trash",
            "user_id",
            "deleted_at",
            postgresql_where=text("deleted_at IS NOT NULL"),
            sqlite_where=text("deleted_at IS NOT NULL"),
        ),
        # One task per create form: a resubmitted form_token finds the task it made.
        Index(
            "uq_tasks_user_form_token",
            "user_id",
            "form_token",
            unique=True,
            postgresql_where=text("form_token IS NOT NULL"),
            sqlite_where=text("form_token IS NOT NULL"),
        ),
        # sort=priority and sort=title within a status tab: the page is the index's first
        # rows instead of a sort of every task of the user (PostgreSQL; SQLite sorts).
        Index(
            "ix_tasks_live_status_priority",
            "user_id",
            "status",
            # PRIORITY_RANK_SQL as PostgreSQL prints it back (pg_get_indexdef), so that
            # `alembic check` agrees; the planner matches either spelling.
            text(_PRIORITY_RANK_AS_REFLECTED),
            "id",
            postgresql_where=text("deleted_at IS NULL"),
        ).ddl_if(dialect="postgresql"),
        Index(
            "ix_tasks_live_status_title",
            "user_id",
            "status",
            text("lower(title)"),
            "id",
            postgresql_where=text("deleted_at IS NULL"),
        ).ddl_if(dialect="postgresql"),
        # Completing a repeating task: has its series a next occurrence already?
        Index(
            "ix_tasks_series",
            "user_id",
            "series_id",
            "due_date",
            postgresql_where=text("series_id IS NOT NULL"),
            sqlite_where=text("series_id IS NOT NULL"),
        ),
        # Keyword search: ILIKE '%word%' on title and description, served by trigrams.
        Index(
            "ix_tasks_search_trgm",
            text("(lower(title || ' ' || coalesce(description, ''))) gin_trgm_ops"),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )

    user_id: uuid.UUID = _owner_fk(index=False)  # leads every composite index above
    status: str = Field(default=Status.pending, sa_type=String(16), nullable=False)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = Field(default=1, nullable=False)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    form_token: str | None = Field(default=None, sa_type=String(64))
    # The occurrences of one repeating series share this key (the first occurrence's id),
    # so completing one twice still makes one next occurrence.
    series_id: uuid.UUID | None = Field(default=None)


class Tag(Timestamped, table=True):
    __tablename__ = "tags"
    __table_args__ = (
        CheckConstraint(f"length(name) BETWEEN 1 AND {TAG_MAX}", name="name_length"),
        # One tag per name per user, whatever its case; also serves ?tag= lookups.
        Index("uq_tags_user_name", "user_id", func.lower(text("name")), unique=True),
    )

    user_id: uuid.UUID = _owner_fk(index=False)  # leads uq_tags_user_name
    name: str = Field(sa_type=String(TAG_MAX), nullable=False)


class TaskTag(Timestamps, table=True):
    __tablename__ = "task_tags"
    __table_args__ = (
        # The primary key (task_id, tag_id) loads a page's tags; this one finds a tag's tasks.
        Index("ix_task_tags_tag_task", "tag_id", "task_id"),
    )

    task_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    tag_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )


class Conversation(Timestamped, table=True):
    __tablename__ = "conversations"
    __table_args__ = (
        CheckConstraint(f"length(title) BETWEEN 1 AND {TITLE_MAX}", name="title_length"),
        # The assistant's sidebar: a user's conversations, most recent first.
        Index("ix_conversations_user_updated", "user_id", "updated_at"),
    )

    user_id: uuid.UUID = _owner_fk(index=False)
    title: str = Field(sa_type=String(TITLE_MAX), nullable=False)


class Message(Timestamped, table=True):
    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint(_one_of("role", Role), name="role_valid"),
        CheckConstraint(f"length(content) BETWEEN 1 AND {MESSAGE_MAX}", name="content_length"),
        # A conversation's messages in order.
        Index("ix_messages_conversation_created", "conversation_id", "created_at", "id"),
    )

    conversation_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    )
    # Lets account deletion cascade directly and keeps scoping one join shorter.
    user_id: uuid.UUID = _owner_fk()
    role: str = Field(sa_type=String(16), nullable=False)
    content: str = Field(sa_type=Text, nullable=False)
    # An assistant reply's structured part (tasks named, a pending question, its undo record).
    state: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))

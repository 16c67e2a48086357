"""repeat rules as RRULE text, and a key linking the occurrences of a series

`tasks.recurrence` held one of six names; it now holds RFC 5545 RRULE text ("" for none),
up to 255 characters. The names become the rules they meant, anchored on the due date as
before (a monthly task due on the 29th-31st is written out when its next occurrence is made).
`tasks.series_id` links the occurrences of one series from now on; occurrences made before
have none and are matched as before (same title, next due date).

Downgrade maps each rule back to the name of its frequency (a rule the old names cannot say,
such as "every other Wednesday", becomes the nearest one: weekly).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rules the six old names meant (app.tasks.rules.PRESETS on the day of this migration;
# tests/test_recurrence.py checks that each is a canonical rule).
LEGACY = {
    "none": "",
    "daily": "FREQ=DAILY",
    "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    "weekly": "FREQ=WEEKLY",
    "monthly": "FREQ=MONTHLY",
    "yearly": "FREQ=YEARLY",
}
OLD_NAMES = "recurrence IN ('none', 'daily', 'weekdays', 'weekly', 'monthly', 'yearly')"

tasks = sa.table("tasks", sa.column("recurrence", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_tasks_recurrence_valid"), type_="check")
        batch_op.alter_column(
            "recurrence",
            existing_type=sa.String(length=16),
            type_=sa.String(length=255),
            existing_nullable=False,
            server_default="",
        )
        batch_op.add_column(sa.Column("series_id", sa.Uuid(), nullable=True))
    for name, rule in LEGACY.items():
        op.execute(tasks.update().where(tasks.c.recurrence == name).values(recurrence=rule))
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_tasks_recurrence_length"), "length(recurrence) <= 255"
        )
        batch_op.create_index(
            "ix_tasks_series",
            ["user_id", "series_id", "due_date"],
            unique=False,
            postgresql_where=sa.text("series_id IS NOT NULL"),
            sqlite_where=sa.text("series_id IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_series")
        batch_op.drop_constraint(op.f("ck_tasks_recurrence_length"), type_="check")
    rule = tasks.c.recurrence
    op.execute(
        tasks.update().values(
            recurrence=sa.case(
                (rule == "", "none"),
                (rule.like("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"), "weekdays"),
                (rule.like("FREQ=DAILY%"), "daily"),
                (rule.like("FREQ=WEEKLY%"), "weekly"),
                (rule.like("FREQ=MONTHLY%"), "monthly"),
                (rule.like("FREQ=YEARLY%"), "yearly"),
                else_="none",
            )
        )
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("series_id")
        batch_op.alter_column(
            "recurrence",
            existing_type=sa.String(length=255),
            type_=sa.String(length=16),
            existing_nullable=False,
            server_default=None,
        )
        batch_op.create_check_constraint(op.f("ck_tasks_recurrence_valid"), OLD_NAMES)

"""indexes for sort=priority and sort=title within a status tab (PostgreSQL)

The list's page query orders by the priority rank or lower(title); without an index that
gives that order, PostgreSQL sorted every live task of the user (2.6x and 3.1x the default
sort for a user with 100,000 tasks). SQLite sorts: it serves one machine's data.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 03:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As app.models.PRIORITY_RANK_SQL on the day of this migration.
PRIORITY_RANK_SQL = (
    "CASE priority WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index(
        "ix_tasks_live_status_priority",
        "tasks",
        ["user_id", "status", sa.text(f"({PRIORITY_RANK_SQL})"), "id"],
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_tasks_live_status_title",
        "tasks",
        ["user_id", "status", sa.text("lower(title)"), "id"],
        postgresql_where=sa.text("deleted_at IS NULL"),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_tasks_live_status_title", table_name="tasks")
    op.drop_index("ix_tasks_live_status_priority", table_name="tasks")

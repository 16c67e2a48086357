"""form tokens (one task per create form) and calendar keys (revocable feed URLs)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 05:07:25.219357
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_token", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "uq_tasks_user_form_token",
            ["user_id", "form_token"],
            unique=True,
            postgresql_where=sa.text("form_token IS NOT NULL"),
            sqlite_where=sa.text("form_token IS NOT NULL"),
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_key", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("calendar_key")

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_tasks_user_form_token",
            postgresql_where=sa.text("form_token IS NOT NULL"),
            sqlite_where=sa.text("form_token IS NOT NULL"),
        )
        batch_op.drop_column("form_token")

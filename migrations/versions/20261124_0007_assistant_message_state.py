"""messages.state: what an assistant reply asked ("Which one?") and what it can undo

A reply's structured part, as JSON: the tasks it named, the numbered candidates of a pending
question and the record of the change it made, so that a question survives to the next
request and `undo` reverses the right change (SPEC §7).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("state")

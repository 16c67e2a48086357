"""messages.state: what an assistant reply asked ("Which one?") and what it can undo

A reply's structured part, as JSON: the tasks it named, the numbered candidates of a pending
question and the record of the change it made, so that a question survives to the next
request and `undo` reverses the right change (SPEC §7).

Revision ID: 0006_assistant
Revises: 0005
Create Date: 2026-11-25 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_assistant"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("state")

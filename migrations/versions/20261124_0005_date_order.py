"""users.date_order: how quick add reads a numeric date such as 03/04 (dmy or mdy)

Existing users read dates day first, the default.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("date_order", sa.String(length=3), server_default="dmy", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_users_date_order_valid"), "date_order IN ('dmy', 'mdy')"
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_date_order_valid"), type_="check")
        batch_op.drop_column("date_order")

"""attempts: one throttle table for password checks and reset mails (replaces signin_failures)

An attempt is now recorded before the password is verified (so parallel guesses count like
sequential ones), and reset mails are limited per address with the same table. Old failure rows
carry no lasting meaning (they expire after 15 minutes), so they are not carried over.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 02:12:45.980473
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attempts",
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=320), nullable=False),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "kind IN ('password', 'reset_mail')", name=op.f("ck_attempts_kind_valid")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempts")),
    )
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.create_index("ix_attempts_created", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_attempts_kind_addr_created", ["kind", "remote_addr", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_attempts_kind_subject_created", ["kind", "subject", "created_at"], unique=False
        )

    with op.batch_alter_table("signin_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_signin_failures_created")
        batch_op.drop_index("ix_signin_failures_email_created")
    op.drop_table("signin_failures")


def downgrade() -> None:
    op.create_table(
        "signin_failures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signin_failures")),
    )
    with op.batch_alter_table("signin_failures", schema=None) as batch_op:
        batch_op.create_index(
            "ix_signin_failures_email_created", ["email", "created_at"], unique=False
        )
        batch_op.create_index("ix_signin_failures_created", ["created_at"], unique=False)

    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_attempts_kind_subject_created")
        batch_op.drop_index("ix_attempts_kind_addr_created")
        batch_op.drop_index("ix_attempts_created")
    op.drop_table("attempts")

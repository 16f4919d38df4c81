"""idempotency_key: safe retries of createPost, replyToPost, checkIn and react

Revision ID: 0011_idempotency
Revises: 0010_support
Create Date: 2026-12-05 13:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import infra.db.types

revision: str = "0011_idempotency"
down_revision: str | Sequence[str] | None = "0010_support"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_key",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("operation", sa.String(length=20), nullable=False),
        sa.Column("result_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", infra.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id", "key"),
    )
    op.create_index("ix_idempotency_key_created", "idempotency_key", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_idempotency_key_created", table_name="idempotency_key")
    op.drop_table("idempotency_key")

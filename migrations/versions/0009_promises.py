"""notification_named_circle: circles a member chose to see named in push titles

Revision ID: 0009_promises
Revises: 0008_datarights
Create Date: 2026-12-05 08:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_promises"
down_revision: str | Sequence[str] | None = "0008_datarights"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification_named_circle",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("circle_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["circle_id"], ["circle.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id", "circle_id"),
    )


def downgrade() -> None:
    op.drop_table("notification_named_circle")

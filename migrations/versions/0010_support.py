"""support: post.first_reply_at/first_reply_seconds, circle.nudge_after_minutes,
support_availability, support_nudge (issue #17, "No one waits alone")

Revision ID: 0010_support
Revises: 0009_promises
Create Date: 2026-12-05 13:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from infra.db.types import UTCDateTime

revision: str = "0010_support"
down_revision: str | Sequence[str] | None = "0009_promises"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FIRST_REPLY = """
    (SELECT min(r.created_at) FROM reply r
     WHERE r.post_id = post.id AND r.author_id <> post.author_id)
"""


def upgrade() -> None:
    with op.batch_alter_table("post") as batch:
        batch.add_column(sa.Column("first_reply_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("first_reply_seconds", sa.Integer(), nullable=True))
        batch.create_index(
            "ix_post_awaiting", ["circle_id", "first_reply_at", "created_at"], unique=False
        )
        batch.create_index("ix_post_unanswered", ["first_reply_at", "created_at"], unique=False)
    with op.batch_alter_table("circle") as batch:
        batch.add_column(
            sa.Column("nudge_after_minutes", sa.Integer(), server_default="20", nullable=False)
        )
    # posts that already have replies are answered (from their first reply by someone else)
    op.execute(f"UPDATE post SET first_reply_at = {_FIRST_REPLY}")
    if op.get_bind().dialect.name == "postgresql":
        seconds = "CAST(extract(epoch FROM first_reply_at - created_at) AS INTEGER)"
    else:
        seconds = "CAST((julianday(first_reply_at) - julianday(created_at)) * 86400 AS INTEGER)"
    op.execute(
        f"UPDATE post SET first_reply_seconds = {seconds} WHERE first_reply_at IS NOT NULL"
    )
    op.create_table(
        "support_availability",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("circle_id", sa.Uuid(), nullable=False),
        sa.Column("until", UTCDateTime(), nullable=False),
        sa.Column("all_circles", sa.Boolean(), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["circle_id"], ["circle.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id", "circle_id"),
    )
    op.create_index(
        "ix_support_availability_circle", "support_availability", ["circle_id", "until"]
    )
    op.create_table(
        "support_nudge",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("post_id", sa.Uuid(), nullable=False),
        sa.Column("circle_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("nudged_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["circle_id"], ["circle.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ux_support_nudge_post_seq", "support_nudge", ["post_id", "seq"], unique=True)
    op.create_index("ix_support_nudge_member", "support_nudge", ["member_id", "nudged_at"])
    op.create_index("ix_support_nudge_circle_id", "support_nudge", ["circle_id"])


def downgrade() -> None:
    op.drop_table("support_nudge")
    op.drop_table("support_availability")
    with op.batch_alter_table("circle") as batch:
        batch.drop_column("nudge_after_minutes")
    with op.batch_alter_table("post") as batch:
        batch.drop_index("ix_post_unanswered")
        batch.drop_index("ix_post_awaiting")
        batch.drop_column("first_reply_seconds")
        batch.drop_column("first_reply_at")

"""retention: partial indexes for the hourly purge (removed content, read and unread
notifications)

The retention job's deletes scanned whole tables every hour in every worker: post and
reply by ``removed_at``, notification by ``read_at`` and, for items never read, by
``created_at``. Each index holds only the rows its purge looks at. On PostgreSQL they
are built ``CONCURRENTLY``, outside the migration's transaction, so writes to these
busy tables go on while they build.

Revision ID: 0012_retention_indexes
Revises: 0011_idempotency
Create Date: 2026-12-07 12:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_retention_indexes"
down_revision: str | Sequence[str] | None = "0011_idempotency"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_post_removed", "post", "removed_at", "removed_at IS NOT NULL"),
    ("ix_reply_removed", "reply", "removed_at", "removed_at IS NOT NULL"),
    ("ix_notification_read", "notification", "read_at", "read_at IS NOT NULL"),
    ("ix_notification_unread_created", "notification", "created_at", "read_at IS NULL"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for name, table, column, where in INDEXES:
            op.create_index(name, table, [column], sqlite_where=sa.text(where))
        return
    with op.get_context().autocommit_block():
        for name, table, column, where in INDEXES:
            # a concurrent build that failed leaves an INVALID index of the same name
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
            op.create_index(
                name,
                table,
                [column],
                postgresql_where=sa.text(where),
                postgresql_concurrently=True,
            )


def downgrade() -> None:
    for name, table, _, _ in INDEXES:
        op.drop_index(name, table_name=table)

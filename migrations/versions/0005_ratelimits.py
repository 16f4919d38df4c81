"""contact details flag on posts and replies; display-name skeletons

Revision ID: 0005_ratelimits
Revises: 0004
Create Date: 2026-12-05 08:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401

from infra.confusables import ConfusableSkeleton


# revision identifiers, used by Alembic.
revision: str = '0005_ratelimits'
down_revision: Union[str, Sequence[str], None] = '0005_trustedinfo'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    for table in ('post', 'reply'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    'contact_masked',
                    sqlmodel.sql.sqltypes.AutoString(length=80),
                    nullable=True,
                )
            )
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'name_skeleton', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True
            )
        )
    _backfill_skeletons()
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index('ux_member_name_skeleton', ['name_skeleton'], unique=True)


def _backfill_skeletons() -> None:
    """Oldest member first; a later name that looks like an earlier one keeps NULL
    (it was allowed when chosen) until its member renames."""
    connection = op.get_bind()
    member = sa.table(
        'member',
        sa.column('id', sa.Uuid()),
        sa.column('display_name', sa.String()),
        sa.column('created_at'),
        sa.column('name_skeleton', sa.String()),
    )
    skeleton = ConfusableSkeleton()
    seen: set[str] = set()
    rows = connection.execute(
        sa.select(member.c.id, member.c.display_name).order_by(member.c.created_at, member.c.id)
    ).all()
    for member_id, display_name in rows:
        key = skeleton(display_name)
        if key in seen:
            continue
        seen.add(key)
        connection.execute(
            member.update().where(member.c.id == member_id).values(name_skeleton=key)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_index('ux_member_name_skeleton')
        batch_op.drop_column('name_skeleton')
    for table in ('reply', 'post'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('contact_masked')

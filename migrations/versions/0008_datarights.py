"""data rights: consents, data exports and their chunks

Revision ID: 0008_datarights
Revises: 0007_moderation
Create Date: 2026-12-05 08:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401
import infra.db.types  # noqa: F401


# revision identifiers, used by Alembic.
revision: str = '0008_datarights'
down_revision: Union[str, Sequence[str], None] = '0007_moderation'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('consent',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('given_at', infra.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', infra.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index('ix_consent_member_kind', ['member_id', 'kind', 'given_at'], unique=False)

    op.create_table('data_export',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('requested_at', infra.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', infra.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', infra.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_until', infra.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('data_export', schema=None) as batch_op:
        batch_op.create_index('ix_data_export_member_requested', ['member_id', 'requested_at'], unique=False)
        batch_op.create_index('ix_data_export_status', ['status', 'requested_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_export_expires_at'), ['expires_at'], unique=False)

    op.create_table('data_export_chunk',
    sa.Column('export_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['export_id'], ['data_export.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('export_id', 'seq')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('data_export_chunk')
    with op.batch_alter_table('data_export', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_export_expires_at'))
        batch_op.drop_index('ix_data_export_status')
        batch_op.drop_index('ix_data_export_member_requested')
    op.drop_table('data_export')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_member_kind')
    op.drop_table('consent')

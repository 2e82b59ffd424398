"""commitments flagged as published KPIs and their ratings (Procurement Act 2023)

Revision ID: 172839a4b5c6
Revises: 06172839a4b5
Create Date: 2026-12-03 15:00:00

Two new columns on existing tables (commitments.is_kpi, contracts.kpi_exemption_reason), each with a server
default so existing rows are filled in, and the kpi_ratings table. The batch operations never rebuild a table
(recreate="never"): SQLite adds and drops these plain columns in place (ALTER TABLE ... ADD/DROP COLUMN, SQLite
3.35+), so the tables other tables refer to, and the ledger's triggers, are never touched.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '172839a4b5c6'
down_revision = '06172839a4b5'
branch_labels = None
depends_on = None

RATING = sa.Enum('good', 'approaching_target', 'requires_improvement', 'inadequate', 'other', name='kpiratingvalue',
                 native_enum=False, length=30)


def upgrade():
    with op.batch_alter_table('commitments', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('is_kpi', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('contracts', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('kpi_exemption_reason', sa.Text(), server_default='', nullable=False))
    op.create_table(
        'kpi_ratings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('commitment_id', sa.Integer(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('rating', RATING, nullable=False),
        sa.Column('suggested_rating', RATING, nullable=False),
        sa.Column('confirmed_quantity', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('expected_quantity', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('narrative', sa.Text(), nullable=False),
        sa.Column('rated_by_id', sa.Integer(), nullable=False),
        sa.Column('rated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'],
                                name=op.f('fk_kpi_ratings_commitment_id_commitments')),
        sa.ForeignKeyConstraint(['rated_by_id'], ['users.id'], name=op.f('fk_kpi_ratings_rated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_ratings')),
        sa.UniqueConstraint('commitment_id', 'period_start', 'period_end', name='uq_kpi_ratings_commitment_period'),
    )
    op.create_index('ix_kpi_ratings_commitment_id', 'kpi_ratings', ['commitment_id'])


def downgrade():
    op.drop_index('ix_kpi_ratings_commitment_id', table_name='kpi_ratings')
    op.drop_table('kpi_ratings')
    with op.batch_alter_table('contracts', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('kpi_exemption_reason')
    with op.batch_alter_table('commitments', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('is_kpi')

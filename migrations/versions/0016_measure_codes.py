"""measure codes in other frameworks: one code per scheme for each measure

Revision ID: 5b6c7d8e9f0a
Revises: 4a5b6c7d8e9f
Create Date: 2026-12-03 21:50:00
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '5b6c7d8e9f0a'
down_revision = '4a5b6c7d8e9f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'measure_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('measure_id', sa.Integer(), nullable=False),
        sa.Column('scheme', sa.String(length=40), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_measure_codes_measure_id_measures'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_codes')),
        sa.UniqueConstraint('measure_id', 'scheme', name=op.f('uq_measure_codes_measure_id')),
    )
    op.create_index(op.f('ix_measure_codes_measure_id'), 'measure_codes', ['measure_id'])


def downgrade():
    op.drop_index(op.f('ix_measure_codes_measure_id'), table_name='measure_codes')
    op.drop_table('measure_codes')

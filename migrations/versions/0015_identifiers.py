"""identifiers other systems use: an organisation's register and number, an area's ONS code, a contract's OCID and
Find a Tender notice

Revision ID: 4a5b6c7d8e9f
Revises: 394a5b6c7d8e
Create Date: 2026-12-03 19:20:00
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '4a5b6c7d8e9f'
down_revision = '394a5b6c7d8e'
branch_labels = None
depends_on = None

SCHEMES = ('GB-COH', 'GB-CHC', 'GB-SC', 'GB-NIC', 'GB-PPON')


def upgrade():
    with op.batch_alter_table('organisations') as batch:
        batch.add_column(sa.Column('identifier_scheme', sa.Enum(*SCHEMES, name='identifierscheme', native_enum=False,
                                                               length=20), nullable=True))
    with op.batch_alter_table('areas') as batch:
        batch.add_column(sa.Column('ons_code', sa.String(length=9), nullable=True))
        batch.create_unique_constraint(batch.f('uq_areas_ons_code'), ['ons_code'])
    with op.batch_alter_table('contracts') as batch:
        batch.add_column(sa.Column('ocid', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('notice_id', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('contracts') as batch:
        batch.drop_column('notice_id')
        batch.drop_column('ocid')
    with op.batch_alter_table('areas') as batch:
        batch.drop_constraint(batch.f('uq_areas_ons_code'), type_='unique')
        batch.drop_column('ons_code')
    with op.batch_alter_table('organisations') as batch:
        batch.drop_column('identifier_scheme')

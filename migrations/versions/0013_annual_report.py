"""the published case studies each council chose for its annual report

Revision ID: 28394a5b6c7d
Revises: 172839a4b5c6
Create Date: 2026-12-03 15:30:00
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '28394a5b6c7d'
down_revision = '172839a4b5c6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'annual_report_case_studies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('buyer_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('case_study_id', sa.Integer(), nullable=False),
        sa.Column('chosen_by_id', sa.Integer(), nullable=False),
        sa.Column('chosen_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['buyer_id'], ['organisations.id'],
                                name=op.f('fk_annual_report_case_studies_buyer_id_organisations')),
        sa.ForeignKeyConstraint(['case_study_id'], ['case_studies.id'],
                                name=op.f('fk_annual_report_case_studies_case_study_id_case_studies')),
        sa.ForeignKeyConstraint(['chosen_by_id'], ['users.id'],
                                name=op.f('fk_annual_report_case_studies_chosen_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_report_case_studies')),
        sa.UniqueConstraint('buyer_id', 'year', 'case_study_id',
                            name='uq_annual_report_case_studies_buyer_year_case_study'),
    )
    op.create_index(op.f('ix_annual_report_case_studies_case_study_id'), 'annual_report_case_studies',
                    ['case_study_id'])


def downgrade():
    op.drop_index(op.f('ix_annual_report_case_studies_case_study_id'), table_name='annual_report_case_studies')
    op.drop_table('annual_report_case_studies')

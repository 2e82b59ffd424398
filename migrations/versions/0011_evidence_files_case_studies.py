"""evidence files on deliveries and confirmations, and case studies

Revision ID: 06172839a4b5
Revises: f5061728394a
Create Date: 2026-12-03 15:00:00
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '06172839a4b5'
down_revision = 'f5061728394a'
branch_labels = None
depends_on = None


STAGE = sa.Enum('delivered', 'confirmed', name='evidencestage', native_enum=False, length=20)
CASE_STUDY_STATUS = sa.Enum('pending', 'published', 'declined', name='casestudystatus', native_enum=False, length=20)


def upgrade():
    op.create_table(
        'evidence_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pledge_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('stage', STAGE, nullable=False),
        sa.Column('original_name', sa.String(length=120), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], name=op.f('fk_evidence_files_pledge_id_pledges')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_evidence_files_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_files')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_evidence_files_stored_name')),
    )
    op.create_index('ix_evidence_files_pledge_id', 'evidence_files', ['pledge_id'])
    op.create_table(
        'case_studies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pledge_id', sa.Integer(), nullable=False),
        sa.Column('ledger_entry_id', sa.Integer(), nullable=False),
        sa.Column('story', sa.Text(), nullable=False),
        sa.Column('edited_story', sa.Text(), nullable=False),
        sa.Column('status', CASE_STUDY_STATUS, nullable=False),
        sa.Column('consent_by_id', sa.Integer(), nullable=False),
        sa.Column('consent_at', sa.DateTime(), nullable=False),
        sa.Column('moderated_by_id', sa.Integer(), nullable=True),
        sa.Column('moderated_at', sa.DateTime(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['consent_by_id'], ['users.id'], name=op.f('fk_case_studies_consent_by_id_users')),
        sa.ForeignKeyConstraint(['ledger_entry_id'], ['ledger_entries.id'],
                                name=op.f('fk_case_studies_ledger_entry_id_ledger_entries')),
        sa.ForeignKeyConstraint(['moderated_by_id'], ['users.id'], name=op.f('fk_case_studies_moderated_by_id_users')),
        sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], name=op.f('fk_case_studies_pledge_id_pledges')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_studies')),
        sa.UniqueConstraint('ledger_entry_id', name=op.f('uq_case_studies_ledger_entry_id')),
        sa.UniqueConstraint('pledge_id', name=op.f('uq_case_studies_pledge_id')),
    )
    op.create_index('ix_case_studies_status', 'case_studies', ['status'])


def downgrade():
    op.drop_index('ix_case_studies_status', table_name='case_studies')
    op.drop_table('case_studies')
    op.drop_index('ix_evidence_files_pledge_id', table_name='evidence_files')
    op.drop_table('evidence_files')

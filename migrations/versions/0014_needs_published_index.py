"""needs published in a period, counted by kind, area and outcome from one index

Revision ID: 394a5b6c7d8e
Revises: 28394a5b6c7d
Create Date: 2026-12-03 18:55:00
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '394a5b6c7d8e'
down_revision = '28394a5b6c7d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_needs_published', 'needs', ['opened_at', 'id', 'status', 'category', 'area_id'])


def downgrade():
    op.drop_index('ix_needs_published', table_name='needs')

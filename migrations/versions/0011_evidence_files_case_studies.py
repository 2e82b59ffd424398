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


def upgrade():
    pass


def downgrade():
    pass

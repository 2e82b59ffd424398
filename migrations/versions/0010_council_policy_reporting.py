"""the council's social value policy, and what the reports need

Revision ID: f5061728394a
Revises: e4f506172839
Create Date: 2026-12-03 15:00:00
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'f5061728394a'
down_revision = 'e4f506172839'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

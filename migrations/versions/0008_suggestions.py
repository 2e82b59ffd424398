"""suggestions: open needs scored against commitments, and suppliers' dismissals

Revision ID: d3e4f5061728
Revises: c2d3e4f50617
Create Date: 2026-12-03 11:30:00
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'd3e4f5061728'
down_revision = 'c2d3e4f50617'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

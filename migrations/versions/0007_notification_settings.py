"""notification settings per user and kind of email, and reminders sent

Revision ID: c2d3e4f50617
Revises: b1c2d3e4f506
Create Date: 2026-12-03 11:30:00
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c2d3e4f50617'
down_revision = 'b1c2d3e4f506'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

"""standing offers, the requests VCSEs make of them, and pledges that answer a request

Revision ID: e4f506172839
Revises: d3e4f5061728
Create Date: 2026-12-03 11:30:00
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e4f506172839'
down_revision = 'd3e4f5061728'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

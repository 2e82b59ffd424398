"""the worker's schedule: one row per scheduled job, its lock and last run

Revision ID: b1c2d3e4f506
Revises: a6f7e8d9c0b1
Create Date: 2026-12-03 11:30:00
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'b1c2d3e4f506'
down_revision = 'a6f7e8d9c0b1'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

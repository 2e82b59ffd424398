"""commitments flagged as published KPIs and their ratings (Procurement Act 2023)

Revision ID: 172839a4b5c6
Revises: 06172839a4b5
Create Date: 2026-12-03 15:00:00
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '172839a4b5c6'
down_revision = '06172839a4b5'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

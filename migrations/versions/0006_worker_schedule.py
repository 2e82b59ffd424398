"""the worker's schedule: one row per scheduled job, its lock and last run

Revision ID: b1c2d3e4f506
Revises: a6f7e8d9c0b1
Create Date: 2026-12-03 11:30:00

Workers claim a job with one guarded UPDATE of its row (app/services/schedule.py), so a job runs
once per period and never twice at once, whatever the number of workers.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'b1c2d3e4f506'
down_revision = 'a6f7e8d9c0b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scheduled_jobs',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('last_started_at', sa.DateTime(), nullable=True),
    sa.Column('last_finished_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduled_jobs'))
    )


def downgrade():
    op.drop_table('scheduled_jobs')

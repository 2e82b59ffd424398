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
    op.create_table(
        "suggestions",
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("area_points", sa.Integer(), nullable=False),
        sa.Column("shared_themes", sa.Integer(), nullable=False),
        sa.Column("before_due", sa.Boolean(), nullable=False),
        sa.Column("behind_points", sa.Integer(), nullable=False),
        sa.Column("delivered_percent", sa.Integer(), nullable=False),
        sa.Column("elapsed_percent", sa.Integer(), nullable=False),
        sa.Column("needed_by", sa.Date(), nullable=False),
        sa.Column("scored_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["commitment_id"], ["commitments.id"], name=op.f("fk_suggestions_commitment_id_commitments"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["need_id"], ["needs.id"], name=op.f("fk_suggestions_need_id_needs"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["supplier_id"], ["organisations.id"], name=op.f("fk_suggestions_supplier_id_organisations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("commitment_id", "need_id", name=op.f("pk_suggestions")),
    )
    op.create_index("ix_suggestions_supplier_score", "suggestions", ["supplier_id", "score"])
    op.create_index("ix_suggestions_commitment_score", "suggestions", ["commitment_id", "score"])
    op.create_index(op.f("ix_suggestions_need_id"), "suggestions", ["need_id"])
    op.create_table(
        "suggestion_dismissals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("dismissed_by_id", sa.Integer(), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["dismissed_by_id"], ["users.id"], name=op.f("fk_suggestion_dismissals_dismissed_by_id_users")),
        sa.ForeignKeyConstraint(["need_id"], ["needs.id"], name=op.f("fk_suggestion_dismissals_need_id_needs"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["supplier_id"], ["organisations.id"], name=op.f("fk_suggestion_dismissals_supplier_id_organisations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_dismissals")),
        sa.UniqueConstraint("supplier_id", "need_id", name="uq_suggestion_dismissals_supplier_need"),
    )
    op.create_index(op.f("ix_suggestion_dismissals_need_id"), "suggestion_dismissals", ["need_id"])
    op.create_table(
        "suggestion_refreshes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("commitment_id", sa.Integer(), nullable=True),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_refreshes")),
    )


def downgrade():
    op.drop_table("suggestion_refreshes")
    op.drop_index(op.f("ix_suggestion_dismissals_need_id"), table_name="suggestion_dismissals")
    op.drop_table("suggestion_dismissals")
    op.drop_index(op.f("ix_suggestions_need_id"), table_name="suggestions")
    op.drop_index("ix_suggestions_commitment_score", table_name="suggestions")
    op.drop_index("ix_suggestions_supplier_score", table_name="suggestions")
    op.drop_table("suggestions")

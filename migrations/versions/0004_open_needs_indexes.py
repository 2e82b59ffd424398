"""indexes that keep the public needs list fast at 100,000 needs

Revision ID: 5b7e0c4d2a91
Revises: 14edb4b481ff
Create Date: 2026-12-02 18:20:00

The list, its count and its filters read only open needs, so each index is partial
(WHERE status = 'open') and narrow: the page and the count are answered from the index
without reading the wide rows. On PostgreSQL the search words are kept as a stored
tsvector so a row is never re-parsed to test it.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '5b7e0c4d2a91'
down_revision = '14edb4b481ff'
branch_labels = None
depends_on = None

OPEN = "status = 'open'"
FILTERS = "category, area_id, measure_id"
INDEXES = {
    "ix_needs_open_newest": f"opened_at, id, {FILTERS}",
    "ix_needs_open_soonest": f"needed_by, id, {FILTERS}",
    "ix_needs_open_by_id": f"id, {FILTERS}",
}


def upgrade():
    for name, columns in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON needs ({columns}) WHERE {OPEN}")
    op.drop_index("ix_needs_status_created", table_name="needs")  # the open-needs indexes replace it
    op.drop_index("ix_need_themes_theme_id", table_name="need_themes")
    op.create_index("ix_need_themes_theme_id_need_id", "need_themes", ["theme_id", "need_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_needs_search")
        op.execute("ALTER TABLE needs ADD COLUMN search_vector tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, search_text)) STORED")
        op.execute(f"CREATE INDEX ix_needs_open_search ON needs USING gin (search_vector) WHERE {OPEN}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_needs_open_search")
        op.execute("ALTER TABLE needs DROP COLUMN IF EXISTS search_vector")
        op.execute("CREATE INDEX ix_needs_search ON needs USING gin (to_tsvector('english'::regconfig, search_text))")
    op.drop_index("ix_need_themes_theme_id_need_id", table_name="need_themes")
    op.create_index("ix_need_themes_theme_id", "need_themes", ["theme_id"])
    for name in INDEXES:
        op.drop_index(name, table_name="needs")
    op.create_index("ix_needs_status_created", "needs", ["status", "created_at"])

"""standing offers, the requests VCSEs make of them, and pledges that answer a request

Revision ID: e4f506172839
Revises: d3e4f5061728
Create Date: 2026-12-03 11:30:00

A pledge now names the VCSE it is for (vcse_id, filled in from each pledge's need), and may answer a request for
an offer instead of a need, so pledges.need_id and ledger_entries.need_id may be empty. Existing rows are kept.
On SQLite the two tables are rebuilt (batch mode): the ledger's append-only triggers and its partial unique index
are taken off first and put back after, and foreign keys are switched off for the rebuild (dropping a table that
others refer to would otherwise fail) and checked once at the end.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e4f506172839'
down_revision = 'd3e4f5061728'
branch_labels = None
depends_on = None

OPEN = "status = 'open'"
LEDGER_MESSAGE = "ledger entries are append-only: reverse an entry instead of changing or deleting it"
CATEGORY = sa.Enum('space', 'volunteers', 'advice', 'equipment', 'other', name='needcategory', native_enum=False,
                   length=20)
OFFER_STATUS = sa.Enum('draft', 'pending_review', 'changes_requested', 'rejected', 'open', 'hidden', 'closed',
                       'expired', name='offerstatus', native_enum=False, length=20)
REQUEST_STATUS = sa.Enum('requested', 'accepted', 'declined', 'withdrawn', name='offerrequeststatus', native_enum=False,
                         length=20)


def _is_sqlite() -> bool:
    """Whether this database is SQLite."""
    return op.get_bind().dialect.name == "sqlite"


def _create_offers():
    """The offers table, its areas and themes, and the requests made of offers."""
    op.create_table(
        'offers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('supplier_id', sa.Integer(), nullable=False),
        sa.Column('commitment_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('summary', sa.String(length=300), nullable=False),
        sa.Column('description_source', sa.Text(), nullable=False),
        sa.Column('description_html', sa.Text(), nullable=False),
        sa.Column('search_text', sa.Text(), nullable=False),
        sa.Column('category', CATEGORY, nullable=False),
        sa.Column('measure_id', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('most_per_request', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('available_from', sa.Date(), nullable=False),
        sa.Column('available_until', sa.Date(), nullable=False),
        sa.Column('how_to_request', sa.Text(), nullable=False),
        sa.Column('status', OFFER_STATUS, nullable=False),
        sa.Column('moderation_note', sa.Text(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=True),
        sa.Column('opened_at', sa.DateTime(), nullable=True),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_offers_commitment_id_commitments')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_offers_created_by_id_users')),
        sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_offers_measure_id_measures')),
        sa.ForeignKeyConstraint(['supplier_id'], ['organisations.id'], name=op.f('fk_offers_supplier_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offers')),
    )
    op.create_index('ix_offers_commitment_id', 'offers', ['commitment_id'])
    op.create_index('ix_offers_measure_id', 'offers', ['measure_id'])
    op.create_index('ix_offers_supplier_id', 'offers', ['supplier_id'])
    op.create_index('ix_offers_status_available_until', 'offers', ['status', 'available_until'])
    op.execute(f"CREATE INDEX ix_offers_open_newest ON offers (opened_at, id, category, measure_id) WHERE {OPEN}")
    op.execute(f"CREATE INDEX ix_offers_open_ending ON offers (available_until, id, category, measure_id) WHERE {OPEN}")
    op.execute(f"CREATE INDEX ix_offers_open_by_id ON offers (id, category, measure_id) WHERE {OPEN}")
    for name, other in (('areas', 'area'), ('themes', 'theme')):
        op.create_table(
            f'offer_{name}',
            sa.Column('offer_id', sa.Integer(), nullable=False),
            sa.Column(f'{other}_id', sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint([f'{other}_id'], [f'{name}.id'], name=op.f(f'fk_offer_{name}_{other}_id_{name}'),
                                    ondelete='CASCADE'),
            sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f(f'fk_offer_{name}_offer_id_offers'),
                                    ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('offer_id', f'{other}_id', name=op.f(f'pk_offer_{name}')),
        )
        op.create_index(f'ix_offer_{name}_{other}_id_offer_id', f'offer_{name}', [f'{other}_id', 'offer_id'])
    op.create_table(
        'offer_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.Column('vcse_id', sa.Integer(), nullable=False),
        sa.Column('supplier_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('wanted_on', sa.Date(), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('status', REQUEST_STATUS, nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('responded_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_offer_requests_created_by_id_users')),
        sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_offer_requests_offer_id_offers')),
        sa.ForeignKeyConstraint(['supplier_id'], ['organisations.id'],
                                name=op.f('fk_offer_requests_supplier_id_organisations')),
        sa.ForeignKeyConstraint(['vcse_id'], ['organisations.id'], name=op.f('fk_offer_requests_vcse_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_requests')),
    )
    for column in ('offer_id', 'status', 'supplier_id', 'vcse_id'):
        op.create_index(f'ix_offer_requests_{column}', 'offer_requests', [column])


# Search, as for needs (migrations 0002 and 0004): a stored tsvector on PostgreSQL, FTS5 kept by triggers on SQLite.
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE offers_fts USING fts5(search_text, content='offers', content_rowid='id')",
    "CREATE TRIGGER offers_fts_insert AFTER INSERT ON offers BEGIN "
    "INSERT INTO offers_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER offers_fts_delete AFTER DELETE ON offers BEGIN "
    "INSERT INTO offers_fts(offers_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER offers_fts_update AFTER UPDATE OF search_text ON offers BEGIN "
    "INSERT INTO offers_fts(offers_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO offers_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]


def _create_search_objects():
    """The offers' search index for this database."""
    if _is_sqlite():
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE offers ADD COLUMN search_vector tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, search_text)) STORED")
        op.execute(f"CREATE INDEX ix_offers_open_search ON offers USING gin (search_vector) WHERE {OPEN}")


def _drop_ledger_guards():
    """SQLite: take off what a table rebuild would lose (triggers) or copy wrongly (the partial unique index)."""
    for kind in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS ledger_entries_no_{kind}")
    op.execute("DROP INDEX IF EXISTS uq_ledger_entries_delivery_pledge")


def _restore_ledger_guards():
    """SQLite: put the ledger's partial unique index and append-only triggers back (as migrations 0003 and 0005)."""
    op.execute("CREATE UNIQUE INDEX uq_ledger_entries_delivery_pledge ON ledger_entries (pledge_id) "
               "WHERE reverses_id IS NULL")
    for kind in ("update", "delete"):
        op.execute(f"CREATE TRIGGER ledger_entries_no_{kind} BEFORE {kind.upper()} ON ledger_entries "
                   f"BEGIN SELECT RAISE(ABORT, '{LEDGER_MESSAGE}'); END")


def _foreign_keys(on: bool) -> None:
    """SQLite: switch foreign key enforcement; the pragma only works outside a transaction, so commit first.

    SQLite's DDL here is not transactional anyway (Alembic says so), so committing what ran before loses nothing.
    """
    connection = op.get_bind()
    raw = connection.connection.driver_connection
    if raw.in_transaction:
        raw.commit()
    connection.exec_driver_sql(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def _check_foreign_keys():
    """SQLite: with enforcement off during the rebuild, refuse to finish if any reference is now broken."""
    broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:5]}")


def upgrade():
    _create_offers()
    _create_search_objects()
    sqlite = _is_sqlite()
    if sqlite:
        # A rebuild drops and renames tables other tables refer to; check references once, at the end.
        _foreign_keys(False)
        _drop_ledger_guards()
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offer_request_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('vcse_id', sa.Integer(), nullable=True))
        batch_op.alter_column('need_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_pledges_offer_request_id_offer_requests'), 'offer_requests',
                                    ['offer_request_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_pledges_vcse_id_organisations'), 'organisations',
                                    ['vcse_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_pledges_offer_request_id'), ['offer_request_id'])
        batch_op.create_index(batch_op.f('ix_pledges_vcse_id'), ['vcse_id'], unique=False)
    # Every pledge so far met a need: it is for that need's organisation.
    op.execute("UPDATE pledges SET vcse_id = (SELECT needs.organisation_id FROM needs WHERE needs.id = pledges.need_id)")
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.alter_column('vcse_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.alter_column('need_id', existing_type=sa.Integer(), nullable=True)
    if sqlite:
        _restore_ledger_guards()
        _check_foreign_keys()
        _foreign_keys(True)


def downgrade():
    sqlite = _is_sqlite()
    if sqlite:
        _foreign_keys(False)
        _drop_ledger_guards()
    # Entries and pledges for offer requests have no need; they cannot survive a schema that demands one.
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.alter_column('need_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledges_vcse_id'))
        batch_op.drop_constraint(batch_op.f('uq_pledges_offer_request_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_pledges_vcse_id_organisations'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_pledges_offer_request_id_offer_requests'), type_='foreignkey')
        batch_op.alter_column('need_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('vcse_id')
        batch_op.drop_column('offer_request_id')
    if sqlite:
        _restore_ledger_guards()
        _check_foreign_keys()
        _foreign_keys(True)
        for trigger in ("offers_fts_insert", "offers_fts_delete", "offers_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS offers_fts")
    op.drop_table('offer_requests')
    op.drop_table('offer_themes')
    op.drop_table('offer_areas')
    op.drop_table('offers')

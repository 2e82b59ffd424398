"""the council's social value policy, and each commitment's ledger totals kept by the database

Revision ID: f5061728394a
Revises: e4f506172839
Create Date: 2026-12-03 15:00:00

council_policies: one row per council (buyer organisation): the contract value above which social value is
expected, and the level expected (a % of contract value and/or pounds of social value per pound of spend).

ix_ledger_entries_delivered_on: reports read a period's entries by delivery date; ix_pledges_need_first and
ix_ledger_entries_need_first_delivery find a need's first pledge and first confirmed delivery from the index alone.

commitment_ledger_totals: per commitment, the sums of its ledger entries (units, pence, entries), added to by a
trigger on every ledger insert. The ledger is append-only (migration 0005), so an insert is the only write that
can change a sum; the portfolio reads these instead of adding up every entry of every contract on each request.
The test suite proves the totals equal the ledger's own sums after every kind of write. Existing entries are
added up once here.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'f5061728394a'
down_revision = 'e4f506172839'
branch_labels = None
depends_on = None

UPSERT = """
    INSERT INTO commitment_ledger_totals (commitment_id, contract_id, quantity, value_pence, entries)
    VALUES (NEW.commitment_id, NEW.contract_id, NEW.quantity, NEW.value_pence, 1)
    ON CONFLICT (commitment_id) DO UPDATE SET
        quantity = commitment_ledger_totals.quantity + excluded.quantity,
        value_pence = commitment_ledger_totals.value_pence + excluded.value_pence,
        entries = commitment_ledger_totals.entries + 1;
"""


def upgrade():
    op.create_table(
        'council_policies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('buyer_id', sa.Integer(), nullable=False),
        sa.Column('threshold_pence', sa.BigInteger(), nullable=False),
        sa.Column('percent_of_value', sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column('pounds_per_pound', sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['buyer_id'], ['organisations.id'], name=op.f('fk_council_policies_buyer_id_organisations')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_council_policies_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_council_policies')),
        sa.UniqueConstraint('buyer_id', name=op.f('uq_council_policies_buyer_id')),
    )
    op.create_table(
        'commitment_ledger_totals',
        sa.Column('commitment_id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('value_pence', sa.BigInteger(), nullable=False),
        sa.Column('entries', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'],
                                name=op.f('fk_commitment_ledger_totals_commitment_id_commitments')),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                                name=op.f('fk_commitment_ledger_totals_contract_id_contracts')),
        sa.PrimaryKeyConstraint('commitment_id', name=op.f('pk_commitment_ledger_totals')),
    )
    op.create_index(op.f('ix_commitment_ledger_totals_contract_id'), 'commitment_ledger_totals', ['contract_id'])
    op.create_index('ix_ledger_entries_delivered_on', 'ledger_entries', ['delivered_on'])
    op.create_index('ix_ledger_entries_need_first_delivery', 'ledger_entries', ['need_id', 'delivered_on'],
                    postgresql_where=sa.text('reverses_id IS NULL'), sqlite_where=sa.text('reverses_id IS NULL'))
    op.create_index('ix_pledges_need_first', 'pledges', ['need_id', 'created_at'])
    op.execute("INSERT INTO commitment_ledger_totals (commitment_id, contract_id, quantity, value_pence, entries) "
               "SELECT commitment_id, contract_id, SUM(quantity), SUM(value_pence), COUNT(*) FROM ledger_entries "
               "GROUP BY commitment_id, contract_id")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION ledger_entries_add_to_totals() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                {UPSERT}
                RETURN NULL;
            END $$""")
        op.execute("CREATE TRIGGER ledger_entries_add_to_totals AFTER INSERT ON ledger_entries "
                   "FOR EACH ROW EXECUTE FUNCTION ledger_entries_add_to_totals()")
    else:
        op.execute(f"CREATE TRIGGER ledger_entries_add_to_totals AFTER INSERT ON ledger_entries BEGIN {UPSERT} END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_add_to_totals ON ledger_entries")
        op.execute("DROP FUNCTION IF EXISTS ledger_entries_add_to_totals()")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_add_to_totals")
    op.drop_index('ix_pledges_need_first', table_name='pledges')
    op.drop_index('ix_ledger_entries_need_first_delivery', table_name='ledger_entries')
    op.drop_index('ix_ledger_entries_delivered_on', table_name='ledger_entries')
    op.drop_index(op.f('ix_commitment_ledger_totals_contract_id'), table_name='commitment_ledger_totals')
    op.drop_table('commitment_ledger_totals')
    op.drop_table('council_policies')

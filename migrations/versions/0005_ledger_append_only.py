"""the database refuses to change or delete ledger entries

Revision ID: a6f7e8d9c0b1
Revises: 5b7e0c4d2a91
Create Date: 2026-12-09 10:00:00

The ORM already refuses (app/models/ledger.py), but SQL that never passes through a session
(a psql prompt, a script, a bulk statement) would not be stopped. These triggers make the
ledger append-only in the database itself: a wrong entry is corrected by a reversing entry.

PostgreSQL: a row trigger, so TRUNCATE (used only by the test suite to empty tables between
tests) does not fire it. SQLite: one trigger per statement kind; the test suite drops and
recreates them around its clean-up (tests/conftest.py).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a6f7e8d9c0b1'
down_revision = '5b7e0c4d2a91'
branch_labels = None
depends_on = None

MESSAGE = "ledger entries are append-only: reverse an entry instead of changing or deleting it"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
            END
            $$""")
        op.execute("CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries "
                   "FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()")
    elif op.get_bind().dialect.name == "sqlite":
        for kind in ("update", "delete"):
            op.execute(f"CREATE TRIGGER ledger_entries_no_{kind} BEFORE {kind.upper()} ON ledger_entries "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_append_only ON ledger_entries")
        op.execute("DROP FUNCTION IF EXISTS ledger_entries_append_only()")
    elif op.get_bind().dialect.name == "sqlite":
        for kind in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS ledger_entries_no_{kind}")

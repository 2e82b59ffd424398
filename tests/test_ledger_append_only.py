"""The ledger is append-only all the way down: the ORM, bulk statements and the database itself refuse changes."""
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.extensions import db
from app.models import LedgerEntry, LedgerIsAppendOnly
from app.services import ledger, pledges
from tests.loop_world import build_loop_world, delivered_pledge, user


@pytest.fixture
def entry_id(app, make, ctx) -> int:
    """One confirmed delivery of 10 hours at £12.21 an hour (£122.10)."""
    world = build_loop_world(app, make)
    with ctx():
        pledge = delivered_pledge(world, "10")
        entry = pledges.confirm_delivery(pledge.id, user(world.vcse_user), quantity=Decimal("10"))
        ledger.reverse_entry(entry.id, user(world.manager), reason="Checking that reversals still work")
        return entry.id


def _unchanged(ctx, entry_id: int) -> None:
    """The entry and its reversal are still there, exactly as written."""
    with ctx():
        assert db.session.get(LedgerEntry, entry_id).value_pence == 12210
        assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 2


@pytest.mark.parametrize("statement", [
    lambda: update(LedgerEntry).values(value_pence=1),
    lambda: update(LedgerEntry).where(LedgerEntry.value_pence > 0).values(value_pence=LedgerEntry.value_pence * 2),
    lambda: update(LedgerEntry.__table__).values(story="rewritten"),
    lambda: delete(LedgerEntry),
    lambda: delete(LedgerEntry.__table__).where(LedgerEntry.__table__.c.value_pence < 0),
], ids=["orm-update", "orm-update-where", "core-update", "orm-delete", "core-delete"])
def test_bulk_update_and_delete_through_a_session_are_refused(ctx, entry_id, statement):
    with ctx():
        with pytest.raises(LedgerIsAppendOnly, match="Reverse the entry instead"):
            db.session.execute(statement())
        db.session.rollback()
    _unchanged(ctx, entry_id)


@pytest.mark.parametrize("sql", [
    "UPDATE ledger_entries SET value_pence = 1",
    "UPDATE ledger_entries SET reverses_id = NULL WHERE reverses_id IS NOT NULL",
    "DELETE FROM ledger_entries WHERE reverses_id IS NOT NULL",
    "DELETE FROM ledger_entries",
])
def test_raw_sql_that_changes_or_deletes_entries_is_refused_by_the_database(ctx, entry_id, sql):
    with ctx():
        with db.engine.connect() as connection:
            with pytest.raises(DBAPIError, match="append-only"):
                connection.execute(text(sql))
            connection.rollback()
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(sql))
        db.session.rollback()
    _unchanged(ctx, entry_id)


def test_the_orm_still_refuses_to_change_or_delete_one_entry(ctx, entry_id):
    with ctx():
        db.session.get(LedgerEntry, entry_id).story = "rewritten"
        with pytest.raises(LedgerIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(LedgerEntry, entry_id))
        with pytest.raises(LedgerIsAppendOnly):
            db.session.commit()
        db.session.rollback()
    _unchanged(ctx, entry_id)


def test_a_second_delivery_entry_for_one_pledge_is_refused_by_the_database(ctx, entry_id):
    with ctx():
        original = db.session.get(LedgerEntry, entry_id)
        copy = {c.key: getattr(original, c.key) for c in LedgerEntry.__table__.columns if c.key not in ("id", "created_at")}
        db.session.add(LedgerEntry(**copy))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    _unchanged(ctx, entry_id)

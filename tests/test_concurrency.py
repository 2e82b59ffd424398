"""Rules that must hold when many people click at once, with real parallel connections.

On PostgreSQL the services take row locks (SELECT ... FOR UPDATE); on SQLite they take the
database write lock (BEGIN IMMEDIATE). Both runs of the suite exercise the same threads.
"""
import re
import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import LedgerEntry, Pledge, PledgeStatus
from app.services import pledges
from app.services.errors import DomainError
from tests.loop_world import build_loop_world, user

TODAY = date.today()


def run_at_once(app, count: int, work) -> list:
    """Run work(i) in `count` threads released together, each in its own app context; return results."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[i] = work(i)
            except Exception as error:  # collected and asserted by the test
                db.session.rollback()
                results[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return results


@pytest.fixture
def app_overrides():
    """Room in the pool for every thread's connection."""
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 20, "max_overflow": 40, "pool_timeout": 60}}


def test_fifty_simultaneous_confirmations_write_exactly_one_ledger_entry(app, make, ctx):
    world = build_loop_world(app, make)
    with ctx():
        pledge = pledges.make_pledge(user(world.supplier_user), need_id=world.need, commitment_id=world.commitment,
                                     quantity=Decimal("10"), message="", proposed_on=TODAY)
        pledges.accept_pledge(pledge.id, user(world.vcse_user))
        pledges.mark_delivered(pledge.id, user(world.supplier_user), quantity=Decimal("10"), delivered_on=TODAY,
                               note="Done")
        pledge_id = pledge.id

    def confirm(_):
        entry = pledges.confirm_delivery(pledge_id, user(world.vcse_user), quantity=Decimal("10"), story="Thanks")
        return entry.id

    results = run_at_once(app, 50, confirm)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors[:3]
    with ctx():
        entries = db.session.scalars(select(LedgerEntry)).all()
        assert len(entries) == 1
        assert set(results) == {entries[0].id}
        assert entries[0].value_pence == 12210
        assert db.session.get(Pledge, pledge_id).status is PledgeStatus.CONFIRMED


def test_thirty_simultaneous_pledges_never_over_allocate_a_commitment(app, make, ctx):
    world = build_loop_world(app, make, commitment_qty="10", need_qty="1000")

    def pledge_one(_):
        return pledges.make_pledge(user(world.supplier_user), need_id=world.need, commitment_id=world.commitment,
                                   quantity=Decimal("1"), message="", proposed_on=TODAY).id

    results = run_at_once(app, 30, pledge_one)
    winners = [r for r in results if isinstance(r, int)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 10 and len(losers) == 20
    for error in losers:
        assert isinstance(error, DomainError), repr(error)
        assert re.fullmatch(r"Only 0 hours left on that commitment", error.message), error.message
    with ctx():
        held = db.session.scalar(select(func.sum(Pledge.quantity)).where(Pledge.commitment_id == world.commitment))
        assert held == Decimal("10")


def test_simultaneous_pledges_from_two_commitments_never_over_allocate_a_need(app, make, ctx):
    world = build_loop_world(app, make, commitment_qty="100", need_qty="12")
    from tests.loop_world import add_contract

    _, second_commitment = add_contract(app, world.council, world.supplier, world.manager, world.measure, "100")
    commitments = [world.commitment, second_commitment]

    def pledge_two(i):
        return pledges.make_pledge(user(world.supplier_user), need_id=world.need, commitment_id=commitments[i % 2],
                                   quantity=Decimal("2"), message="", proposed_on=TODAY).id

    results = run_at_once(app, 20, pledge_two)
    assert len([r for r in results if isinstance(r, int)]) == 6
    for error in (r for r in results if isinstance(r, Exception)):
        assert re.fullmatch(r"Only 0 hours still needed", error.message), repr(error)
    with ctx():
        assert db.session.scalar(select(func.sum(Pledge.quantity)).where(Pledge.need_id == world.need)) == Decimal("12")

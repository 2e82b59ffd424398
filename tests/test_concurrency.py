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
from app.models import AuditEvent, LedgerEntry, Pledge, PledgeStatus
from app.services import contracts, pledges
from app.errors import DomainError
from tests.loop_world import build_loop_world, delivered_pledge, user

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
        pledge_id = delivered_pledge(world, "10").id

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


def _disputed(world, quantity: str = "2") -> int:
    """A pledge walked to disputed through the services, in the caller's app context."""
    pledge = pledges.make_pledge(user(world.supplier_user), need_id=world.need, commitment_id=world.commitment,
                                 quantity=Decimal(quantity), message="", proposed_on=TODAY)
    pledges.accept_pledge(pledge.id, user(world.vcse_user))
    pledges.mark_delivered(pledge.id, user(world.supplier_user), quantity=Decimal(quantity), delivered_on=TODAY,
                           note="Done")
    pledges.dispute_delivery(pledge.id, user(world.vcse_user), reason="Not all of it")
    return pledge.id


def test_a_moderator_confirming_while_another_cancels_a_dispute_leaves_each_pledge_consistent(app, make, ctx):
    world = build_loop_world(app, make)
    other_moderator = make.council_user("moderator", organisation_id=world.council)
    with ctx():
        pledge_ids = [_disputed(world) for _ in range(8)]

    def resolve(i):
        pledge_id = pledge_ids[i // 2]
        if i % 2:
            return pledges.resolve_dispute_by_cancelling(pledge_id, user(other_moderator), note="Nothing happened").id
        return pledges.resolve_dispute_by_confirming(pledge_id, user(world.moderator), quantity=Decimal("1"),
                                                     note="One hour happened").id

    results = run_at_once(app, 2 * len(pledge_ids), resolve)
    for error in (r for r in results if isinstance(r, Exception)):
        assert re.fullmatch(r"You cannot resolve a pledge that is (confirmed|cancelled)\.", str(error)), repr(error)
    with ctx():
        for n, pledge_id in enumerate(pledge_ids):
            pledge = db.session.get(Pledge, pledge_id)
            entries = db.session.scalar(select(func.count()).where(LedgerEntry.pledge_id == pledge_id))
            assert (pledge.status, entries) in {(PledgeStatus.CONFIRMED, 1), (PledgeStatus.CANCELLED, 0)}, pledge_id
            # Exactly one of the two moderators won: the other was refused.
            assert [isinstance(r, Exception) for r in results[2 * n:2 * n + 2]].count(True) == 1, pledge_id


def test_a_group_accepting_while_the_supplier_withdraws_lets_only_one_win(app, make, ctx):
    world = build_loop_world(app, make)
    with ctx():
        pledge_ids = [pledges.make_pledge(user(world.supplier_user), need_id=world.need, commitment_id=world.commitment,
                                          quantity=Decimal("1"), message="", proposed_on=TODAY).id for _ in range(8)]

    def act(i):
        pledge_id = pledge_ids[i // 2]
        if i % 2:
            return pledges.withdraw_pledge(pledge_id, user(world.supplier_user)).status
        return pledges.accept_pledge(pledge_id, user(world.vcse_user)).status

    results = run_at_once(app, 2 * len(pledge_ids), act)
    with ctx():
        for n, pledge_id in enumerate(pledge_ids):
            pair = results[2 * n:2 * n + 2]
            winners = [r for r in pair if not isinstance(r, Exception)]
            assert len(winners) == 1, pair
            assert db.session.get(Pledge, pledge_id).status is winners[0]
            assert all(isinstance(r, DomainError) for r in pair if isinstance(r, Exception)), pair


def test_ending_a_contract_several_times_at_once_ends_it_once(app, make, ctx):
    world = build_loop_world(app, make)

    def end(_):
        return contracts.end_contract(world.contract, user(world.manager), reason="Supplier went into administration").id

    results = run_at_once(app, 6, end)
    assert len([r for r in results if r == world.contract]) == 1, results
    for error in (r for r in results if isinstance(r, Exception)):
        assert str(error) == "This contract has already ended.", repr(error)
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "contract.ended")) == 1


def test_pledges_to_many_different_needs_never_over_allocate_one_commitment(app, make, ctx):
    """Each thread locks its own need, so only the commitment's lock stands between them."""
    world = build_loop_world(app, make, commitment_qty="10", need_qty="5")
    area, theme = make.area(), make.theme()
    needs = [make.need(world.vcse, status="open", category="volunteers", measure_id=world.measure, quantity="5",
                       area_id=area, theme_ids=[theme]) for _ in range(24)]

    def pledge_one(i):
        return pledges.make_pledge(user(world.supplier_user), need_id=needs[i], commitment_id=world.commitment,
                                   quantity=Decimal("1"), message="", proposed_on=TODAY).id

    results = run_at_once(app, len(needs), pledge_one)
    winners = [r for r in results if isinstance(r, int)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 10 and len(losers) == 14
    for error in losers:
        assert isinstance(error, DomainError) and error.message == "Only 0 hours left on that commitment", repr(error)
    with ctx():
        held = db.session.scalar(select(func.sum(Pledge.quantity)).where(Pledge.commitment_id == world.commitment))
        assert held == Decimal("10")
        assert db.session.scalar(select(func.count(func.distinct(Pledge.need_id)))) == 10

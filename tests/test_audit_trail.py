"""Every step of the pledge loop, the ledger and contracts leaves an audit event naming who did it."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, TargetKind
from app.services import contracts, ledger, pledges
from tests.loop_world import build_loop_world, user

TODAY = date.today()


@pytest.fixture
def world(app, make):
    """A commitment of 100 hours and an open need for 50 hours."""
    return build_loop_world(app, make)


def trail(ctx, object_type: str, object_id: int) -> list[tuple]:
    """(action, actor id, reason) of each audit event about one object, oldest first."""
    with ctx():
        return [(e.action, e.actor_id, e.reason) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.id))]


def _offer(w, quantity: str = "10") -> int:
    """Offer a pledge as the supplier; return its id."""
    return pledges.make_pledge(user(w.supplier_user), need_id=w.need, commitment_id=w.commitment,
                               quantity=Decimal(quantity), message="", proposed_on=TODAY).id


def _deliver(w, pledge_id: int, quantity: str = "10") -> None:
    """Accept the pledge as the group, then mark it delivered as the supplier."""
    pledges.accept_pledge(pledge_id, user(w.vcse_user))
    pledges.mark_delivered(pledge_id, user(w.supplier_user), quantity=Decimal(quantity), delivered_on=TODAY,
                           note="Done")


def test_offer_accept_deliver_confirm_and_the_need_fulfilled(ctx, world):
    with ctx():
        pledge_id = _offer(world, "50")
        _deliver(world, pledge_id, "50")
        entry = pledges.confirm_delivery(pledge_id, user(world.vcse_user), quantity=Decimal("50"))
        entry_id = entry.id
    supplier, vcse = world.supplier_user, world.vcse_user
    assert trail(ctx, "pledge", pledge_id) == [
        ("pledge.offered", supplier, ""), ("pledge.accepted", vcse, ""), ("pledge.delivered", supplier, ""),
        ("pledge.confirmed", vcse, "")]
    assert trail(ctx, "need", world.need) == [("need.fulfilled", vcse, "")]
    with ctx():
        confirmed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "pledge.confirmed")).one()
        assert confirmed.data == {"quantity": "50", "ledger_entry_id": entry_id, "value_pence": 61050}


def test_decline_withdraw_and_cancel(ctx, world):
    with ctx():
        declined, withdrawn, cancelled = _offer(world), _offer(world), _offer(world)
        pledges.decline_pledge(declined, user(world.vcse_user), reason="Already found help")
        pledges.withdraw_pledge(withdrawn, user(world.supplier_user))
        pledges.accept_pledge(cancelled, user(world.vcse_user))
        pledges.cancel_pledge(cancelled, user(world.supplier_user), reason="Van broke down")
    supplier, vcse = world.supplier_user, world.vcse_user
    assert trail(ctx, "pledge", declined) == [("pledge.offered", supplier, ""),
                                              ("pledge.declined", vcse, "Already found help")]
    assert trail(ctx, "pledge", withdrawn) == [("pledge.offered", supplier, ""), ("pledge.withdrawn", supplier, "")]
    assert trail(ctx, "pledge", cancelled) == [("pledge.offered", supplier, ""), ("pledge.accepted", vcse, ""),
                                               ("pledge.cancelled", supplier, "Van broke down")]


def test_a_dispute_resolved_either_way(ctx, world):
    with ctx():
        confirmed, cancelled = _offer(world), _offer(world)
        for pledge_id in (confirmed, cancelled):
            _deliver(world, pledge_id)
            pledges.dispute_delivery(pledge_id, user(world.vcse_user), reason="Only half came")
        pledges.resolve_dispute_by_confirming(confirmed, user(world.moderator), quantity=Decimal("5"),
                                              note="Both agree on 5 hours")
        pledges.resolve_dispute_by_cancelling(cancelled, user(world.moderator), note="Nothing was delivered")
    supplier, vcse, moderator = world.supplier_user, world.vcse_user, world.moderator
    before = [("pledge.offered", supplier, ""), ("pledge.accepted", vcse, ""), ("pledge.delivered", supplier, ""),
              ("pledge.disputed", vcse, "Only half came")]
    assert trail(ctx, "pledge", confirmed) == before + [("pledge.dispute_confirmed", moderator, "Both agree on 5 hours")]
    assert trail(ctx, "pledge", cancelled) == before + [("pledge.dispute_cancelled", moderator, "Nothing was delivered")]


def test_a_ledger_reversal(ctx, world):
    with ctx():
        pledge_id = _offer(world)
        _deliver(world, pledge_id)
        entry_id = pledges.confirm_delivery(pledge_id, user(world.vcse_user), quantity=Decimal("10")).id
        reversal_id = ledger.reverse_entry(entry_id, user(world.manager), reason="Wrong contract").id
    assert trail(ctx, "ledger_entry", entry_id) == [("ledger.reversed", world.manager, "Wrong contract")]
    with ctx():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "ledger.reversed")).one()
        assert event.data == {"reversal_id": reversal_id, "value_pence": 12210}


def test_contract_and_commitment_created_updated_and_ended(ctx, world):
    data = contracts.ContractInput(
        reference="WCC-AUDIT-1", title="Parks", supplier_id=world.supplier, value_pence=50_000_000,
        starts_on=TODAY - timedelta(days=1), ends_on=TODAY + timedelta(days=365), contract_manager_id=world.manager,
        target_kind=TargetKind.PERCENT, target_percent=Decimal("10"))
    with ctx():
        contract_id = contracts.create_contract(user(world.manager), data).id
        data.title = "Parks and open spaces"
        contracts.update_contract(contract_id, user(world.manager), data)
        commitment_data = contracts.CommitmentInput(measure_id=world.measure, quantity=Decimal("40"),
                                                    due_on=TODAY + timedelta(days=90))
        commitment_id = contracts.add_commitment(contract_id, user(world.manager), commitment_data).id
        commitment_data.quantity = Decimal("60")
        contracts.update_commitment(commitment_id, user(world.manager), commitment_data)
        contracts.end_contract(contract_id, user(world.manager), reason="Service brought in house")
    manager = world.manager
    assert trail(ctx, "contract", contract_id) == [
        ("contract.created", manager, ""), ("contract.updated", manager, ""),
        ("contract.ended", manager, "Service brought in house")]
    assert trail(ctx, "commitment", commitment_id) == [("commitment.created", manager, ""),
                                                       ("commitment.updated", manager, "")]

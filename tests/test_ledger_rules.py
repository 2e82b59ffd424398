"""The rules of the pledge loop and the ledger, at the service level."""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import LedgerEntry, LedgerIsAppendOnly, Need, NeedStatus, Pledge, PledgeStatus, ProxyValue
from app.services import ledger, pledges
from app.errors import NotFound, Invalid
from app.errors import Conflict
from tests.loop_world import add_contract, build_loop_world, user

TODAY = date.today()


@pytest.fixture
def world(app, make):
    """A contract commitment of 100 hours and an open need for 50 hours, valued at £12.21 an hour."""
    return build_loop_world(app, make)


def _delivered_pledge(ctx, w, quantity="10", delivered_on=None) -> int:
    """Walk a pledge to delivered through the services (made on the delivery day if that is past); return its id."""
    with ctx():
        pledge = pledges.make_pledge(user(w.supplier_user), need_id=w.need, commitment_id=w.commitment,
                                     quantity=Decimal(quantity), message="We can help", proposed_on=TODAY)
        if delivered_on:  # a delivery in the past needs a pledge made no later
            pledge.created_at = datetime.combine(delivered_on, time())
            db.session.commit()
        pledges.accept_pledge(pledge.id, user(w.vcse_user))
        pledges.mark_delivered(pledge.id, user(w.supplier_user), quantity=Decimal(quantity),
                               delivered_on=delivered_on or TODAY, note="Painted the hall")
        return pledge.id


def test_confirmation_writes_one_entry_valued_at_the_proxy_rounded_half_up(ctx, world):
    pledge_id = _delivered_pledge(ctx, world, "2.5")
    with ctx():
        entry = pledges.confirm_delivery(pledge_id, user(world.vcse_user), quantity=Decimal("2.5"), story="Great")
        # 2.5 hours x 1221p = 3052.5p, rounded half up.
        assert (entry.value_pence, entry.pence_per_unit, entry.quantity) == (3053, 1221, Decimal("2.50"))
        assert (entry.contract_id, entry.commitment_id, entry.need_id) == (world.contract, world.commitment, world.need)
        assert entry.confirmed_by_id == world.vcse_user and entry.vcse_id == world.vcse
        assert entry.story == "Great" and entry.delivered_on == TODAY


def test_confirming_again_is_a_no_op_returning_the_same_entry(ctx, world):
    pledge_id = _delivered_pledge(ctx, world)
    with ctx():
        first = pledges.confirm_delivery(pledge_id, user(world.vcse_user), quantity=Decimal("10"))
        again = pledges.confirm_delivery(pledge_id, user(world.vcse_user), quantity=Decimal("10"))
        assert again.id == first.id
        assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1


def test_a_changed_proxy_value_never_rewrites_history(ctx, world):
    first_id = _delivered_pledge(ctx, world, "10", delivered_on=TODAY - timedelta(days=5))
    with ctx():
        pledges.confirm_delivery(first_id, user(world.vcse_user), quantity=Decimal("10"))
        db.session.add(ProxyValue(measure_id=world.measure, pence_per_unit=1500, effective_from=TODAY - timedelta(days=2)))
        db.session.commit()
    with ctx():
        old = db.session.scalars(select(LedgerEntry)).one()
        assert (old.pence_per_unit, old.value_pence) == (1221, 12210)
    # A delivery before the new value's date still uses the old one; a later delivery uses the new one.
    before_id = _delivered_pledge(ctx, world, "1", delivered_on=TODAY - timedelta(days=3))
    after_id = _delivered_pledge(ctx, world, "1", delivered_on=TODAY - timedelta(days=1))
    with ctx():
        before = pledges.confirm_delivery(before_id, user(world.vcse_user), quantity=Decimal("1"))
        after = pledges.confirm_delivery(after_id, user(world.vcse_user), quantity=Decimal("1"))
        assert (before.pence_per_unit, after.pence_per_unit) == (1221, 1500)
        total = db.session.scalar(select(func.sum(LedgerEntry.value_pence)).where(LedgerEntry.contract_id == world.contract))
        assert total == 12210 + 1221 + 1500


def test_ledger_entries_cannot_be_changed_or_deleted(ctx, world):
    pledge_id = _delivered_pledge(ctx, world)
    with ctx():
        pledges.confirm_delivery(pledge_id, user(world.vcse_user), quantity=Decimal("10"))
    with ctx():
        entry = db.session.scalars(select(LedgerEntry)).one()
        entry.value_pence = 1
        with pytest.raises(LedgerIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.scalars(select(LedgerEntry)).one())
        with pytest.raises(LedgerIsAppendOnly):
            db.session.commit()
        db.session.rollback()
    with ctx():
        assert db.session.scalars(select(LedgerEntry)).one().value_pence == 12210


def test_a_reversal_is_a_negative_entry_pointing_at_the_original_and_happens_once(ctx, world):
    pledge_id = _delivered_pledge(ctx, world)
    with ctx():
        original = pledges.confirm_delivery(pledge_id, user(world.vcse_user), quantity=Decimal("10"))
        reversal = ledger.reverse_entry(original.id, user(world.manager), reason="Counted on the wrong contract")
        assert (reversal.reverses_id, reversal.quantity, reversal.value_pence) == (original.id, Decimal("-10"), -12210)
        with pytest.raises(ledger.Conflict, match="already been reversed"):
            ledger.reverse_entry(original.id, user(world.moderator), reason="Again")
        with pytest.raises(ledger.Conflict, match="itself a reversal"):
            ledger.reverse_entry(reversal.id, user(world.manager), reason="Undo")
        with pytest.raises(Invalid):
            ledger.reverse_entry(original.id, user(world.manager), reason="  ")
    with ctx():
        assert db.session.scalar(select(func.sum(LedgerEntry.value_pence))) == 0
        assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 2


def test_a_need_becomes_fulfilled_when_confirmed_quantity_reaches_what_it_wanted(ctx, world):
    first = _delivered_pledge(ctx, world, "30")
    second = _delivered_pledge(ctx, world, "20")
    with ctx():
        pledges.confirm_delivery(first, user(world.vcse_user), quantity=Decimal("30"))
        assert db.session.get(Need, world.need).status is NeedStatus.OPEN
        pledges.confirm_delivery(second, user(world.vcse_user), quantity=Decimal("20"))
    with ctx():
        assert db.session.get(Need, world.need).status is NeedStatus.FULFILLED


def test_pledges_never_exceed_what_the_commitment_or_the_need_has_left(ctx, world, app, make):
    with ctx():
        supplier = user(world.supplier_user)
        with pytest.raises(Invalid, match="Only 50 hours still needed"):
            pledges.make_pledge(supplier, need_id=world.need, commitment_id=world.commitment,
                                quantity=Decimal("51"), message="", proposed_on=TODAY)
    small_contract, small_commitment = add_contract(app, world.council, world.supplier, world.manager, world.measure, "5")
    with ctx():
        with pytest.raises(Invalid, match="Only 5 hours left on that commitment"):
            pledges.make_pledge(user(world.supplier_user), need_id=world.need, commitment_id=small_commitment,
                                quantity=Decimal("6"), message="", proposed_on=TODAY)
        assert db.session.scalar(select(func.count()).select_from(Pledge)) == 0


def test_illegal_moves_are_refused_and_change_nothing(ctx, world, app, make):
    with ctx():
        pledge = pledges.make_pledge(user(world.supplier_user), need_id=world.need, commitment_id=world.commitment,
                                     quantity=Decimal("5"), message="", proposed_on=TODAY)
        pledges.decline_pledge(pledge.id, user(world.vcse_user), reason="Already found help")
        pledge_id = pledge.id
    with ctx():
        with pytest.raises(Conflict):
            pledges.confirm_delivery(pledge_id, user(world.vcse_user), quantity=Decimal("5"))
        db.session.rollback()
        assert db.session.get(Pledge, pledge_id).status is PledgeStatus.DECLINED
        assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
    # Another supplier's contract: as if it did not exist.
    rival = make.organisation(kind="supplier")
    rival_user = make.user(rival)
    with ctx():
        with pytest.raises(NotFound):
            pledges.make_pledge(user(rival_user), need_id=world.need, commitment_id=world.commitment,
                                quantity=Decimal("1"), message="", proposed_on=TODAY)
    # A VCSE confirming another VCSE's pledge.
    delivered = _delivered_pledge(ctx, world, "3")
    other_vcse_user = make.user(make.organisation(kind="vcse"))
    with ctx():
        with pytest.raises(NotFound):
            pledges.confirm_delivery(delivered, user(other_vcse_user), quantity=Decimal("3"))
        db.session.rollback()
        assert db.session.get(Pledge, delivered).status is PledgeStatus.DELIVERED
    # An expired need takes no pledges.
    expired = make.need(world.vcse, status="expired", measure_id=world.measure)
    with ctx():
        with pytest.raises(Conflict, match="no longer open"):
            pledges.make_pledge(user(world.supplier_user), need_id=expired, commitment_id=world.commitment,
                                quantity=Decimal("1"), message="", proposed_on=TODAY)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Pledge).where(Pledge.need_id == expired)) == 0


def test_an_ended_contract_takes_no_new_pledges(ctx, world):
    from app.services.contracts import end_contract

    with ctx():
        end_contract(world.contract, user(world.manager), reason="Supplier went into administration")
        with pytest.raises(Conflict, match="ended"):
            pledges.make_pledge(user(world.supplier_user), need_id=world.need, commitment_id=world.commitment,
                                quantity=Decimal("1"), message="", proposed_on=TODAY)


def test_a_commitment_cannot_be_cut_below_what_is_held(ctx, world):
    from app.services.contracts import CommitmentInput, update_commitment

    _delivered_pledge(ctx, world, "30")
    with ctx():
        data = CommitmentInput(measure_id=world.measure, quantity=Decimal("29"), due_on=TODAY + timedelta(days=9))
        with pytest.raises(Invalid, match="less than the 30 hours already pledged"):
            update_commitment(world.commitment, user(world.manager), data)
        db.session.rollback()
        data.quantity = Decimal("30")
        assert update_commitment(world.commitment, user(world.manager), data).quantity == Decimal("30")


def test_dispute_resolved_by_confirming_writes_the_entry_and_by_cancelling_writes_none(ctx, world):
    first = _delivered_pledge(ctx, world, "8")
    second = _delivered_pledge(ctx, world, "4")
    with ctx():
        pledges.dispute_delivery(first, user(world.vcse_user), reason="Only 6 hours happened")
        pledges.dispute_delivery(second, user(world.vcse_user), reason="Nobody came")
        entry = pledges.resolve_dispute_by_confirming(first, user(world.moderator), quantity=Decimal("6"),
                                                      note="Both agree 6 hours")
        assert (entry.quantity, entry.value_pence) == (Decimal("6"), 7326)
        pledges.resolve_dispute_by_cancelling(second, user(world.moderator), note="No delivery happened")
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1
        assert db.session.get(Pledge, second).status is PledgeStatus.CANCELLED

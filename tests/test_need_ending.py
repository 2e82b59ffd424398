"""When a need ends, offered pledges to it are declined for their suppliers; pledges under way carry on to the ledger."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, LedgerEntry, Need, NeedStatus, Pledge, PledgeStatus, User
from app.services import needs, pledges
from tests.loop_world import build_loop_world, user

TODAY = date.today()
HEADLINE = "Your pledge was declined because the need has ended"

# How each ending is made, who makes it (a world attribute, or None for the nightly job), and what the supplier is told.
ENDINGS = {
    "withdrawn": (lambda w: needs.withdraw_need(w.need, user(w.vcse_user)), "vcse_user",
                  "The group withdrew this need."),
    "closed": (lambda w: needs.close_need(w.need, user(w.vcse_user)), "vcse_user", "The group closed this need."),
    "hidden": (lambda w: needs.hide_need(w.need, user(w.moderator), reason="Posted twice"), "moderator",
               "A moderator took this need down."),
    # The factory's need is needed within 60 days; the nightly job runs after that.
    "expired": (lambda w: needs.expire_needs(today=TODAY + timedelta(days=61)), None,
                "This need passed its needed-by date."),
}


@pytest.fixture
def world(app, make):
    """A commitment of 100 hours and an open need for 50 hours."""
    return build_loop_world(app, make)


def _pledge(w, quantity: str, to: PledgeStatus) -> int:
    """A pledge walked through the services to offered, accepted or delivered, in the caller's context."""
    pledge = pledges.make_pledge(user(w.supplier_user), need_id=w.need, commitment_id=w.commitment,
                                 quantity=Decimal(quantity), message="We can help", proposed_on=TODAY)
    if to is not PledgeStatus.OFFERED:
        pledges.accept_pledge(pledge.id, user(w.vcse_user))
    if to is PledgeStatus.DELIVERED:
        pledges.mark_delivered(pledge.id, user(w.supplier_user), quantity=Decimal(quantity), delivered_on=TODAY,
                               note="Done")
    return pledge.id


def _end(ctx, w, ending: str) -> None:
    """End the need one way."""
    with ctx():
        ENDINGS[ending][0](w)


def _status(ctx, model, obj_id):
    """A row's saved status."""
    with ctx():
        return db.session.get(model, obj_id).status


@pytest.mark.parametrize("ending", ENDINGS)
def test_ending_a_need_declines_its_offered_pledges_and_tells_each_supplier(ctx, outbox, world, ending):
    with ctx():
        offered = [_pledge(world, "5", PledgeStatus.OFFERED), _pledge(world, "3", PledgeStatus.OFFERED)]
        accepted = _pledge(world, "10", PledgeStatus.ACCEPTED)
        delivered = _pledge(world, "10", PledgeStatus.DELIVERED)
        supplier_email = user(world.supplier_user).email
    emails_before = len(outbox())
    _, actor, reason = ENDINGS[ending]

    _end(ctx, world, ending)

    assert _status(ctx, Need, world.need).value == ending
    with ctx():
        for pledge_id in offered:
            pledge = db.session.get(Pledge, pledge_id)
            assert (pledge.status, pledge.reason) == (PledgeStatus.DECLINED, reason)
            assert pledge.responded_at is not None
            events = db.session.scalars(select(AuditEvent).where(
                AuditEvent.object_type == "pledge", AuditEvent.object_id == pledge_id,
                AuditEvent.action == "pledge.declined")).all()
            assert [(e.actor_id, e.reason, e.data["need_status"]) for e in events] == [
                (getattr(world, actor) if actor else None, reason, ending)]
        assert db.session.get(Pledge, accepted).status is PledgeStatus.ACCEPTED
        assert db.session.get(Pledge, delivered).status is PledgeStatus.DELIVERED
    told = [(subject, body) for to, subject, body in outbox()[emails_before:] if to == supplier_email]
    assert len(told) == 2
    assert all(subject.startswith(HEADLINE) and reason in body for subject, body in told)
    for pledge_id in offered:
        assert any(f"/supplier/pledges/{pledge_id}" in body for _, body in told)


@pytest.mark.parametrize("ending", ENDINGS)
def test_accepted_and_delivered_pledges_carry_on_to_the_ledger_after_the_need_ends(ctx, world, ending):
    with ctx():
        accepted = _pledge(world, "10", PledgeStatus.ACCEPTED)
        delivered = _pledge(world, "10", PledgeStatus.DELIVERED)
    _end(ctx, world, ending)
    with ctx():
        pledges.mark_delivered(accepted, user(world.supplier_user), quantity=Decimal("10"), delivered_on=TODAY,
                               note="Done after all")
        for pledge_id in (accepted, delivered):
            pledges.confirm_delivery(pledge_id, user(world.vcse_user), quantity=Decimal("10"))
    with ctx():
        assert {db.session.get(Pledge, p).status for p in (accepted, delivered)} == {PledgeStatus.CONFIRMED}
        assert db.session.scalar(select(func.sum(LedgerEntry.quantity))) == Decimal("20")
        assert db.session.get(Need, world.need).status.value == ending  # 20 of 50 hours: not met yet


# A need that ended by closing or expiring is still met by the deliveries under way; one withdrawn or taken down is not.
@pytest.mark.parametrize("ending, becomes", [
    ("closed", NeedStatus.FULFILLED), ("expired", NeedStatus.FULFILLED),
    ("withdrawn", NeedStatus.WITHDRAWN), ("hidden", NeedStatus.HIDDEN),
])
def test_a_need_ended_before_its_last_confirmation_is_fulfilled_only_if_closed_or_expired(ctx, world, ending, becomes):
    with ctx():
        first = _pledge(world, "25", PledgeStatus.DELIVERED)
        second = _pledge(world, "25", PledgeStatus.DELIVERED)
        pledges.confirm_delivery(first, user(world.vcse_user), quantity=Decimal("25"))
    _end(ctx, world, ending)
    with ctx():
        ended_at = db.session.get(Need, world.need).ended_at
        pledges.confirm_delivery(second, user(world.vcse_user), quantity=Decimal("25"))
    with ctx():
        need = db.session.get(Need, world.need)
        assert need.status is becomes
        assert need.ended_at == ended_at  # it stopped taking pledges when it ended, not when it was met
        fulfilled = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "need", AuditEvent.action == "need.fulfilled")).all()
        assert [(e.actor_id, e.data["previous_status"]) for e in fulfilled] == (
            [(world.vcse_user, ending)] if becomes is NeedStatus.FULFILLED else [])


def test_a_need_met_while_open_is_fulfilled_as_before(ctx, world):
    with ctx():
        only = _pledge(world, "50", PledgeStatus.DELIVERED)
        pledges.confirm_delivery(only, user(world.vcse_user), quantity=Decimal("50"))
    with ctx():
        need = db.session.get(Need, world.need)
        assert need.status is NeedStatus.FULFILLED and need.ended_at is not None


def test_ending_a_need_without_pledges_declines_nothing(ctx, outbox, world):
    emails_before = len(outbox())
    _end(ctx, world, "closed")
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(Pledge)) == 0
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "pledge.declined")) == 0
        members = {u.email for u in db.session.scalars(select(User).where(User.organisation_id == world.supplier))}
    assert not [m for m in outbox()[emails_before:] if m[0] in members]

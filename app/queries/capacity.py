"""How much of a commitment or a need pledges hold: computed in SQL, never stored."""
from decimal import Decimal

from sqlalchemy import case, func, select

from app.extensions import db
from app.models import HOLDS_DELIVERED, HOLDS_PLEDGED, LedgerEntry, Pledge, PledgeStatus


def held_quantity_expression():
    """SQL for what one pledge holds: pledged while offered or accepted, then delivered, then its net ledger quantity."""
    # Once confirmed, a pledge holds what its ledger entries add up to, reversals included, so a
    # reversed delivery releases its capacity. A correlated subquery keeps this one statement.
    net_ledger = (select(func.coalesce(func.sum(LedgerEntry.quantity), 0)).where(LedgerEntry.pledge_id == Pledge.id)
                  .correlate(Pledge).scalar_subquery())
    return case(
        (Pledge.status.in_(HOLDS_PLEDGED), Pledge.quantity),
        (Pledge.status.in_(HOLDS_DELIVERED), func.coalesce(Pledge.delivered_quantity, 0)),
        (Pledge.status == PledgeStatus.CONFIRMED, net_ledger),
        else_=0,
    )


def _sum(query) -> Decimal:
    """A SUM as an exact Decimal (0 when there are no rows)."""
    return Decimal(db.session.scalar(query) or 0)


def commitment_held(commitment_id: int) -> Decimal:
    """How much of a commitment its pledges hold."""
    return _sum(select(func.sum(held_quantity_expression())).where(Pledge.commitment_id == commitment_id))


def need_held(need_id: int) -> Decimal:
    """How much of a need pledges hold."""
    return _sum(select(func.sum(held_quantity_expression())).where(Pledge.need_id == need_id))


def need_confirmed(need_id: int) -> Decimal:
    """The need's confirmed quantity: the sum of its ledger entries, reversals included."""
    return _sum(select(func.sum(LedgerEntry.quantity)).where(LedgerEntry.need_id == need_id))


def held_by_need(need_ids: list[int]) -> dict[int, Decimal]:
    """What pledges hold of each of several needs, in one query."""
    if not need_ids:
        return {}
    rows = db.session.execute(select(Pledge.need_id, func.sum(held_quantity_expression()))
                              .where(Pledge.need_id.in_(need_ids)).group_by(Pledge.need_id))
    return {need_id: Decimal(total or 0) for need_id, total in rows}

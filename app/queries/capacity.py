"""How much of a commitment or a need pledges hold: computed in SQL, never stored."""
from decimal import Decimal

from sqlalchemy import case, func, select

from app.extensions import db
from app.models import (
    HOLDS_DELIVERED, HOLDS_PLEDGED, LedgerEntry, Offer, OfferRequest, OfferRequestStatus, OfferStatus, Pledge,
    PledgeStatus,
)

# Offers that set part of their commitment aside: waiting for a moderator, or open to requests.
RESERVING_OFFER_STATUSES = (OfferStatus.PENDING_REVIEW, OfferStatus.OPEN)


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
    """How much of a commitment its pledges hold, and the requests for its offers still waiting for an answer."""
    pledged = _sum(select(func.sum(held_quantity_expression())).where(Pledge.commitment_id == commitment_id))
    return pledged + requested_by_commitment([commitment_id]).get(commitment_id, Decimal(0))


def held_by_commitment(commitment_ids) -> dict[int, Decimal]:
    """What each of several commitments (a list of ids or a query of them) has held, as `commitment_held` counts it:
    its pledges and the requests for its offers still waiting for an answer, in two grouped queries."""
    held = dict(db.session.execute(select(Pledge.commitment_id, func.sum(held_quantity_expression()))
                                   .where(Pledge.commitment_id.in_(commitment_ids)).group_by(Pledge.commitment_id)).all())
    requested = requested_by_commitment(commitment_ids)
    return {cid: Decimal(held.get(cid) or 0) + requested.get(cid, Decimal(0)) for cid in set(held) | set(requested)}


def requested_by_commitment(commitment_ids) -> dict[int, Decimal]:
    """What requests waiting for the supplier's answer hold of each commitment (accepted ones hold it as pledges)."""
    if isinstance(commitment_ids, list) and not commitment_ids:
        return {}
    rows = db.session.execute(
        select(Offer.commitment_id, func.sum(OfferRequest.quantity)).join(Offer, Offer.id == OfferRequest.offer_id)
        .where(Offer.commitment_id.in_(commitment_ids), OfferRequest.status == OfferRequestStatus.REQUESTED)
        .group_by(Offer.commitment_id))
    return {commitment_id: Decimal(total or 0) for commitment_id, total in rows}


def reserved_by_offers(commitment_ids: list[int], *, except_offer_id: int | None = None) -> dict[int, Decimal]:
    """What each commitment's open and pending offers still set aside: each offer's total less what its requests
    hold (those already count in `held_by_commitment`), so nothing is counted twice."""
    query = select(Offer.id, Offer.commitment_id, Offer.quantity).where(
        Offer.commitment_id.in_(commitment_ids), Offer.status.in_(RESERVING_OFFER_STATUSES))
    if except_offer_id is not None:
        query = query.where(Offer.id != except_offer_id)
    offers = db.session.execute(query).all() if commitment_ids else []
    held = held_by_offer([offer_id for offer_id, _, _ in offers])
    reserved: dict[int, Decimal] = {}
    for offer_id, commitment_id, quantity in offers:
        reserved[commitment_id] = (reserved.get(commitment_id, Decimal(0))
                                   + max(quantity - held.get(offer_id, Decimal(0)), Decimal(0)))
    return reserved


def left_for_offers(commitments, *, except_offer_id: int | None = None) -> dict[int, Decimal]:
    """What an offer may still draw on each commitment: its quantity less what pledges and waiting requests hold
    and what its other open and pending offers set aside (never below zero), in a fixed number of queries."""
    ids = [commitment.id for commitment in commitments]
    held = held_by_commitment(ids) if ids else {}
    reserved = reserved_by_offers(ids, except_offer_id=except_offer_id)
    return {commitment.id: max(commitment.quantity - held.get(commitment.id, Decimal(0))
                               - reserved.get(commitment.id, Decimal(0)), Decimal(0)) for commitment in commitments}


def left_for_offer(commitment, *, except_offer_id: int | None = None) -> Decimal:
    """`left_for_offers` for one commitment."""
    return left_for_offers([commitment], except_offer_id=except_offer_id)[commitment.id]


def held_by_offer(offer_ids: list[int]) -> dict[int, Decimal]:
    """What each offer's requests hold, in one query: the quantity asked while waiting, then what its pledge holds."""
    if not offer_ids:
        return {}
    holds = case((OfferRequest.status == OfferRequestStatus.REQUESTED, OfferRequest.quantity),
                 (OfferRequest.status == OfferRequestStatus.ACCEPTED, func.coalesce(held_quantity_expression(), 0)),
                 else_=0)
    rows = db.session.execute(
        select(OfferRequest.offer_id, func.sum(holds))
        .outerjoin(Pledge, Pledge.offer_request_id == OfferRequest.id)
        .where(OfferRequest.offer_id.in_(offer_ids)).group_by(OfferRequest.offer_id))
    return {offer_id: Decimal(total or 0) for offer_id, total in rows}


def offer_held(offer_id: int) -> Decimal:
    """How much of an offer its requests hold."""
    return held_by_offer([offer_id]).get(offer_id, Decimal(0))


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
